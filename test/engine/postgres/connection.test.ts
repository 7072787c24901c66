// Connections: a transaction whose connection breaks rejects, keeps nothing, and its connection is
// not handed out again; close() waits for running work and refuses new work.
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { openPostgresStore } from '../../../src/engine/store/postgres.ts'
import type { EngineStore } from '../../../src/engine/store/types.ts'
import { openTestPostgresStore, type TestDatabase } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'

const unavailable = postgresUnavailable()
const stores: EngineStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

/** Ends every other connection to the database, as a server restart or an administrator would. */
async function terminateOthers(database: TestDatabase): Promise<number> {
  const client = new pg.Client(database.connection)
  await client.connect()
  try {
    const { rows } = await client.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database.name])
    return rows[0].n
  } finally {
    await client.end()
  }
}

describe.skipIf(unavailable)(unavailable ? `postgres connections (skipped: ${unavailable})` : 'postgres connections', () => {
  it('given a transaction whose connection is terminated, then it rejects, keeps nothing, and the next work gets a sound connection', async () => {
    // one connection in the pool: were the broken one returned, the next call would fail on it
    const store = await openTestPostgresStore({ max: 1 })
    stores.push(store)
    const failed = await store
      .transaction(async (tx) => {
        await tx.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
        expect(await terminateOthers(store.database)).toBe(1)
        await tx.getUnit('vc-norr')
      })
      .then(
        () => null,
        (error: unknown) => error,
      )
    expect(failed).toBeInstanceOf(Error)
    expect(await store.getUnit('vc-norr')).toBeNull()
    await store.createUnit({ unitId: 'vc-soder', name: 'Söder' }, 'now')
    expect(await store.getUnit('vc-soder')).toEqual({ unitId: 'vc-soder', name: 'Söder' })
  })

  it('given running work, when closed, then close waits for it, and new work is refused', async () => {
    const store = await openTestPostgresStore()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let began!: () => void
    const running = new Promise<void>((resolve) => (began = resolve))
    const work = store.transaction(async (tx) => {
      began()
      await held
      await tx.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
      return 'done'
    })
    await running
    let closed = false
    const closing = store.close().then(() => (closed = true))
    await expect(store.getUnit('vc-norr')).rejects.toThrow(/closed/)
    expect(closed).toBe(false)
    release()
    expect(await work).toBe('done')
    await closing
    expect(closed).toBe(true)
  })

  it("given the host's own pool, then close() leaves the pool to the host", async () => {
    const store = await openTestPostgresStore()
    stores.push(store)
    const pool = new pg.Pool({ ...store.database.connection, max: 2 })
    const mine = await openPostgresStore({ pool }, { migrate: false })
    await mine.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
    await mine.close()
    expect((await pool.query('SELECT name FROM units')).rows).toEqual([{ name: 'Norr' }])
    await pool.end()
  })
})
