// The engine benchmark's sweep figures (bench/engine.ts, bench/engine-sweep.ts): each run is a new
// process on a fresh copy of the populated store, the figure is the median of the runs, every run
// is reported, a run that differs is reported loudly, and no copy is left behind, also on failure.
// No timing is asserted (speed is `npm run bench`'s business).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benchEngine, compiledBundle, SWEEP_AT, sweepSqliteCopies, type EngineBenchResult } from '../../bench/engine.ts'
import { engineReport } from '../../bench/engine-report.ts'
import { median, sweepProblems, sweepRunsFromEnv, type SweepRun } from '../../bench/engine-sweep.ts'
import { openSqliteStore } from '../../src/engine/index.ts'
import { notSqlite } from './harness.ts'

const dirs: string[] = []
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plus-bench-sweep-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(notSqlite)('bench sweep runs (SQLite file)', () => {
  it('given a small population, when the sweep is measured three times, then each run swept a fresh copy, the figure is their median, and no file is left', { timeout: 180_000 }, async () => {
    const dir = freshDir()
    const result = await benchEngine({ programmes: 300, dir, sweepRuns: 3 })

    expect(result.sweepRuns).toHaveLength(3)
    // A second sweep of one database would find nothing due: equal counts above 0 mean fresh copies.
    expect(result.sweepDelivered).toBeGreaterThan(0)
    expect(result.sweepRuns.map((run) => run.delivered)).toEqual([result.sweepDelivered, result.sweepDelivered, result.sweepDelivered])
    expect(result.sweepRuns.map((run) => run.failed)).toEqual([0, 0, 0])
    expect(result.sweepProblems).toEqual([])
    expect(result.sweepMs).toBe(median(result.sweepRuns.map((run) => run.ms)))
    expect(result.sweepCpuMs).toBe(median(result.sweepRuns.map((run) => run.cpuMs)))
    // The commands ran on a swept copy.
    expect(result.commandMs.map((c) => c.name)).toEqual(['open-step', 'submit-form', 'send-message', 'start-modules'])
    for (const c of result.commandMs) expect(Number.isFinite(c.medianMs)).toBe(true)
    expect(result.dbBytes).toBeGreaterThan(0)
    expect(readdirSync(dir)).toEqual([])

    // The printout: the median beside the target, then every run, and what was checked.
    const lines = engineReport(result)
    expect(lines.find((l) => l.startsWith('populate '))).toMatch(/flag sweep \d+ ms, median of 3 runs \(\d+ flags delivered\); target under 500 ms — (met|NOT met)/)
    expect(lines.filter((l) => /^ {2}run \d: /.test(l))).toHaveLength(3)
    expect(lines).toContain(`  every run delivered ${result.sweepDelivered} flags, none failed`)
    expect(lines.some((l) => l.includes('NOT the same'))).toBe(false)
  })

  it('given a sweep process that fails, or a failure after the last sweep, then every copy is removed and the error is passed on', { timeout: 60_000 }, async () => {
    const dir = freshDir()
    const path = join(dir, 'plus.db')
    await openSqliteStore({ path }).close()
    const bundlePath = join(dir, 'bundle.json')
    // The sweep process cannot read its bundle: it exits before it is ready.
    writeFileSync(bundlePath, '{ not json')
    const before = readdirSync(dir).sort()
    expect(before).toEqual(['bundle.json', 'plus-audit.db', 'plus.db'])
    await expect(sweepSqliteCopies({ path, runs: 2, sweepAt: SWEEP_AT, bundlePath })).rejects.toThrow(/exited \(1\) before it answered/)
    expect(readdirSync(dir).sort()).toEqual(before)

    // The sweeps succeed (nothing is due in an empty store); what runs on the last copy fails.
    writeFileSync(bundlePath, JSON.stringify(await compiledBundle()))
    let seen: string[] = []
    const failing = sweepSqliteCopies({ path, runs: 2, sweepAt: SWEEP_AT, bundlePath }, async (copy) => {
      seen = readdirSync(dir)
      expect(copy).toBe(join(dir, 'plus-sweep2.db'))
      throw new Error('measuring the commands failed')
    })
    await expect(failing).rejects.toThrow('measuring the commands failed')
    // The last copy was there while it was used (the first was gone), and is gone now.
    expect(seen).toEqual(expect.arrayContaining(['plus-sweep2.db', 'plus-sweep2-audit.db']))
    expect(seen).not.toContain('plus-sweep1.db')
    expect(readdirSync(dir).sort()).toEqual(before)
  })
})

describe('bench sweep figures', () => {
  const run = (ms: number, delivered = 10, failed = 0): SweepRun => ({ ms, cpuMs: ms, io: null, delivered, failed })

  it('given runs, then the figure is their median (the middle two averaged for an even count)', () => {
    expect(median([900, 300, 500])).toBe(500)
    expect(median([400, 100, 300, 200])).toBe(250)
    expect(median([7])).toBe(7)
  })

  it('given a run that delivered another count or reported failed flags, then it is named, and the printout says NOT the same', () => {
    const runs = [run(500), run(520, 9), run(510, 10, 2)]
    const problems = sweepProblems(runs)
    expect(problems).toEqual(['run 2 delivered 9 flags, run 1 10', 'run 3: 2 flags failed'])
    expect(sweepProblems([run(500), run(600)])).toEqual([])

    const result: EngineBenchResult = {
      programmes: 300,
      populateMs: 1000,
      sweepMs: 510,
      sweepCpuMs: 510,
      sweepRuns: runs,
      sweepDelivered: 10,
      sweepProblems: problems,
      commandMs: [],
      dbBytes: 1,
    }
    const lines = engineReport(result)
    expect(lines).toContain('  NOT the same — run 2 delivered 9 flags, run 1 10; run 3: 2 flags failed')
    expect(lines.some((l) => l.startsWith('  run 3: ') && l.includes('2 FAILED'))).toBe(true)
    expect(lines).toContain('  spread 500–520 ms (4 % of the fastest)')
  })

  it('given BENCH_SWEEP_RUNS, then it is the number of runs (3 without it); anything but a positive integer is refused', () => {
    expect(sweepRunsFromEnv({})).toBe(3)
    expect(sweepRunsFromEnv({ BENCH_SWEEP_RUNS: '5' })).toBe(5)
    expect(() => sweepRunsFromEnv({ BENCH_SWEEP_RUNS: '0' })).toThrow(/positive integer/)
    expect(() => sweepRunsFromEnv({ BENCH_SWEEP_RUNS: 'two' })).toThrow(/positive integer/)
  })
})
