// Two real processes sweeping one database at the same moment (store level; the engine-level
// version follows the asynchronous engine): each claims programmes the other has not locked, so
// both deliver, every due flag is delivered exactly once, with one outbox message each.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createDatabase, type TestDatabase } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'

const unavailable = postgresUnavailable()
const TODAY = '2025-04-10'
const WORKER = fileURLToPath(new URL('sweep-process.ts', import.meta.url))

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step()
})

/** `count` programmes, each with one flag key; those with an even number are due today. */
async function populate(database: TestDatabase, count: number): Promise<string[]> {
  const client = new pg.Client(database.connection)
  await client.connect()
  try {
    await client.query("INSERT INTO units (unit_id, name, created_at) VALUES ('vc-norr', 'Norr', 'now')")
    await client.query(
      `INSERT INTO programmes (programme_id, unit_id, patient, status, responsible_user_id, version, state, updated_at)
       SELECT id, 'vc-norr', '19121212' || (1000 + n), 'active', 'u-beh', 1, json_build_object('programmeId', id), 'now'
       FROM generate_series(0, $1 - 1) AS n, LATERAL (SELECT 'p-' || lpad(n::text, 4, '0') AS id) AS ids`,
      [count],
    )
    await client.query(
      `INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, due_on, until)
       SELECT programme_id, 'startat', '', 'x', CASE WHEN right(programme_id, 1)::int % 2 = 0 THEN '2025-04-07' ELSE '2025-04-11' END, NULL
       FROM programmes`,
    )
    const { rows } = await client.query("SELECT programme_id FROM flag_schedule WHERE due_on <= $1 ORDER BY programme_id", [TODAY])
    return rows.map((row) => row.programme_id as string)
  } finally {
    await client.end()
  }
}

function sweeper(database: TestDatabase, name: string): { child: ChildProcess; claimed: Promise<number>; result: Promise<{ delivered: string[] }> } {
  const child = spawn(process.execPath, [WORKER, database.connectionString, TODAY, name], { stdio: ['pipe', 'pipe', 'inherit'] })
  cleanup.push(async () => void child.kill())
  let out = ''
  child.stdout!.setEncoding('utf8')
  const claimed = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      out += chunk
      const match = /^claimed (\d+)$/m.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before claiming`)))
  })
  const result = new Promise<{ delivered: string[] }>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code}`))
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { delivered: string[] })
    })
  })
  claimed.catch(() => undefined)
  return { child, claimed, result }
}

describe.skipIf(unavailable)(unavailable ? `postgres sweep in two processes (skipped: ${unavailable})` : 'postgres sweep in two processes', () => {
  it('given 400 programmes, 200 of them due, when two processes sweep at once, then each due flag goes out once, and both did some', async () => {
    const database = await createDatabase()
    cleanup.push(() => database.drop())
    const due = await populate(database, 400)
    expect(due).toHaveLength(200)
    const a = sweeper(database, 'a')
    const b = sweeper(database, 'b')
    // both hold their first claim at the same time before either delivers
    const [claimedA, claimedB] = await Promise.all([a.claimed, b.claimed])
    expect(claimedA).toBeGreaterThan(0)
    expect(claimedB).toBeGreaterThan(0)
    a.child.stdin!.end('go\n')
    b.child.stdin!.end('go\n')
    const [fromA, fromB] = await Promise.all([a.result, b.result])

    expect(fromA.delivered.length).toBeGreaterThan(0)
    expect(fromB.delivered.length).toBeGreaterThan(0)
    expect([...fromA.delivered, ...fromB.delivered].sort()).toEqual(due)
    const client = new pg.Client(database.connection)
    await client.connect()
    try {
      const deliveries = (await client.query('SELECT programme_id FROM flag_schedule WHERE delivered_at IS NOT NULL ORDER BY programme_id')).rows.map((row) => row.programme_id)
      const outbox = (await client.query('SELECT programme_id FROM outbox ORDER BY programme_id')).rows.map((row) => row.programme_id)
      expect(deliveries).toEqual(due)
      expect(outbox).toEqual(due)
      expect((await client.query('SELECT count(*)::int AS n FROM flag_schedule WHERE due_on <= $1', [TODAY])).rows[0].n).toBe(0)
    } finally {
      await client.end()
    }
  }, 60_000)
})
