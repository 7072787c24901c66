// The throwaway PostgreSQL cluster the Postgres store's tests will run on (test/support/postgres.ts):
// it starts, `pg` reaches it over its Unix socket only, and it leaves nothing behind.
import { existsSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresUnavailable, startPostgres, type PostgresCluster } from './postgres.ts'

const unavailable = postgresUnavailable()
if (unavailable) console.warn(`PostgreSQL tests skipped: ${unavailable}`)

describe.skipIf(unavailable)(unavailable ? `PostgreSQL harness (skipped: ${unavailable})` : 'PostgreSQL harness', () => {
  let cluster: PostgresCluster

  beforeAll(async () => {
    cluster = await startPostgres()
  }, 60_000)

  afterAll(async () => {
    await cluster?.stop()
  })

  it('connects with pg over the Unix socket and runs a query', async () => {
    const client = new pg.Client(cluster.connection)
    await client.connect()
    try {
      // when a parameterised query runs in a transaction
      await client.query('BEGIN')
      await client.query('CREATE TABLE smoke (id integer PRIMARY KEY, name text NOT NULL)')
      await client.query('INSERT INTO smoke (id, name) VALUES ($1, $2), ($3, $4)', [1, 'Stress', 2, 'Ångest'])
      const rows = await client.query<{ id: number; name: string }>('SELECT id, name FROM smoke ORDER BY id')
      await client.query('COMMIT')
      // then the rows come back as written, in UTF-8
      expect(rows.rows).toEqual([{ id: 1, name: 'Stress' }, { id: 2, name: 'Ångest' }])
      // and the server listens on no TCP address, only on the socket in the cluster's own folder
      expect((await client.query('SHOW listen_addresses')).rows).toEqual([{ listen_addresses: '' }])
      expect(existsSync(path.join(cluster.connection.host, `.s.PGSQL.${cluster.connection.port}`))).toBe(true)
    } finally {
      await client.end()
    }
  })

  it('gives each cluster its own socket folder, and removes it when stopped', async () => {
    // given a second cluster started beside the first
    const second = await startPostgres()
    expect(second.connection.host).not.toBe(cluster.connection.host)
    const client = new pg.Client(second.connection)
    await client.connect()
    expect((await client.query('SELECT current_database() AS db')).rows).toEqual([{ db: 'plus' }])
    await client.end()
    // when it is stopped
    await second.stop()
    // then its files are gone and nothing answers on its socket
    expect(existsSync(second.connection.host)).toBe(false)
    await expect(new pg.Client(second.connection).connect()).rejects.toThrow()
    // and the first cluster still runs
    const first = new pg.Client(cluster.connection)
    await first.connect()
    expect((await first.query('SELECT count(*)::int AS n FROM smoke')).rows).toEqual([{ n: 2 }])
    await first.end()
  }, 60_000)
})
