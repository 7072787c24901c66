// Resolving on several threads (src/compiler/resolve/parallel.ts) changes nothing a caller can
// see: the diagnostics, the tree and the bundle's bytes are the same as on one thread, for the
// real programme, for a generated corpus and for one full of mistakes and hostile input.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeCorpus } from '../../bench/corpus.ts'
import { main } from '../../src/cli/main.ts'
import { compile, type CompileResult } from '../../src/compiler/index.ts'
import { loadContent } from '../../src/compiler/load/discover.ts'
import { resolveFile } from '../../src/compiler/resolve/index.ts'
import { MIN_CHARS_PER_THREAD, resolveFiles, threadsFor } from '../../src/compiler/resolve/parallel.ts'
import { fixturesDir } from '../helpers/fixture.ts'

const repoContent = path.join(import.meta.dirname, '../../content')
const temps: string[] = []
async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plus-threads-'))
  temps.push(dir)
  return dir
}
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

/** Everything a compile gives a caller: diagnostics, the tree and the bundle's bytes. */
function observable(result: CompileResult) {
  return {
    diagnostics: result.diagnostics,
    counts: result.counts,
    tree: result.tree,
    files: result.output ? [...result.output.files].map(([p, bytes]) => [p, Buffer.from(bytes).toString('base64')]) : null,
  }
}

async function compareThreads(contentDir: string, threads: number[]) {
  const one = observable(await compile({ contentDir, displayDir: 'content', threads: 1 }))
  for (const n of threads) {
    const many = observable(await compile({ contentDir, displayDir: 'content', threads: n }))
    // Compared as JSON, key order included (and quicker than a deep comparison of the whole tree);
    // on a difference, the deep comparison shows where.
    for (const key of ['diagnostics', 'files', 'tree', 'counts'] as const) {
      if (JSON.stringify(many[key]) !== JSON.stringify(one[key])) expect(many[key]).toEqual(one[key])
      expect(JSON.stringify(many[key])).toBe(JSON.stringify(one[key]))
    }
  }
  return one
}

/**
 * A generated corpus with, spread over its modules, every section file of the fixtures (valid
 * ones and ones with every kind of mistake, their ids clashing with each other) and hostile
 * input: nesting far too deep, pathological inline runs, control and invisible characters.
 */
async function corpusWithMistakes(): Promise<string> {
  const dir = path.join(await tempDir(), 'content')
  await writeCorpus(dir, 300)
  let n = 0
  const place = async (text: string) => {
    const module = `m${(n % 7) + 1}`
    await writeFile(path.join(dir, module, `${String(9000 + n++)}-extra.md`), text)
  }
  for (const name of (await readdir(fixturesDir)).sort()) {
    const mod = path.join(fixturesDir, name, 'content', 'mod')
    if (!existsSync(mod)) continue
    for (const file of (await readdir(mod)).sort()) {
      if (file.endsWith('.md') && file !== 'module.md') await place(await readFile(path.join(mod, file), 'utf8'))
    }
  }
  const head = (id: string) => `---\nid: ${id}\ntitle: Fientlig\n---\n\n::::step{#${id}-steg title="x"}\n`
  await place(`${head('djup')}${'> '.repeat(5000)}djupt\n::::\n`)
  await place(`${head('listor')}${Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}- nivå ${i}`).join('\n')}\n::::\n`)
  await place(`${head('inline')}${'*a_'.repeat(3000)}\n::::\n`)
  await place(`${head('tecken')}Text\u0007 med\u200b osynligt.\n::::\n`)
  await place(`${head('ofullständig')}:::film{#f title="Film"\n`)
  // A module file with broken frontmatter too.
  await writeFile(path.join(dir, 'm3', 'module.md'), '---\nid: m3\ntitle: [oavslutad\n---\n')
  return dir
}

describe('resolving on several threads', () => {
  it('gives the real programme the same diagnostics, tree and bundle bytes as one thread', async () => {
    const one = await compareThreads(repoContent, [2, 3])
    expect(one.files).not.toBeNull()
  }, 60_000)

  it('gives a generated corpus the same bundle bytes as one thread', async () => {
    const dir = path.join(await tempDir(), 'content')
    await writeCorpus(dir, 500)
    const one = await compareThreads(dir, [2, 4])
    expect(one.files).not.toBeNull()
  }, 120_000)

  it('gives content full of mistakes and hostile input the same diagnostics and tree as one thread', async () => {
    const dir = await corpusWithMistakes()
    const one = await compareThreads(dir, [2, 3])
    expect(one.files).toBeNull()
    const codes = new Set(one.diagnostics.map((d) => d.code))
    for (const code of ['PLUS209', 'PLUS220', 'PLUS301', 'PLUS108']) expect(codes).toContain(code)
  }, 120_000)

  it('has the workers resolve files, each result in its file’s place', async () => {
    const loaded = await loadContent(repoContent)
    let stats = { threads: 0, byWorkers: 0, started: 0 }
    const results = await resolveFiles(loaded.files, { threads: 3, onDone: (s) => (stats = s) })
    expect(stats.threads).toBe(3)
    expect(stats.byWorkers).toBeGreaterThan(0)
    expect(results.map((r) => r.file)).toEqual(loaded.files)
    expect(results).toEqual(loaded.files.map(resolveFile))
  }, 60_000)

  it('stays on one thread for a little content, and takes an explicit count as given', async () => {
    const loaded = await loadContent(repoContent)
    const chars = loaded.files.reduce((n, f) => n + f.text.length, 0)
    expect(chars).toBeLessThan(MIN_CHARS_PER_THREAD * 2)
    expect(threadsFor(loaded.files)).toBe(1)
    expect(threadsFor(loaded.files, 1)).toBe(1)
    expect(threadsFor(loaded.files, 3)).toBe(3)
    expect(threadsFor(loaded.files.slice(0, 2), 3)).toBe(2)
    expect(() => threadsFor(loaded.files, 0)).toThrow(TypeError)
    expect(() => threadsFor(loaded.files, 1.5)).toThrow(TypeError)
  })

  it('takes --threads and PLUS_THREADS on the command line and refuses a bad count', async () => {
    const root = await tempDir()
    await cp(repoContent, path.join(root, 'content'), { recursive: true })
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const out: string[] = []
      const err: string[] = []
      const code = await main(args, { out: (t) => void out.push(t), err: (t) => void err.push(t), env, cwd: root })
      return { code, out: out.join(''), err: err.join('') }
    }
    const one = await run(['check', '--threads', '1', '--no-cache', '--format', 'json'])
    const two = await run(['check', '--threads', '2', '--no-cache', '--format', 'json'])
    const env = await run(['check', '--no-cache', '--format', 'json'], { PLUS_THREADS: '2' })
    expect(two).toEqual(one)
    expect(env).toEqual(one)
    for (const bad of ['0', 'två', '1.5']) {
      const refused = await run(['check', '--threads', bad])
      expect(refused.code).toBe(2)
      expect(refused.err).toContain('--threads')
    }
    expect((await run(['check'], { PLUS_THREADS: '-1' })).code).toBe(2)
  }, 60_000)
})
