// Several engine instances on one PostgreSQL database: two real processes (engine-process.ts),
// released at the same moment through stdin, each with an engine of its own on the database.
// - The flag sweep: every due flag is delivered exactly once, with one outbox message each,
//   and both processes deliver some (they share the work; SKIP LOCKED).
// - A versioned command sent by both with the same expected version: exactly one succeeds, the
//   other is refused with version-conflict, and the audit log holds both outcomes.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineStore } from '../../../src/engine/index.ts'
import { openTestPostgresStore, type TestDatabase } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'
import { TestClock, staffPersonnummer, startWithOro, versionOf, world } from '../harness.ts'

const unavailable = postgresUnavailable()
const ENGINE = fileURLToPath(new URL('engine-process.ts', import.meta.url))
/** Copies of the started programme, each in a unit of its own (one open programme per patient and unit). */
const COPIES = 1_500
/** Day 8 of the programmes, 10:00 Stockholm: the inactivity reminder is due for every one. */
const SWEEP_AT = '2025-04-15T08:00:00.000Z'
const SWEEP_DAY = '2025-04-15'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** A world on a PostgreSQL database of its own, closed (and the database dropped) after the test. */
async function postgresWorld() {
  const store = await openTestPostgresStore()
  cleanup.push(() => store.close())
  const w = await world({ store: store as EngineStore, clock: new TestClock() })
  return { w, database: store.database }
}

async function sql<T>(database: TestDatabase, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(database.connection)
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** An engine process; `ready` once its engine is open, `read` once a command has read the programme, `outcome` its last line. */
function engineProcess(database: TestDatabase, name: string, at: string, mode: 'sweep' | 'command', command?: object) {
  const args = [ENGINE, database.connectionString, at, name, mode, ...(command ? [JSON.stringify(command)] : [])]
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  cleanup.unshift(async () => void child.kill())
  let out = ''
  child.stdout!.setEncoding('utf8')
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const said = (line: string) => {
    const promise = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', () => {
        if (new RegExp(`^${line}$`, 'm').test(out)) resolve()
      })
      void exited.then((code) => reject(new Error(`${name} exited with ${code} before saying ${line}`)))
    })
    promise.catch(() => undefined)
    return promise
  }
  child.stdout!.on('data', (chunk: string) => (out += chunk))
  const ready = said('ready')
  const read = said('read')
  const outcome = exited.then((code) => {
    if (code !== 0) throw new Error(`${name} exited with ${code}`)
    return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>
  })
  outcome.catch(() => undefined)
  return { ready, read, outcome, go: () => child.stdin!.write('go\n'), finish: () => child.stdin!.end('go on\n') }
}

/** Runs two engine processes, released together once both are ready. */
async function together(a: ReturnType<typeof engineProcess>, b: ReturnType<typeof engineProcess>) {
  await Promise.all([a.ready, b.ready])
  a.go()
  b.go()
  a.finish()
  b.finish()
  return Promise.all([a.outcome, b.outcome])
}

/**
 * Two commands released together, each held right after its read of the programme until both
 * have read it, or one has and the other waits for its lock (seen in pg_stat_activity): the
 * moment where a missing lock or version check would let both write.
 */
async function commandsAtOnce(database: TestDatabase, a: ReturnType<typeof engineProcess>, b: ReturnType<typeof engineProcess>) {
  await Promise.all([a.ready, b.ready])
  a.go()
  b.go()
  await Promise.race([a.read, b.read])
  await sql(database, async (client) => {
    let both = false
    void Promise.all([a.read, b.read]).then(() => (both = true))
    for (;;) {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [database.name])
      if (both || rows[0].n > 0) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })
  a.finish()
  b.finish()
  return Promise.all([a.outcome, b.outcome])
}

describe.skipIf(unavailable)(unavailable ? `engine instances in two processes (skipped: ${unavailable})` : 'engine instances in two processes on one PostgreSQL database', () => {
  it(`given ${COPIES + 1} programmes with a due flag, when two processes sweep at the same moment, then each flag is delivered once, with one outbox message, and both delivered some`, async () => {
    const { w, database } = await postgresWorld()
    const p = await startWithOro(w)
    // Copies of the programme in units vc-0001…: same state, schedule and deliveries.
    await sql(database, async (client) => {
      await client.query(`INSERT INTO units (unit_id, name, created_at)
        SELECT 'vc-' || lpad(n::text, 4, '0'), 'Enhet', created_at FROM units, generate_series(1, $1) AS n WHERE unit_id = 'vc-norr'`, [COPIES])
      await client.query(`INSERT INTO programmes (programme_id, unit_id, patient, status, responsible_user_id, version, state, updated_at)
        SELECT 'p-' || lpad(n::text, 4, '0'), 'vc-' || lpad(n::text, 4, '0'), patient, status, responsible_user_id, version,
               replace(replace(state::text, '"' || programme_id || '"', '"p-' || lpad(n::text, 4, '0') || '"'),
                       '"unitId":"vc-norr"', '"unitId":"vc-' || lpad(n::text, 4, '0') || '"')::json, updated_at
        FROM programmes, generate_series(1, $1) AS n WHERE programme_id = $2`, [COPIES, p])
      // its scheduled and its delivered keys
      await client.query(`INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, due_on, until, delivered_at)
        SELECT 'p-' || lpad(n::text, 4, '0'), flag_id, module_id, occurrence, due_on, until, delivered_at
        FROM flag_schedule, generate_series(1, $1) AS n WHERE programme_id = $2`, [COPIES, p])
    })
    const due = await sql(database, async (client) =>
      (await client.query('SELECT programme_id, flag_id FROM flag_schedule WHERE due_on <= $1 AND (until IS NULL OR until > $1) AND delivered_at IS NULL ORDER BY 1, 2', [SWEEP_DAY])).rows.map(
        (row) => `${row.programme_id} ${row.flag_id}`,
      ),
    )
    expect(due.length).toBeGreaterThanOrEqual(COPIES + 1)
    const outboxBefore = (await w.store.listOutbox()).length

    const [a, b] = await together(engineProcess(database, 'a', SWEEP_AT, 'sweep'), engineProcess(database, 'b', SWEEP_AT, 'sweep'))

    const fromA = a.delivered as string[]
    const fromB = b.delivered as string[]
    expect([a.failed, b.failed]).toEqual([0, 0])
    expect(fromA.length).toBeGreaterThan(0)
    expect(fromB.length).toBeGreaterThan(0)
    expect([...fromA, ...fromB].sort()).toEqual(due)
    const deliveries = await sql(database, async (client) =>
      (await client.query('SELECT programme_id, flag_id FROM flag_schedule WHERE delivered_at = $1 ORDER BY 1, 2', [SWEEP_AT])).rows.map((row) => `${row.programme_id} ${row.flag_id}`),
    )
    expect(deliveries).toEqual(due)
    const outbox = (await w.store.listOutbox()).slice(outboxBefore)
    expect(outbox.map((m) => `${m.programmeId} ${m.flagId}`).sort()).toEqual(due)
    expect(await w.store.listDueFlagKeys(SWEEP_DAY)).toEqual([])
  }, 180_000)

  it('given one programme, when two processes send change-responsible with the same expected version at the same moment, then one succeeds, the other is refused with version-conflict, and both are logged', async () => {
    const { w, database } = await postgresWorld()
    const p = await startWithOro(w)
    const version = await versionOf(w, p)
    // The invånaradministratör has been seen before: otherwise both processes would record their
    // identity first, and the second would wait on that row, not on the programme.
    await w.store.recordStaffIdentity('u-inv', staffPersonnummer('u-inv'), w.clock.now().toISOString())
    const command = { type: 'change-responsible', programmeId: p, responsibleUserId: 'u-beh2', expectedVersion: version }
    const at = w.clock.now().toISOString()

    const outcomes = await commandsAtOnce(database, engineProcess(database, 'a', at, 'command', command), engineProcess(database, 'b', at, 'command', command))

    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code)).sort()).toEqual(['ok', 'version-conflict'])
    expect(outcomes.find((o) => o.ok)?.version).toBe(version + 1)
    const state = await w.store.getProgramme(p)
    expect(state).toMatchObject({ version: version + 1, responsibleUserId: 'u-beh2' })
    const logged = (await w.store.listAudit({ programmeId: p })).filter((e) => e.action === 'change-responsible')
    expect(logged.map((e) => [e.outcome, e.refusalCode]).sort()).toEqual([
      ['ok', null],
      ['refused', 'version-conflict'],
    ])
  }, 60_000)
})
