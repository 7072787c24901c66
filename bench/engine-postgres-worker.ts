// One engine instance of the two-process PostgreSQL sweep (bench/engine-postgres.ts): opens a
// store and an engine on the database given, prints `ready`, waits for `go` on stdin, sweeps once
// at the instant given and prints what it did as one JSON line.
import { createInterface } from 'node:readline'
import { createEngine } from '../src/engine/index.ts'
import { openPostgresStore } from '../src/engine/store/postgres.ts'
import { compiledBundle } from './engine.ts'

const [url, sweepAt] = process.argv.slice(2)
if (!url || !sweepAt) throw new Error('usage: engine-postgres-worker.ts <database url> <sweep instant>')
const bundle = await compiledBundle()
const store = await openPostgresStore({ connectionString: url, max: 2 })
const engine = await createEngine({ store, bundle, clock: () => new Date(sweepAt) })
const input = createInterface({ input: process.stdin })
const lines = input[Symbol.asyncIterator]()
process.stdout.write('ready\n')
if ((await lines.next()).value !== 'go') throw new Error('expected go')
const start = performance.now()
const run = await engine.deliverDueFlags()
const ms = performance.now() - start
process.stdout.write(`${JSON.stringify({ ms, delivered: run.delivered.length, failed: run.failed.length })}\n`)
await engine.close()
input.close()
