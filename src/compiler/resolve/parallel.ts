// Resolving many files at once on several cores: the main thread and a few worker threads
// (worker.ts) take batches of files from one queue. resolveFile is a pure function of its file,
// and every result is put back at its file's index, so the outcome is the same whichever thread
// resolved a file and in whatever order they finished: the merge is deterministic by
// construction. Files go to the workers and results come back as plain data (structured clone);
// the IR and diagnostics are plain objects, arrays and strings, which survive it unchanged.
//
// The main thread works too: while the workers start (loading the Markdown parser takes a while)
// it is already resolving, and it takes whatever work is left if a worker cannot start or dies.
import module from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { SourceFile } from '../load/source-file.ts'
import type { ResolvedFile } from './index.ts'

/** What a worker sends: what a batch resolved to, without the files themselves. */
export type ResolvedData = Omit<ResolvedFile, 'file'>

/** What a worker is started with. */
export interface WorkerSetup {
  /** Node's compile cache folder when this thread uses one, so the worker's start reuses it too. */
  compileCache: string | null
}

/** A message from the pool to a worker. */
export interface ToWorker {
  batch: number
  files: SourceFile[]
}

/** A message from a worker to the pool. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; batch: number; results: ResolvedData[] }
  | { type: 'failed'; batch: number; error: unknown }

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
  /** Told, at the end, how many threads were used and how many files the workers resolved. */
  onDone?: (stats: { threads: number; byWorkers: number }) => void
}

/** What each file resolved to, in the files' order. */
export async function resolveFiles(files: readonly SourceFile[], options: ResolveFilesOptions = {}): Promise<ResolvedFile[]> {
  const threads = threadsFor(files, options.threads)
  if (threads <= 1) {
    const { resolveFile } = await import('./index.ts')
    const results = files.map(resolveFile)
    options.onDone?.({ threads: 1, byWorkers: 0 })
    return results
  }

  const batches = makeBatches(files, threads)
  const results: Array<ResolvedFile | undefined> = new Array(files.length)
  const queue = batches.map((_, i) => i)
  /** Batches sent to each worker and not yet answered. */
  const inFlight = new Map<Worker, Set<number>>()
  /** The first error a worker's resolveFile threw. */
  const failure: { error?: unknown; thrown: boolean } = { thrown: false }
  let wake: (() => void) | null = null
  const notify = () => {
    wake?.()
    wake = null
  }

  let byWorkers = 0
  const place = (batch: number, data: ResolvedData[]) => {
    const { start } = batches[batch]!
    byWorkers += data.length
    data.forEach((value, k) => {
      const file = files[start + k]!
      // The same shape, key order included, as resolveFile's own result.
      results[start + k] = { kind: value.kind, node: value.node, file, collected: value.collected, diagnostics: value.diagnostics } as ResolvedFile
    })
  }
  const feed = (worker: Worker) => {
    const batch = queue.shift()
    if (batch === undefined) return
    inFlight.get(worker)!.add(batch)
    const { start, end } = batches[batch]!
    worker.postMessage({ batch, files: files.slice(start, end) } satisfies ToWorker)
  }
  // A worker that cannot start or stops: its batches go back to the queue for the others.
  const drop = (worker: Worker) => {
    const pending = inFlight.get(worker)
    if (!pending) return
    inFlight.delete(worker)
    queue.unshift(...[...pending].sort((a, b) => a - b))
    void worker.terminate()
    notify()
  }

  // The workers are started first: each loads the parser on a core of its own while this thread
  // loads it too (in the first compile of a process) and starts on the first batch.
  for (let i = 0; i < threads - 1; i++) {
    const worker = startWorker()
    inFlight.set(worker, new Set())
    worker.on('message', (message: FromWorker) => {
      // A second batch once it is running, so a worker never waits for this thread (busy with a
      // batch of its own) to hand it the next.
      if (message.type === 'ready') feed(worker)
      else if (message.type === 'done') {
        inFlight.get(worker)?.delete(message.batch)
        place(message.batch, message.results)
        feed(worker)
      } else if (!failure.thrown) Object.assign(failure, { thrown: true, error: message.error })
      notify()
    })
    worker.on('error', () => drop(worker))
    worker.on('exit', () => drop(worker))
    // Its first batch at once: it waits in the worker's queue until the parser is loaded, while
    // this thread may be busy with a batch and not see the worker's `ready`.
    feed(worker)
  }

  try {
    const { resolveFile } = await import('./index.ts')
    for (;;) {
      if (failure.thrown) throw failure.error
      const batch = queue.shift()
      if (batch !== undefined) {
        const { start, end } = batches[batch]!
        for (let i = start; i < end; i++) results[i] = resolveFile(files[i]!)
        // Let the workers' answers in, and hand them their next batches.
        await new Promise<void>((resolve) => setImmediate(resolve))
        continue
      }
      if ([...inFlight.values()].every((pending) => pending.size === 0)) break
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    for (const worker of inFlight.keys()) {
      worker.removeAllListeners('exit')
      void worker.terminate()
    }
  }
  options.onDone?.({ threads, byWorkers })
  return results as ResolvedFile[]
}

/** A worker thread running worker.ts (worker.js in the compiled package), not keeping the process alive. */
function startWorker(): Worker {
  const url = new URL(`./worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url)
  const setup: WorkerSetup = { compileCache: module.getCompileCacheDir?.() ?? null }
  const worker = new Worker(url, { workerData: setup })
  worker.unref()
  return worker
}

/**
 * Consecutive runs of files, each a share of the text still left, so they shrink towards the end
 * (guided scheduling): early batches are large, to keep the hand-offs few; the last ones are
 * small, so no thread is left waiting long for another's last batch.
 */
function makeBatches(files: readonly SourceFile[], threads: number): Array<{ start: number; end: number }> {
  let left = files.reduce((n, f) => n + f.text.length, 0)
  const smallest = left / (threads * 40)
  const batches: Array<{ start: number; end: number }> = []
  let start = 0
  let size = 0
  let target = Math.max(smallest, left / (threads * 3))
  files.forEach((file, i) => {
    size += file.text.length
    if (size >= target || i === files.length - 1) {
      batches.push({ start, end: i + 1 })
      left -= size
      start = i + 1
      size = 0
      target = Math.max(smallest, left / (threads * 3))
    }
  })
  return batches
}
