// The engine benchmark's PostgreSQL sweeps (bench/engine-postgres.ts) on a small population: every
// run on a fresh copy of the populated database delivers what SQLite's runs delivered, the two
// processes share the same flags (each once, one audit entry each), and nothing is left behind.
// No timing is asserted.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benchEngine } from '../../../bench/engine.ts'
import { engineReport } from '../../../bench/engine-report.ts'
import { median } from '../../../bench/engine-sweep.ts'
import { postgresUnavailable } from '../../support/postgres.ts'

const unavailable = postgresUnavailable()
const dir = mkdtempSync(join(tmpdir(), 'plus-bench-pg-'))
// The cluster's folder is made in it, and the server may run as another user (test/support/postgres.ts).
chmodSync(dir, 0o755)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(unavailable)(`bench sweep runs on PostgreSQL${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('given a small population, when each store sweeps twice, then every run delivers the same flags, the two processes share them once each, and no file is left', { timeout: 300_000 }, async () => {
    const result = await benchEngine({ programmes: 200, dir, sweepRuns: 2, postgres: true })
    const pg = result.postgres
    if (!pg || 'skipped' in pg) throw new Error('the PostgreSQL part did not run')

    expect(result.sweepDelivered).toBeGreaterThan(0)
    expect(pg.sweepRuns.map((run) => [run.delivered, run.failed])).toEqual([
      [result.sweepDelivered, 0],
      [result.sweepDelivered, 0],
    ])
    expect(pg.sweepProblems).toEqual([])
    expect(pg.sweepMs).toBe(median(pg.sweepRuns.map((run) => run.ms)))
    for (const run of pg.sweepRuns) expect(run.walBytes).toBeGreaterThan(0)
    expect(pg.twoDelivered.reduce((a, b) => a + b, 0)).toBe(result.sweepDelivered)
    expect(pg.twoFailed).toEqual([0, 0])
    expect(pg.twoNewRows).toBe(result.sweepDelivered)
    expect(pg.settings).toMatchObject({ fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' })
    expect(readdirSync(dir)).toEqual([])

    const lines = engineReport(result)
    expect(lines.find((l) => l.startsWith('flag sweep, one instance: '))).toMatch(/median of 2 runs .*target under 2,000 ms — (met|NOT met)/)
    expect(lines).toContain(`  every run delivered ${result.sweepDelivered} flags, none failed, the same count as SQLite`)
    expect(lines).toContain('  each flag once, the same count as SQLite')
    expect(lines.some((l) => l.includes('NOT the same'))).toBe(false)
  })
})
