// The resolve workers outlive a compile (src/compiler/resolve/parallel.ts): the next compile in
// the process finds them warm. These tests pin what that must not change: every compile's results
// are its own (a failed compile leaves nothing behind for the next), a worker lost mid-compile
// costs nothing but time, and the pool never keeps a process alive.
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadContent } from '../../src/compiler/load/discover.ts'
import type { SourceFile } from '../../src/compiler/load/source-file.ts'
import { resolveFile, type ResolvedFile } from '../../src/compiler/resolve/index.ts'
import { closeResolvePool, resolveFiles, resolvePoolSize } from '../../src/compiler/resolve/parallel.ts'

const repoContent = path.join(import.meta.dirname, '../../content')
afterAll(closeResolvePool)
let files: SourceFile[] = []
/** What one thread makes of `files`. */
let expected: ResolvedFile[] = []
beforeAll(async () => {
  files = await manyFiles()
  expected = files.map(resolveFile)
})

type Stats = { threads: number; byWorkers: number; started: number; bundled: number }
async function resolveWithStats(files: readonly SourceFile[], threads: number) {
  let stats: Stats | null = null
  const results = await resolveFiles(files, { threads, onDone: (s) => (stats = s) })
  return { results, stats: stats! }
}

/** The programme's files, several times over under other names, so that every thread has batches. */
async function manyFiles(): Promise<SourceFile[]> {
  const { files } = await loadContent(repoContent)
  return [0, 1].flatMap((n) => files.map((f) => ({ ...f, rel: `${n}/${f.rel}`, path: `${n}/${f.path}` })))
}

describe('the pool of resolve workers', () => {
  it('keeps its workers for the next compile, with the same results as one thread', async () => {
    await closeResolvePool()
    const first = await resolveWithStats(files, 3)
    expect(first.stats.started).toBe(2)
    expect(resolvePoolSize()).toBe(2)
    const second = await resolveWithStats(files, 3)
    expect(second.stats).toMatchObject({ threads: 3, started: 0 })
    expect(second.stats.byWorkers).toBeGreaterThan(0)
    expect(second.results).toEqual(expected)
    // A compile that wants fewer threads uses some of the warm workers; one that wants more starts the rest.
    expect((await resolveWithStats(files, 2)).stats.started).toBe(0)
    expect((await resolveWithStats(files, 4)).stats.started).toBe(1)
    expect(resolvePoolSize()).toBe(3)
  }, 120_000)

  it('rejects a compile whose resolve throws, and the next compile gets only its own results', async () => {
    // A file resolveFile cannot take (a compiler bug, as far as the pool knows): near the end of
    // the first batch (which the main thread claims first: it fails while the workers are busy
    // with batches of their own), in the middle, last.
    for (const at of [Math.floor(files.length / 12), Math.floor(files.length / 2), files.length]) {
      const broken = [...files]
      broken.splice(at, 0, { ...files[0]!, rel: 'trasig.md', text: { length: 20_000 } as unknown as string })
      await expect(resolveFiles(broken, { threads: 3 })).rejects.toThrow(TypeError)
      // The workers may still be busy with batches of the failed compile when this one starts:
      // their answers, for other batches of other files, must not be taken for this one's.
      const good = await resolveWithStats(files, 3)
      expect(good.stats.started).toBe(0)
      expect(good.results).toEqual(expected)
    }
  }, 120_000)

  it('serves compiles that overlap, each with its own results', async () => {
    const others = files.slice(0, Math.floor(files.length / 2)).reverse()
    const expectedOthers = others.map(resolveFile)
    await resolveWithStats(files, 3)
    // Both at once on the same warm workers (a worker serves one compile's batches, then the other's).
    const [a, b] = await Promise.all([resolveWithStats(files, 3), resolveWithStats(others, 3)])
    expect(a.stats.started + b.stats.started).toBe(0)
    expect(a.results).toEqual(expected)
    expect(b.results).toEqual(expectedOthers)
  }, 120_000)

  it('finishes a compile whose workers are ended mid-way, on the threads that are left', async () => {
    await resolveWithStats(files, 3)
    const running = resolveWithStats(files, 3)
    await closeResolvePool()
    const { results, stats } = await running
    expect(stats.started).toBe(0)
    expect(results).toEqual(expected)
    expect(resolvePoolSize()).toBe(0)
    // And the next compile starts new workers.
    const next = await resolveWithStats(files, 3)
    expect(next.stats.started).toBe(2)
    expect(next.results).toEqual(expected)
  }, 120_000)

  it('does not keep the event loop alive while its workers wait for the next compile', async () => {
    await closeResolvePool()
    const before = process.getActiveResourcesInfo()
    await resolveFiles(files, { threads: 3 })
    expect(resolvePoolSize()).toBe(2)
    // Nothing the pool left behind (its workers, their ports, the idle timer) holds the process.
    const added = [...process.getActiveResourcesInfo()]
    for (const resource of before) added.splice(added.indexOf(resource), 1)
    expect(added).toEqual([])
  }, 120_000)

  it('gives its workers the pre-bundled resolve phase when the main thread uses it (the command line), with the same results', async () => {
    // A worker that loaded the ~310 modules of the sources one by one, while the command line's
    // main thread loads them as one file, would cost a cold `plus build` on threads about 2 s of CPU.
    const src = (rel: string) => JSON.stringify(path.join(import.meta.dirname, '../../src', rel))
    const script = [
      `import { resolveFiles } from ${src('compiler/resolve/parallel.ts')}`,
      `import { freshBundle, resolvePlace, useBundledResolver } from ${src('compiler/parse/resolver.ts')}`,
      `import { resolveFile } from ${src('compiler/resolve/index.ts')}`,
      `import { loadContent } from ${src('compiler/load/discover.ts')}`,
      `useBundledResolver()`,
      // Made first if stale, as a command line's earlier run would have (a worker never makes it).
      `if (!(await freshBundle(resolvePlace))) throw new Error('no bundle')`,
      `const { files } = await loadContent(${JSON.stringify(repoContent)})`,
      `const many = [0, 1, 2].flatMap((n) => files.map((f) => ({ ...f, rel: n + '/' + f.rel, path: n + '/' + f.path })))`,
      `const stats = []`,
      `const runs = []`,
      // The second compile finds the worker warm: by then it has said what it loaded.
      `for (let i = 0; i < 2; i++) runs.push(await resolveFiles(many, { threads: 2, onDone: (s) => stats.push(s) }))`,
      `const expected = JSON.stringify(many.map(resolveFile))`,
      `console.log(JSON.stringify({ stats, same: runs.map((r) => JSON.stringify(r) === expected) }))`,
    ].join('\n')
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plus-pool-'))
    const file = path.join(dir, 'bundled.mjs')
    await writeFile(file, script)
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 100_000 })
    await rm(dir, { recursive: true, force: true })
    expect(child.stderr).toBe('')
    expect(child.status).toBe(0)
    const out = JSON.parse(child.stdout) as { stats: Stats[]; same: boolean[] }
    expect(out.same).toEqual([true, true])
    expect(out.stats[1]).toMatchObject({ threads: 2, started: 0, bundled: 1 })
    expect(out.stats[0]!.byWorkers + out.stats[1]!.byWorkers).toBeGreaterThan(0)
  }, 120_000)

  it('lets a process that compiled on threads exit by itself, with its workers still in the pool', async () => {
    const script = [
      `import { resolveFiles, resolvePoolSize, IDLE_MS } from ${JSON.stringify(path.join(import.meta.dirname, '../../src/compiler/resolve/parallel.ts'))}`,
      `import { loadContent } from ${JSON.stringify(path.join(import.meta.dirname, '../../src/compiler/load/discover.ts'))}`,
      `const { files } = await loadContent(${JSON.stringify(repoContent)})`,
      `let byWorkers = 0`,
      `for (let i = 0; i < 2; i++) await resolveFiles(files, { threads: 2, onDone: (s) => (byWorkers += s.byWorkers) })`,
      `console.log(JSON.stringify({ pool: resolvePoolSize(), byWorkers, idleMs: IDLE_MS }))`,
    ].join('\n')
    // The pool waits IDLE_MS before it ends its workers; a process it held would be killed here first.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plus-pool-'))
    const file = path.join(dir, 'compile.mjs')
    await writeFile(file, script)
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 })
    await rm(dir, { recursive: true, force: true })
    expect(child.stderr).toBe('')
    expect(child.signal).toBeNull()
    expect(child.status).toBe(0)
    const out = JSON.parse(child.stdout) as { pool: number; byWorkers: number; idleMs: number }
    expect(out.pool).toBe(1)
    expect(out.byWorkers).toBeGreaterThan(0)
    expect(out.idleMs).toBeGreaterThan(20_000)
  }, 60_000)
})
