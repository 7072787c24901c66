// One engine instance as its own process, for engine-processes.test.ts: opens the engine on a
// PostgreSQL database, says `ready`, waits for `go` on stdin (so that two processes start at the
// same moment), then either sweeps (`sweep`) or executes one command as the invånaradministratör
// of vc-norr (`command <json>`), and prints its outcome as JSON on the last line. A command
// pauses once right after it has read the programme: it says `read` and waits for a second line,
// so the test can hold both commands between their read and their write.
// Arguments: connection string, clock (ISO), name, `sweep` | `command`, [command JSON].
import { createInterface } from 'node:readline'
import { createEngine, EngineRefusal } from '../../../src/engine/index.ts'
import { openPostgresStore } from '../../../src/engine/store/postgres.ts'
import { testBundle } from '../bundle.ts'
import { INVANARADMIN, intercept } from '../harness.ts'

const [connectionString, now, name, mode, commandJson] = process.argv.slice(2) as [string, string, string, string, string | undefined]
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
let n = 0
const postgres = await openPostgresStore({ connectionString, max: 2 })
let paused = false
const pauseAfterRead = async <T>(state: T): Promise<T> => {
  if (mode === 'command' && !paused) {
    paused = true
    process.stdout.write('read\n')
    await lines.next()
  }
  return state
}
const engine = await createEngine({
  store: intercept(postgres, (ops) => ({ lockProgramme: async (id) => pauseAfterRead(await ops.lockProgramme(id)) })),
  bundle: testBundle(),
  clock: () => new Date(now),
  newId: () => `${name}-${++n}`,
})
process.stdout.write('ready\n')
await lines.next()
let outcome: unknown
if (mode === 'sweep') {
  const run = await engine.deliverDueFlags()
  outcome = { delivered: run.delivered.map((f) => `${f.programmeId} ${f.flagId}`), failed: run.failed.length }
} else {
  try {
    const result = await engine.execute(INVANARADMIN, JSON.parse(commandJson ?? 'null'))
    outcome = { ok: true, version: result.version }
  } catch (error) {
    if (!(error instanceof EngineRefusal)) throw error
    outcome = { ok: false, code: error.code }
  }
}
await engine.close()
process.stdout.write(`${JSON.stringify(outcome)}\n`)
process.exit(0)
