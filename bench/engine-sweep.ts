// The engine benchmark's measured flag sweeps, for both stores (bench/engine.ts for SQLite,
// bench/engine-postgres.ts for PostgreSQL).
//
// Each sweep is timed in a process of its own (bench/engine-sweep-worker.ts) on a fresh copy of
// the populated database: a scheduler process that wakes up, opens the store and the engine (not
// timed) and sweeps once. That is the honest setting for a sweep: timed in the process that just
// populated the database, it paid for the hundreds of MB of garbage populating left behind; timed
// a second time on the same database, it found nothing due. One run is one sample of a noisy,
// shared machine: the benchmark runs several (BENCH_SWEEP_RUNS, default 3), reports the median
// against the target and prints every run, so the spread is visible.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** What one sweep process measured, around `deliverDueFlags()` only. */
export interface SweepRun {
  /** Wall time. */
  ms: number
  /** The process's CPU time (user + system, all its threads). */
  cpuMs: number
  /** Bytes through the process's write and read calls, and the calls (Linux /proc/self/io); null elsewhere. */
  io: { writtenBytes: number; readBytes: number; writeCalls: number; readCalls: number } | null
  /** Flags delivered. */
  delivered: number
  /** Flags that failed (each flag once: always 0). */
  failed: number
}

/** Which database a sweep process opens. */
export interface SweepTarget {
  store: 'sqlite' | 'postgres'
  /** The SQLite file (its audit file next to it, as the store names it) or a PostgreSQL URL. */
  database: string
  /** The sweep's instant (the engine's clock). */
  sweepAt: string
  /** The compiled bundle as JSON, as a host keeps plus.json. */
  bundlePath: string
}

/** Sweep runs per store, from BENCH_SWEEP_RUNS (default 3). */
export function sweepRunsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const runs = Number(env.BENCH_SWEEP_RUNS ?? 3)
  if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`BENCH_SWEEP_RUNS must be a positive integer, not ${env.BENCH_SWEEP_RUNS}`)
  return runs
}

/** The median (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * What is wrong with a set of sweeps of the same population, each on its own fresh copy: every
 * run must deliver what the first delivered (each flag once, the same flags every time) and none
 * may report failed flags. Empty when all is well.
 */
export function sweepProblems(runs: Pick<SweepRun, 'delivered' | 'failed'>[]): string[] {
  const problems: string[] = []
  const first = runs[0]
  if (!first) return ['no sweep ran']
  runs.forEach((run, i) => {
    if (run.failed > 0) problems.push(`run ${i + 1}: ${run.failed} flags failed`)
    if (run.delivered !== first.delivered) problems.push(`run ${i + 1} delivered ${run.delivered} flags, run 1 ${first.delivered}`)
  })
  return problems
}

/**
 * `n` sweep processes on one database: each says `ready` once its store and engine are open, all
 * get `go` at once, and the wall time runs from `go` to the last one's answer. n = 1 is one
 * scheduler; n = 2 two engines sharing the sweep. The processes run with Node's default settings
 * (no V8 flags), as a host's scheduler would. `beforeGo` runs once all are ready, before the start
 * signal (and outside the wall time).
 */
export async function sweepInProcesses(target: SweepTarget, n: number, beforeGo: () => Promise<void> = async () => undefined): Promise<{ wallMs: number; workers: SweepRun[] }> {
  const worker = fileURLToPath(new URL('./engine-sweep-worker.ts', import.meta.url))
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, [worker, target.store, target.database, target.sweepAt, target.bundlePath], { stdio: ['pipe', 'pipe', 'inherit'] }),
  )
  const exits = children.map((child) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))))
  // Each child's answers a line at a time; readline's iterator keeps lines that come before they
  // are asked for.
  const lines = children.map((child, i) => {
    const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    const exited = exits[i]!.then((code) => {
      throw new Error(`a sweep process exited (${code}) before it answered`)
    })
    exited.catch(() => undefined)
    const next = async (): Promise<string> => {
      const answer = await answers.next()
      if (answer.done) return exited.then(() => '')
      return answer.value
    }
    return (): Promise<string> => Promise.race([next(), exited])
  })
  let done = false
  try {
    for (const line of lines) if ((await line()) !== 'ready') throw new Error('a sweep process did not get ready')
    await beforeGo()
    const start = performance.now()
    for (const child of children) child.stdin.write('go\n')
    const workers = await Promise.all(lines.map(async (line) => JSON.parse(await line()) as SweepRun))
    const wallMs = performance.now() - start
    done = true
    return { wallMs, workers }
  } finally {
    for (const child of children) {
      child.stdin.end()
      if (!done && child.exitCode === null) child.kill()
    }
    // Closed before the caller removes the copy it swept.
    await Promise.all(exits)
  }
}
