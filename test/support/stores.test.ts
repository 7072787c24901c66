// The store factories the contract suites run on: each opens an empty migrated store, and closing
// a PostgreSQL one removes its database.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { sharedCluster } from './postgres-databases.ts'
import { STORES } from './stores.ts'

describe.each(STORES)('$name store factory', ({ name, unavailable, open }) => {
  it.skipIf(unavailable)(unavailable ? `opens a fresh store (skipped: ${unavailable})` : 'opens a fresh store each time, and close removes what it made', async () => {
    const first = await open()
    const second = await open()
    // (the SQLite store gets its `kind` with the asynchronous store interface, on another branch)
    if (name === 'postgres') expect(first.kind).toBe('postgres')
    await first.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
    expect(await second.getUnit('vc-norr')).toBeNull()
    await first.close()
    await second.close()
    if (name === 'postgres') {
      const { connection } = await sharedCluster()
      const client = new pg.Client(connection)
      await client.connect()
      const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 't\\_" + process.pid + "\\_%'")
      await client.end()
      expect(rows).toEqual([])
    }
  })
})
