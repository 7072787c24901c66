// Before/after pairs for diff tests. A case folder test/diff/fixtures/<case>/ overlays the shared
// content folder fixtures/_base with its own `before/` and `after/` files (either may be absent),
// and its case.json may delete files or folders from either side. Both sides are compiled with
// the real compiler, so every pair is real compiled content.
import { existsSync, readdirSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { compile, formatDiagnostic } from '../../src/compiler/index.ts'
import type { PlusBundle } from '../../src/types/index.ts'

export const diffFixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url))

/** What a case.json may say. */
interface CaseFile {
  delete?: { before?: string[]; after?: string[] }
}

/** The case folders, sorted. */
export function diffCases(): string[] {
  return readdirSync(diffFixturesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort()
}

/** Compiles a content folder; throws with the diagnostics when it does not compile. */
export async function compileDir(dir: string): Promise<PlusBundle> {
  const result = await compile({ contentDir: dir })
  if (!result.output) {
    const problems = result.diagnostics.map((d) => formatDiagnostic(d, 'en'))
    throw new Error(`${dir} does not compile:\n${problems.join('\n')}`)
  }
  return result.output.bundle
}

/** The compiled before and after bundles of a case. */
export async function casePair(name: string): Promise<{ before: PlusBundle; after: PlusBundle }> {
  const caseDir = path.join(diffFixturesDir, name)
  const file = path.join(caseDir, 'case.json')
  const options: CaseFile = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {}
  const root = await mkdtemp(path.join(os.tmpdir(), `plus-diff-${name}-`))
  try {
    const side = async (which: 'before' | 'after') => {
      const dir = path.join(root, which)
      await cp(path.join(diffFixturesDir, '_base'), dir, { recursive: true })
      for (const rel of options.delete?.[which] ?? []) await rm(path.join(dir, rel), { recursive: true, force: true })
      const own = path.join(caseDir, which)
      if (existsSync(own)) await cp(own, dir, { recursive: true, force: true })
      return compileDir(dir)
    }
    return { before: await side('before'), after: await side('after') }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}
