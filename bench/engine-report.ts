// The engine benchmark's printout (bench/run.ts prints it): each sweep figure, the median of its
// runs, beside its target, every run below it (so the spread is visible), and a loud NOT the same
// when a run delivered another count than the first, a run reported failed flags, or the stores
// disagree (each flag once).
import type { EngineBenchResult } from './engine.ts'
import type { SweepRun } from './engine-sweep.ts'

const fmt = (n: number, digits = 0) => n.toFixed(digits)
const pad = (s: string, n: number) => s.padStart(n)

/** One line per sweep run, and the spread of the runs. */
function runLines(runs: SweepRun[], extra: (i: number) => string = () => ''): string[] {
  const lines = runs.map((run, i) => {
    const io = run.io
      ? `; written ${fmt(run.io.writtenBytes / 1e6)} MB in ${run.io.writeCalls.toLocaleString('en')} calls, read ${fmt(run.io.readBytes / 1e6)} MB in ${run.io.readCalls.toLocaleString('en')} calls`
      : ''
    return `  run ${i + 1}: ${pad(fmt(run.ms), 6)} ms wall, CPU ${pad(fmt(run.cpuMs), 6)} ms${io}; ${run.delivered} delivered${run.failed ? `, ${run.failed} FAILED` : ''}${extra(i)}`
  })
  if (runs.length > 1) {
    const times = runs.map((run) => run.ms)
    const low = Math.min(...times)
    const high = Math.max(...times)
    lines.push(`  spread ${fmt(low)}–${fmt(high)} ms (${fmt(((high - low) / low) * 100)} % of the fastest)`)
  }
  return lines
}

/** Each flag once: what was checked, or a loud NOT the same with every problem. */
function sameLine(problems: string[], checked: string): string {
  return problems.length === 0 ? `  ${checked}` : `  NOT the same — ${problems.join('; ')}`
}

/** The lines bench/run.ts prints for the engine. */
export function engineReport(r: EngineBenchResult): string[] {
  const lines = [
    `\nEngine over ${r.programmes.toLocaleString('en')} active programmes in SQLite (${fmt(r.dbBytes / 2 ** 20)} MB)`,
    `populate ${fmt(r.populateMs)} ms; flag sweep ${fmt(r.sweepMs)} ms, median of ${r.sweepRuns.length} runs (${r.sweepDelivered} flags delivered); target under 500 ms — ${r.sweepMs < 500 ? 'met' : 'NOT met'}; sweep ${fmt(r.sweepMs / r.populateMs, 3)}× populate`,
    `  each run a new process (a scheduler waking up: store and engine opened, not timed) on a fresh copy of the populated files; median CPU ${fmt(r.sweepCpuMs)} ms`,
    ...runLines(r.sweepRuns),
    sameLine(r.sweepProblems, `every run delivered ${r.sweepDelivered} flags, none failed`),
    ...r.commandMs.map((c) => `  ${c.name}: median ${fmt(c.medianMs, 2)} ms (on the last run's swept copy)`),
  ]
  const pgr = r.postgres
  if (pgr && 'skipped' in pgr) lines.push(`\nEngine on PostgreSQL: skipped — ${pgr.skipped}`)
  else if (pgr) {
    const s = pgr.settings
    const twoSum = pgr.twoDelivered.reduce((a, b) => a + b, 0)
    const oneProblems = [...pgr.sweepProblems, ...(pgr.sweepDelivered === r.sweepDelivered ? [] : [`PostgreSQL delivered ${pgr.sweepDelivered} flags, SQLite ${r.sweepDelivered}`])]
    const twoProblems = [
      ...pgr.twoFailed.flatMap((n, i) => (n > 0 ? [`process ${i + 1}: ${n} flags failed`] : [])),
      ...(twoSum === r.sweepDelivered ? [] : [`the two delivered ${twoSum} flags, SQLite ${r.sweepDelivered}`]),
      ...(pgr.twoNewRows === twoSum ? [] : [`${pgr.twoNewRows} new delivery audit entries for ${twoSum} flags`]),
    ]
    lines.push(
      `\nEngine over the same programmes in PostgreSQL ${s.server_version} (${fmt(pgr.dbBytes / 2 ** 20)} MB; durable: fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, full_page_writes=${s.full_page_writes}; max_wal_size=${s.max_wal_size}, checkpoint_timeout=${s.checkpoint_timeout}; data in ${pgr.dataDir}${pgr.dataDir.startsWith('/dev/shm') ? ', in memory like the SQLite file, where a sync costs nothing: BENCH_PG_DIR=/var/tmp puts it on the disk' : ''})`,
      `populate (copy of the SQLite population, 1,000 rows a statement, then ANALYZE) ${fmt(pgr.populateMs)} ms`,
      `flag sweep, one instance: ${fmt(pgr.sweepMs)} ms, median of ${pgr.sweepRuns.length} runs (${pgr.sweepDelivered} flags delivered); target under 2,000 ms — ${pgr.sweepMs < 2000 ? 'met' : 'NOT met'}; ${fmt(pgr.sweepMs / r.sweepMs, 2)}× the SQLite sweep`,
      `  each run a new process on a fresh copy of the populated database (CREATE DATABASE … TEMPLATE, then CHECKPOINT); median CPU ${fmt(pgr.sweepCpuMs)} ms in the process${pgr.sweepServerCpuMs === null ? '' : `, ${fmt(pgr.sweepServerCpuMs)} ms in the server (its processes, from the start until the sweep's backends are gone)`}`,
      ...runLines(pgr.sweepRuns, (i) => {
        const run = pgr.sweepRuns[i]!
        return `; server CPU ${run.serverCpuMs === null ? '?' : fmt(run.serverCpuMs)} ms, WAL ${fmt(run.walBytes / 1e6)} MB`
      }),
      sameLine(oneProblems, `every run delivered ${pgr.sweepDelivered} flags, none failed, the same count as SQLite`),
      `flag sweep, two processes on one database (a fresh copy): ${fmt(pgr.twoMs)} ms wall (each ${pgr.twoEachMs.map((m) => fmt(m)).join(' and ')} ms), delivered ${pgr.twoDelivered.join(' + ')} = ${twoSum} (${pgr.twoNewRows} new delivery audit entries); ${fmt(pgr.twoMs / pgr.sweepMs, 2)}× one instance's median`,
      sameLine(twoProblems, 'each flag once, the same count as SQLite'),
    )
  }
  return lines
}
