// One scheduler process of the engine benchmark's flag sweep (bench/engine-sweep.ts starts it):
// opens the store and an engine on the database given (not timed), prints `ready`, waits for
// `go` on stdin, runs `deliverDueFlags()` once at the instant given, prints what it measured as
// one JSON line (a SweepRun), closes the engine and exits.
//
// usage: engine-sweep-worker.ts <sqlite|postgres> <database file or url> <sweep instant> <bundle JSON file>
//
// The bundle is read from a file, as a host loads plus.json, rather than compiled here: the
// compiler would leave its garbage in the heap the sweep's collector then pays for.
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { createEngine, type EngineStore } from '../src/engine/index.ts'
import type { PlusBundle } from '../src/types/bundle.generated.ts'
import type { SweepRun } from './engine-sweep.ts'

const [kind, target, sweepAt, bundlePath] = process.argv.slice(2)
if ((kind !== 'sqlite' && kind !== 'postgres') || !target || !sweepAt || !bundlePath) {
  throw new Error('usage: engine-sweep-worker.ts <sqlite|postgres> <database file or url> <sweep instant> <bundle JSON file>')
}
const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as PlusBundle
let store: EngineStore
if (kind === 'sqlite') {
  const { openSqliteStore } = await import('../src/engine/index.ts')
  store = openSqliteStore({ path: target })
} else {
  const { openPostgresStore } = await import('../src/engine/store/postgres.ts')
  store = await openPostgresStore({ connectionString: target, max: 2 })
}
const engine = await createEngine({ store, bundle, clock: () => new Date(sweepAt) })
const input = createInterface({ input: process.stdin })
const lines = input[Symbol.asyncIterator]()
process.stdout.write('ready\n')
if ((await lines.next()).value !== 'go') throw new Error('expected go')

const ioStart = processIo()
const cpuStart = process.cpuUsage()
const start = performance.now()
const run = await engine.deliverDueFlags()
const ms = performance.now() - start
const cpu = process.cpuUsage(cpuStart)
const ioEnd = processIo()

const result: SweepRun = {
  ms,
  cpuMs: (cpu.user + cpu.system) / 1000,
  io:
    ioStart && ioEnd
      ? { writtenBytes: ioEnd.wchar - ioStart.wchar, readBytes: ioEnd.rchar - ioStart.rchar, writeCalls: ioEnd.syscw - ioStart.syscw, readCalls: ioEnd.syscr - ioStart.syscr }
      : null,
  delivered: run.delivered.length,
  failed: run.failed.length,
}
process.stdout.write(`${JSON.stringify(result)}\n`)
await engine.close()
input.close()

/** This process's I/O counters (Linux): bytes through write and read calls, and the calls; null elsewhere. */
function processIo(): { wchar: number; rchar: number; syscw: number; syscr: number } | null {
  try {
    const fields = new Map(
      readFileSync('/proc/self/io', 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    )
    return { wchar: Number(fields.get('wchar')), rchar: Number(fields.get('rchar')), syscw: Number(fields.get('syscw')), syscr: Number(fields.get('syscr')) }
  } catch {
    return null
  }
}
