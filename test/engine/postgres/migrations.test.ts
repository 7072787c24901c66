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

  it('given a database at migration 2 with deliveries in flag_deliveries, when the store opens it, then each delivery becomes its key\'s delivered row in flag_schedule, as in SQLite\'s migration 9', async () => {
    const database = await createDatabase({ empty: true })
    try {
      await (await openPostgresStore({ connectionString: database.connectionString }, { migrations: POSTGRES_MIGRATIONS.slice(0, 2) })).close()
      const client = new pg.Client(database.connection)
      await client.connect()
      try {
        await client.query("INSERT INTO units (unit_id, name, created_at) VALUES ('vc-norr', 'Norr', 'now')")
        await client.query(`INSERT INTO programmes (programme_id, unit_id, patient, status, responsible_user_id, version, state, updated_at)
          VALUES ('p-1', 'vc-norr', '191212121212', 'active', 'u-beh', 1, '{}', 'now'), ('p-2', 'vc-norr', '191212121220', 'active', 'u-beh', 1, '{}', 'now')`)
        await client.query(`INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, due_on, until) VALUES
          ('p-1', 'b', '', 'x', '2025-04-07', NULL), ('p-1', 'm', 'oro', 'x', '2025-04-07', '2025-04-20'), ('p-2', 'a', '', 'x', '2025-04-09', NULL)`)
        // b is both scheduled and delivered (the old tables allowed it): one delivered row after
        await client.query(`INSERT INTO flag_deliveries (programme_id, flag_id, module_id, occurrence, delivered_at) VALUES
          ('p-1', 'a', '', 'x', '2025-04-01T06:00:00.000Z'), ('p-1', 'b', '', 'x', '2025-04-08T06:00:00.000Z'), ('p-2', 'c', '', 'y', '2025-04-02T06:00:00.000Z')`)

        const store = await openPostgresStore({ connectionString: database.connectionString })
        try {
          const key = (programmeId: string, flagId: string, moduleId = '', occurrence = 'x') => ({ programmeId, flagId, moduleId, occurrence })
          expect((await client.query("SELECT to_regclass('flag_deliveries') IS NULL AS gone")).rows[0].gone).toBe(true)
          expect((await client.query('SELECT * FROM flag_schedule ORDER BY programme_id, flag_id, module_id, occurrence')).rows).toEqual([
            { programme_id: 'p-1', flag_id: 'a', module_id: '', occurrence: 'x', due_on: null, until: null, delivered_at: '2025-04-01T06:00:00.000Z' },
            { programme_id: 'p-1', flag_id: 'b', module_id: '', occurrence: 'x', due_on: null, until: null, delivered_at: '2025-04-08T06:00:00.000Z' },
            { programme_id: 'p-1', flag_id: 'm', module_id: 'oro', occurrence: 'x', due_on: '2025-04-07', until: '2025-04-20', delivered_at: null },
            { programme_id: 'p-2', flag_id: 'a', module_id: '', occurrence: 'x', due_on: '2025-04-09', until: null, delivered_at: null },
            { programme_id: 'p-2', flag_id: 'c', module_id: '', occurrence: 'y', due_on: null, until: null, delivered_at: '2025-04-02T06:00:00.000Z' },
          ])
          const { rows } = await client.query<{ d: string }>("SELECT indexdef AS d FROM pg_indexes WHERE indexname = 'flag_schedule_by_due'")
          expect(rows[0]?.d).toMatch(/\(due_on, until, delivered_at\) WHERE \(delivered_at IS NULL\)$/)
          // a row is scheduled or delivered, never neither
          await expect(client.query("INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence) VALUES ('p-1', 'n', '', 'x')")).rejects.toThrow(/flag_schedule_due_or_delivered/)
          expect(await store.listDueFlagKeys('2025-04-10')).toEqual([key('p-1', 'm', 'oro'), key('p-2', 'a')])
          for (const [k, delivered] of [[key('p-1', 'a'), true], [key('p-1', 'b'), true], [key('p-2', 'c', '', 'y'), true], [key('p-1', 'm', 'oro'), false]] as const) {
            expect(await store.hasFlagDelivery(k)).toBe(delivered)
            expect(await store.recordFlagDelivery(k, 'now')).toBe(!delivered)
          }
        } finally {
          await store.close()
        }
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
