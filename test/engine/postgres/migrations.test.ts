// Migrations of the PostgreSQL store: instances starting at once on an empty database apply each
// migration exactly once; the schema has the same tables and columns as the SQLite store's.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openPostgresStore } from '../../../src/engine/store/postgres.ts'
import { POSTGRES_MIGRATIONS } from '../../../src/engine/store/postgres-migrations.ts'
import { openSqliteStore } from '../../../src/engine/store/sqlite.ts'
import { createDatabase } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'

const unavailable = postgresUnavailable()

describe.skipIf(unavailable)(unavailable ? `postgres migrations (skipped: ${unavailable})` : 'postgres migrations', () => {
  it('given an empty database, when three instances open it at the same moment, then each migration is applied exactly once', async () => {
    const database = await createDatabase({ empty: true })
    try {
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ connectionString: database.connectionString, max: 2 })))
      await Promise.all(stores.map((store) => store.close()))
      // reopening applies nothing again
      await (await openPostgresStore({ connectionString: database.connectionString })).close()
      const client = new pg.Client(database.connection)
      await client.connect()
      try {
        const { rows } = await client.query('SELECT version, name FROM schema_migrations ORDER BY version')
        expect(rows).toEqual(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })))
      } finally {
        await client.end()
      }
    } finally {
      await database.drop()
    }
  })

  it('given an empty database, when opened with migrate: false, then it refuses and says what to do', async () => {
    const database = await createDatabase({ empty: true })
    try {
      await expect(openPostgresStore({ connectionString: database.connectionString }, { migrate: false })).rejects.toThrow(/lacks migrations 1, 2, 3; open the store once with migrate: true/)
    } finally {
      await database.drop()
    }
  })

  it('given a database at migration 1, when the store opens it, then audit_by_programme leaves out flag deliveries that name their patient, as in the SQLite audit file', async () => {
    const database = await createDatabase({ empty: true })
    try {
      await (await openPostgresStore({ connectionString: database.connectionString }, { migrations: POSTGRES_MIGRATIONS.slice(0, 1) })).close()
      const client = new pg.Client(database.connection)
      await client.connect()
      try {
        const definition = async () => (await client.query<{ d: string }>("SELECT indexdef AS d FROM pg_indexes WHERE indexname = 'audit_by_programme'")).rows[0]?.d
        expect(await definition()).not.toMatch(/WHERE/)
        await (await openPostgresStore({ connectionString: database.connectionString })).close()
        expect(await definition()).toMatch(/WHERE \(\(action <> 'deliver-flag'::text\) OR \(patient IS NULL\)\)$/)
      } finally {
        await client.end()
      }
    } finally {
      await database.drop()
    }
  })

  it('has the tables and columns of the SQLite store (the audit file included), and nothing else but schema_migrations and the outbox order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plus-parity-'))
    const database = await createDatabase()
    try {
      const path = join(dir, 'plus.db')
      const sqlite = await openSqliteStore({ path })
      await sqlite.close()
      const db = new DatabaseSync(path)
      db.exec(`ATTACH DATABASE '${join(dir, 'plus-audit.db')}' AS audit`)
      const sqliteColumns = new Set<string>()
      for (const schema of ['main', 'audit']) {
        const tables = db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]
        for (const { name } of tables) {
          for (const column of db.prepare(`SELECT name FROM pragma_table_info(?, ?)`).all(name, schema) as { name: string }[]) sqliteColumns.add(`${name}.${column.name}`)
        }
      }
      db.close()
      const client = new pg.Client(database.connection)
      await client.connect()
      const { rows } = await client.query<{ c: string }>("SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = 'public'")
      await client.end()
      const postgresColumns = new Set(rows.map((row) => row.c))
      const onlyPostgres = [...postgresColumns].filter((c) => !sqliteColumns.has(c)).sort()
      const onlySqlite = [...sqliteColumns].filter((c) => !postgresColumns.has(c)).sort()
      expect(onlySqlite).toEqual([])
      // outbox.added stands for SQLite's rowid (the order of messages created in the same millisecond)
      expect(onlyPostgres).toEqual(['outbox.added', 'schema_migrations.applied_at', 'schema_migrations.name', 'schema_migrations.version'])
    } finally {
      await database.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
