// Resolving many files at once on several cores: the main thread and a few worker threads
// (worker.ts) take batches of files from one shared queue. resolveFile is a pure function of its
// file, and every result is put back at its file's index, so the outcome is the same whichever
// thread resolved a file and in whatever order they finished: the merge is deterministic by
// construction. Files go to the workers and results come back as plain data (structured clone);
// the IR and diagnostics are plain objects, arrays and strings, which survive it unchanged.
//
// The queue is a shared array of one slot per batch: a thread claims a batch by an atomic
// compare-and-exchange of its slot from FREE to the thread's number, so the workers take their
// next batch without waiting for the main thread, which is busy resolving batches of its own,
// and every batch has exactly one owner.
//
// The workers outlive a compile: they stay in a pool, warm (parser loaded, code optimised), for
// the next compile in the same process (a watch-mode full rebuild, the dev server, the bench's
// repeated builds), and are ended after IDLE_MS without work. They never keep the process alive
// (unref'd, and so is the idle timer): `plus build` and a test run exit when their own work is
// done, whatever the pool holds.
import module from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { SourceFile } from '../load/source-file.ts'
import { loadResolver, resolverBundleUrl } from '../parse/resolver.ts'
import type { ResolvedFile } from './index.ts'

/** What a worker sends: what a batch resolved to, without the files themselves. */
export type ResolvedData = Omit<ResolvedFile, 'file'>

/** What a worker is started with. */
export interface WorkerSetup {
  /**
   * The folder the main thread gave Node's compile cache (not the versioned folder inside it that
   * module.getCompileCacheDir() names), so the worker's start reuses and adds to the same cache.
   */
  compileCache: string | null
  /**
   * The resolve phase pre-bundled into one file (parse/resolver.ts), when the main thread loads it
   * so: the worker loads the same, instead of some 310 modules one by one.
   */
  resolver: string | null
}

/** A compile's share of work for a worker: claim batches from `slots` until none is free. */
export interface ToWorker {
  job: number
  files: SourceFile[]
  /** [start, end) of each batch, into `files`. */
  batches: Array<[number, number]>
  /** One Int32 per batch: FREE, or the number of the thread that claimed it (see claimBatch). */
  slots: SharedArrayBuffer
  /** This worker's number in `slots`. */
  me: number
}

/** A message from a worker to the pool. */
export type FromWorker =
  | { type: 'loaded'; bundled: boolean }
  | { type: 'done'; job: number; batch: number; results: ResolvedData[] }
  | { type: 'failed'; job: number; batch: number; error: unknown }

/** A batch no thread has claimed yet. */
export const FREE = 0
/** A batch withdrawn from the queue because the compile has failed. */
export const CANCELLED = -1
/** The main thread's number in the slots; workers are 2, 3, … */
const MAIN = 1

/**
 * Claims the first free batch for thread `me` and returns its index, or -1 when none is left.
 * The compare-and-exchange makes the claim and the owner one step: a batch has one owner.
 */
export function claimBatch(slots: Int32Array, me: number): number {
  for (let batch = 0; batch < slots.length; batch++) {
    if (Atomics.load(slots, batch) === FREE && Atomics.compareExchange(slots, batch, FREE, me) === FREE) return batch
  }
  return -1
}

/** The most threads (the main one included) a compile uses, however many cores there are. */
export const MAX_THREADS = 4

/**
 * The least text (UTF-16 code units) worth a thread of its own. A new worker costs about 1 s of
 * CPU before it pays: 0.2–0.3 s to load the parser (more without Node's compile cache) and its own
 * JIT warm-up, while the main thread resolves roughly 1.5 MB a second. Measured with bench/run.ts
 * on 2 shared cores: at 1,000 steps (1.3 M) two threads were no faster than one; at 4,000 (6.4 M)
 * they are when a core is free.
 */
export const MIN_CHARS_PER_THREAD = 750_000

/** How long an idle pool keeps its workers, in milliseconds. */
export const IDLE_MS = 30_000

/**
 * How many threads (the main one included) resolve these files. `requested` is an exact count,
 * used as given (`--threads`); without it the count follows the amount of text and the cores.
 */
export function threadsFor(files: readonly SourceFile[], requested?: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) throw new TypeError(`threads must be a whole number of at least 1, got ${requested}`)
    return Math.max(1, Math.min(requested, files.length))
  }
  const chars = files.reduce((n, f) => n + f.text.length, 0)
  const cores = Math.min(os.availableParallelism(), MAX_THREADS)
  return Math.max(1, Math.min(cores, Math.floor(chars / MIN_CHARS_PER_THREAD), files.length))
}

/** Options for resolveFiles. */
export interface ResolveFilesOptions {
  /** Threads to use, the main one included; automatic when absent (see threadsFor). */
  threads?: number
  /**
   * Told, at the end, how many threads were used, how many files the workers resolved, and how
   * many of the workers had to be started for this call (the others were warm in the pool), and
   * how many of them (as far as they have said so yet) run the pre-bundled resolve phase.
   */
  onDone?: (stats: { threads: number; byWorkers: number; started: number; bundled: number }) => void
}

/** A compile's work as the pool sees it. */
interface Job {
  id: number
  /** Called with each batch a worker resolved (the batch number is the job's). */
  done: (worker: PoolWorker, batch: number, results: ResolvedData[]) => void
  failed: (error: unknown) => void
  /** A worker of this job stopped (it crashed or could not start). */
  lost: (worker: PoolWorker) => void
}

/** A worker thread of the pool. */
interface PoolWorker {
  worker: Worker
  /** How many running compiles use it: it keeps the process alive only while one does. */
  uses: number
  /** It has stopped (or is being ended). */
  gone: boolean
  /** It said it loaded the pre-bundled resolve phase (parse/resolver.ts), not the sources. */
  bundled: boolean
}

const pool: PoolWorker[] = []
/**
 * The compiles running now, by id. Messages for any other (a compile that failed while a worker
 * was busy with one of its batches) are stale and ignored. Compiles may overlap (a worker serves
 * them in turn), so the messages name their job.
 */
const running = new Map<number, Job>()
let idleTimer: NodeJS.Timeout | null = null
let jobs = 0

/** Ends the pool's workers now (the next compile starts new ones). Safe to call at any time. */
export async function closeResolvePool(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer)
  idleTimer = null
  const workers = pool.splice(0)
  await Promise.all(workers.map(({ worker }) => worker.terminate()))
}

/** How many workers the pool holds (for tests). */
export function resolvePoolSize(): number {
  return pool.length
}

/**
 * The CPU time (user + system, microseconds) each live worker of the pool has used since it
 * started, measured on its own thread (process.cpuUsage covers all threads at once). For the bench.
 */
export async function resolvePoolCpuUsage(): Promise<number[]> {
  return Promise.all(
    pool.map(async (entry) => {
      // Ref'd while the answer comes (an idle worker is unref'd), unless a compile already holds it.
      if (entry.uses++ === 0) entry.worker.ref()
      try {
        const { user, system } = await entry.worker.cpuUsage()
        return user + system
      } finally {
        if (--entry.uses === 0) entry.worker.unref()
      }
    }),
  )
}

/** A worker thread running worker.ts (worker.js in the compiled package), not keeping the process alive. */
function startWorker(resolver: string | null): PoolWorker {
  const url = new URL(`./worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url)
  const cacheDir = module.getCompileCacheDir?.()
  const setup: WorkerSetup = { compileCache: cacheDir ? path.dirname(cacheDir) : null, resolver }
  const entry: PoolWorker = { worker: new Worker(url, { workerData: setup }), uses: 0, gone: false, bundled: false }
  const { worker } = entry
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'loaded') {
      entry.bundled = message.bundled
      return
    }
    const job = running.get(message.job)
    if (!job) return
    if (message.type === 'done') job.done(entry, message.batch, message.results)
    else job.failed(message.error)
  })
  // A worker that stops (it could not start, or crashed) leaves the pool; its jobs take back its batches.
  const gone = () => {
    if (entry.gone) return
    entry.gone = true
    const at = pool.indexOf(entry)
    if (at >= 0) pool.splice(at, 1)
    for (const job of running.values()) job.lost(entry)
  }
  worker.on('error', gone)
  worker.on('exit', gone)
  // Unref'd after the listeners are in place (a 'message' listener refs the worker's port again):
  // an idle worker never keeps the process alive. A compile refs its workers while it waits for them.
  worker.unref()
  return entry
}

/** `count` workers from the pool, starting those it lacks; how many were started. */
function takeWorkers(count: number, resolver: string | null): { workers: PoolWorker[]; started: number } {
  if (idleTimer) clearTimeout(idleTimer)
  idleTimer = null
  let started = 0
  while (pool.length < count) {
    pool.push(startWorker(resolver))
    started++
  }
  return { workers: pool.slice(0, count), started }
}

/** After a compile: the pool waits IDLE_MS for the next, then ends its workers. */
function idle() {
  if (idleTimer) clearTimeout(idleTimer)
  idleTimer = setTimeout(() => void closeResolvePool(), IDLE_MS)
  idleTimer.unref()
}

/** What each file resolved to, in the files' order. */
export async function resolveFiles(files: readonly SourceFile[], options: ResolveFilesOptions = {}): Promise<ResolvedFile[]> {
  const threads = threadsFor(files, options.threads)
  if (threads <= 1) {
    const { resolveFile } = await loadResolver()
    const results = files.map(resolveFile)
    options.onDone?.({ threads: 1, byWorkers: 0, started: 0, bundled: 0 })
    return results
  }

  // The workers first: a new one loads the parser on a core of its own while this thread loads
  // it too (in the first compile of a process) and starts on the first batch.
  // Every thread loads the resolve phase the same way: pre-bundled when the command line asked
  // for it (parse/resolver.ts), from the sources otherwise.
  const { workers, started } = takeWorkers(threads - 1, resolverBundleUrl())
  const batches = makeBatches(files, threads)
  const slots = new Int32Array(new SharedArrayBuffer(4 * batches.length))
  const results: Array<ResolvedFile | undefined> = new Array(files.length)
  const placed = new Array<boolean>(batches.length).fill(false)
  let left = batches.length
  let byWorkers = 0
  const failure: { error?: unknown; thrown: boolean } = { thrown: false }
  /** Batches that a lost worker had claimed and not answered: this thread does them. */
  const reclaimed: number[] = []
  let wake: (() => void) | null = null
  const notify = () => {
    wake?.()
    wake = null
  }
  const put = (batch: number, data: ResolvedData[]) => {
    if (placed[batch]) return
    const [start] = batches[batch]!
    data.forEach((value, k) => {
      // The same shape, key order included, as resolveFile's own result.
      const file = files[start + k]!
      results[start + k] = { kind: value.kind, node: value.node, file, collected: value.collected, diagnostics: value.diagnostics } as ResolvedFile
    })
    placed[batch] = true
    left--
  }
  const me = new Map(workers.map((w, i) => [w, MAIN + 1 + i]))
  const job: Job = {
    id: ++jobs,
    done: (worker, batch, data) => {
      if (Atomics.load(slots, batch) !== me.get(worker)) return
      byWorkers += data.length
      put(batch, data)
      notify()
    },
    failed: (error) => {
      if (!failure.thrown) Object.assign(failure, { thrown: true, error })
      notify()
    },
    lost: (worker) => {
      const id = me.get(worker)
      if (id === undefined) return
      me.delete(worker)
      for (let batch = 0; batch < batches.length; batch++) if (Atomics.load(slots, batch) === id && !placed[batch]) reclaimed.push(batch)
      notify()
    },
  }
  // Every batch a worker might claim is offered to all of them; they send the files once per job.
  const offered = batches.map(([start, end]) => [start, end] as [number, number])
  running.set(job.id, job)
  for (const [i, worker] of workers.entries()) {
    if (worker.uses++ === 0) worker.worker.ref()
    worker.worker.postMessage({ job: job.id, files: [...files], batches: offered, slots: slots.buffer as SharedArrayBuffer, me: MAIN + 1 + i } satisfies ToWorker)
  }

  try {
    const { resolveFile } = await loadResolver()
    const resolveBatch = (batch: number) => {
      const [start, end] = batches[batch]!
      const data: ResolvedFile[] = []
      for (let i = start; i < end; i++) data.push(resolveFile(files[i]!))
      data.forEach((value, k) => (results[start + k] = value))
      placed[batch] = true
      left--
    }
    for (;;) {
      if (failure.thrown) throw failure.error
      const batch = reclaimed.pop() ?? claimBatch(slots, MAIN)
      if (batch >= 0) {
        if (!placed[batch]) resolveBatch(batch)
        // Let the workers' answers in (and notice a failure).
        await new Promise<void>((resolve) => setImmediate(resolve))
        continue
      }
      if (left === 0) break
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } catch (error) {
    // Nobody takes the batches still free; the workers finish the one in hand and go idle.
    for (let batch = 0; batch < batches.length; batch++) Atomics.compareExchange(slots, batch, FREE, CANCELLED)
    throw error
  } finally {
    running.delete(job.id)
    for (const worker of workers) if (--worker.uses === 0) worker.worker.unref()
    if (running.size === 0) idle()
  }
  options.onDone?.({ threads, byWorkers, started, bundled: workers.filter((w) => w.bundled).length })
  return results as ResolvedFile[]
}

/**
 * Consecutive runs of files, each a share of the text still left, so they shrink towards the end
 * (guided scheduling): early batches are large, to keep the hand-offs few; the last ones are
 * small, so no thread is left waiting long for another's last batch.
 */
function makeBatches(files: readonly SourceFile[], threads: number): Array<[number, number]> {
  let left = files.reduce((n, f) => n + f.text.length, 0)
  const smallest = left / (threads * 40)
  const batches: Array<[number, number]> = []
  let start = 0
  let size = 0
  let target = Math.max(smallest, left / (threads * 3))
  files.forEach((file, i) => {
    size += file.text.length
    if (size >= target || i === files.length - 1) {
      batches.push([start, i + 1])
      left -= size
      start = i + 1
      size = 0
      target = Math.max(smallest, left / (threads * 3))
    }
  })
  return batches
}
