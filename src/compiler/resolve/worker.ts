// The entry point of a resolve worker thread (see parallel.ts): receives batches of loaded files
// and answers each with what they resolved to. resolveFile is a pure function of the file, so a
// file resolved here is the same as one resolved on the main thread; the file itself is not sent
// back (the main thread has it) to keep the message small.
import module from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'
import type { FromWorker, ToWorker, WorkerSetup } from './parallel.ts'

const port = parentPort
if (!port) throw new Error('resolve/worker.ts runs only as a worker thread')

// Node's compile cache is per thread: use the main thread's, so the parser's code (and the
// type-stripped sources) load as fast here as there.
const setup = workerData as WorkerSetup
if (setup.compileCache) module.enableCompileCache?.(setup.compileCache)
const { resolveFile } = await import('./index.ts')

const send = (message: FromWorker) => port.postMessage(message)

port.on('message', (message: ToWorker) => {
  try {
    const results = message.files.map((file) => {
      const { file: _file, ...rest } = resolveFile(file)
      return rest
    })
    send({ type: 'done', batch: message.batch, results })
  } catch (error) {
    // A throw from resolveFile is a bug in the compiler, not a content problem: the main thread
    // rethrows it, as a single-threaded compile would.
    send({ type: 'failed', batch: message.batch, error })
  }
})

// The module graph (the Markdown parser above all) is loaded: the pool may send work.
send({ type: 'ready' })
