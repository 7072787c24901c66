// The entry point of a resolve worker thread (see parallel.ts). For each compile it is given the
// files and a shared queue of batches; it claims batches until none is free and answers each with
// what its files resolved to. resolveFile is a pure function of the file, so a file resolved here
// is the same as one resolved on the main thread; the file itself is not sent back (the main
// thread has it) to keep the message small. The thread stays for the next compile (the pool ends
// it when idle).
import module from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import { CANCELLED, claimBatch, FREE, type FromWorker, type ToWorker, type WorkerSetup } from './parallel.ts'

const port = parentPort
if (!port) throw new Error('resolve/worker.ts runs only as a worker thread')

// Node's compile cache is per thread: use the main thread's folder, so the parser's code (and the
// type-stripped sources) load as fast here as there, and write what this thread compiled at once:
// the pool ends a worker by terminating it, and a terminated thread writes no cache.
const setup = workerData as WorkerSetup
if (setup.compileCache) module.enableCompileCache?.(setup.compileCache)
// The pre-bundled resolve phase when the main thread uses it (the same code, one file); the
// sources otherwise, or when the bundle cannot be loaded (it costs time only).
let bundled = false
const { resolveFile } = (await (setup.resolver
  ? import(setup.resolver).then(
      (bundle) => ((bundled = true), bundle),
      () => import('./index.ts'),
    )
  : import('./index.ts'))) as typeof import('./index.ts')
if (setup.compileCache) module.flushCompileCache?.()

const send = (message: FromWorker) => port.postMessage(message)
send({ type: 'loaded', bundled })

port.on('message', ({ job, files, batches, slots: buffer, me }: ToWorker) => {
  const slots = new Int32Array(buffer)
  for (let batch = claimBatch(slots, me); batch >= 0; batch = claimBatch(slots, me)) {
    const [start, end] = batches[batch]!
    try {
      const results = files.slice(start, end).map((file) => {
        const { file: _file, ...rest } = resolveFile(file)
        return rest
      })
      send({ type: 'done', job, batch, results })
    } catch (error) {
      // A throw from resolveFile is a bug in the compiler, not a content problem: the main thread
      // rethrows it, as a single-threaded compile would, and nobody takes the batches still free.
      for (let other = 0; other < slots.length; other++) Atomics.compareExchange(slots, other, FREE, CANCELLED)
      send({ type: 'failed', job, batch, error })
      return
    }
  }
})
