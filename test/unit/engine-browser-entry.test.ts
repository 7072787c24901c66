// plus/engine/browser is imported by the preview's page scripts, which run in a browser: no
// module it loads at run time may import a Node built-in. Type-only imports are erased and do
// not count. The walk follows the same relative imports Node and Vite follow.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as browser from '../../src/engine/browser.ts'
import * as engine from '../../src/engine/index.ts'
import { repoRoot } from '../support/node-versions.ts'

/** Specifiers of the run-time imports and re-exports of a TypeScript source (type-only ones left out). */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = []
  const pattern = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm
  for (const match of source.matchAll(pattern)) specifiers.push(match[1]!)
  return specifiers
}

/** Every module reached at run time from `entry`, with the bare or built-in specifiers it imports. */
function graph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>()
  const external = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier))
      else external.add(specifier)
    }
  }
  visit(entry)
  return { files: [...files], external: [...external] }
}

describe('plus/engine/browser', () => {
  it('loads no Node built-in and no package, however deep', () => {
    const { files, external } = graph(path.join(repoRoot, 'src/engine/browser.ts'))
    expect(files.map((f) => path.relative(repoRoot, f))).toContain('src/engine/timeline.ts')
    expect(external).toEqual([])
  })

  it('the walk sees the Node built-ins of the full engine entry, so it would see them here too', () => {
    expect(graph(path.join(repoRoot, 'src/engine/index.ts')).external).toContain('node:sqlite')
  })

  it('exports the same functions as plus/engine, not copies', () => {
    for (const [name, value] of Object.entries(browser)) expect(engine[name as keyof typeof engine], name).toBe(value)
  })
})
