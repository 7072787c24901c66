// The PostgreSQL store: for several application instances on one database. Each top-level
// transaction runs on one pooled connection (BEGIN … COMMIT, savepoints for nesting); the version
// check is the UPDATE's own WHERE clause, so two instances writing one programme cannot both win;
// the flag sweep claims programmes with FOR NO KEY UPDATE SKIP LOCKED so instances share the work.
//
// Errors never carry patient data out of the store: PostgreSQL puts the offending values in an
// error's DETAIL (`Key (unit_id, patient)=(…, 19121212…) already exists`), so every driver error
// is replaced by a PostgresStoreError with the SQLSTATE and the names of the constraint, table
// and column only (see storeError).
import type { PlusBundle } from '../../types/bundle.generated.ts'
import type { ProgrammeEvent } from '../events.ts'
import { isRole, type Role } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import { AUDIT_BY_PATIENT_ONLY, AUDIT_BY_PROGRAMME_WHERE } from './audit-schema.ts'
import type { Migration } from './migrations.ts'
import { MIGRATION_LOCK, POSTGRES_MIGRATIONS } from './postgres-migrations.ts'
import {
  type AuditEntry,
  ConcurrencyConflict,
  type EngineStore,
  IdempotencyKeyExists,
  type FlagScheduleEntry,
  type NotificationPreferences,
  OpenProgrammeExists,
  type OutboxMessage,
  type ProgrammeFilter,
  type StoreOperations,
  type StoredAuditEntry,
} from './types.ts'
import { auditFromRow, keyFromRow, outboxFromRow } from './rows.ts'

/** A query as the driver takes it; `name` makes it a prepared statement, once per connection. */
export interface PgQueryConfigLike {
  text: string
  values?: unknown[]
  name?: string
}

/** What a query answers: the rows and how many rows a write touched. */
export interface PgQueryResultLike {
  rows: unknown[]
  rowCount: number | null
}

/** One connection taken from a pool (`pg.PoolClient` fits). */
export interface PgClientLike {
  query(config: PgQueryConfigLike): Promise<PgQueryResultLike>
  /** Returns the connection to the pool; with an error, the pool closes it instead. */
  release(error?: Error | boolean): void
  /**
   * The connection's error event (the server ended it while the store held it). The store listens
   * while it holds the connection: unheard, Node would end the process.
   */
  on?(event: 'error', listener: (error: Error) => void): unknown
  removeListener?(event: 'error', listener: (error: Error) => void): unknown
}

/**
 * Takes a connection from the pool and listens for its error event while held. `release` returns
 * it, or closes it when it broke (an error event, or a failure the caller names).
 */
async function take(pool: PgPoolLike): Promise<{ client: PgClientLike; release(broken?: Error): void }> {
  let client: PgClientLike
  try {
    client = await pool.connect()
  } catch (error) {
    throw storeError(error)
  }
  let failed: Error | undefined
  const listener = (error: Error) => (failed ??= error)
  client.on?.('error', listener)
  return {
    client,
    release(broken) {
      client.removeListener?.('error', listener)
      client.release(broken ?? failed)
    },
  }
}

/**
 * A connection pool (`pg.Pool` fits), typed by shape so that hosts need no `@types/pg`. The store
 * uses one connection per top-level transaction and `query` for single statements.
 */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>
  query(config: PgQueryConfigLike): Promise<PgQueryResultLike>
  end(): Promise<void>
}

/** Where the store's database is: the host's own pool, or a connection string for a pool of the store's. */
export type PostgresConnectionOptions =
  | {
      /** The host's pool (its TLS, credentials, size, statement_timeout). The store never ends it. */
      pool: PgPoolLike
    }
  | {
      /** `postgresql://user@host/db?…`; needs the package `pg` installed next to plus. */
      connectionString: string
      /** Connections in the store's pool; default 10. */
      max?: number
      /** TLS options as `pg` takes them. */
      ssl?: boolean | Record<string, unknown>
    }

/** How to open the store. */
export interface PostgresStoreOptions {
  /**
   * Applies the migrations the database lacks (default true). Migrating needs the owning role;
   * with false, the store checks that the database is up to date and refuses to open otherwise
   * (an application role without DDL rights, after the owner migrated).
   */
  migrate?: boolean
  /** Migrations to apply; defaults to the engine's own. */
  migrations?: readonly Migration[]
}

/**
 * A PostgreSQL error as it leaves the store: the SQLSTATE and the names of the constraint,
 * table and column, never the values (the server's DETAIL, WHERE, query parameters).
 */
export class PostgresStoreError extends Error {
  override readonly name = 'PostgresStoreError'
  /** The SQLSTATE, e.g. `23505` for a unique violation. */
  readonly code: string
  readonly constraint: string | null
  readonly table: string | null
  readonly column: string | null
  constructor(message: string, fields: { code: string; constraint: string | null; table: string | null; column: string | null }) {
    super(message)
    this.code = fields.code
    this.constraint = fields.constraint
    this.table = fields.table
    this.column = fields.column
  }
}

/** Names of the SQLSTATEs whose message says what happened without saying to what. */
const CONDITIONS: Record<string, string> = {
  '23502': 'not-null violation',
  '23503': 'foreign key violation',
  '23505': 'unique violation',
  '23514': 'check violation',
  '22001': 'value too long',
  '22P02': 'invalid text representation',
  '40001': 'serialization failure',
  '40P01': 'deadlock detected',
}

/**
 * SQLSTATE classes whose server messages name only schema objects, never row values, and are
 * kept: connection (08), authorisation (28), catalog (3D), transaction state (25), rollback
 * (40), syntax and access (42), resources (53, 54), object state (55), operator intervention (57),
 * system (58), unsupported (0A), and PL/pgSQL raises (P0: the audit log's trigger). Others (data
 * exceptions, integrity violations) are described by code only.
 */
const MESSAGE_KEPT = /^(08|28|3D|25|40|42|53|54|55|57|58|0A|P0)/

function isDriverError(error: unknown): error is Error & Record<string, unknown> & { code: string } {
  if (!(error instanceof Error) || !('severity' in error)) return false
  const code: unknown = (error as { code?: unknown }).code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
}

/** A driver error made safe to leave the store; anything else unchanged. */
export function storeError(error: unknown): unknown {
  if (error instanceof PostgresStoreError || !isDriverError(error)) return error
  const name = (key: string): string | null => (typeof error[key] === 'string' ? (error[key] as string) : null)
  const fields = { code: error.code, constraint: name('constraint'), table: name('table'), column: name('column') }
  const about = [fields.constraint && `constraint ${fields.constraint}`, fields.table && `table ${fields.table}`, fields.column && `column ${fields.column}`].filter(Boolean).join(', ')
  const what = MESSAGE_KEPT.test(fields.code) ? error.message : (CONDITIONS[fields.code] ?? 'statement refused')
  return new PostgresStoreError(`PostgreSQL ${fields.code}: ${what}${about ? ` (${about})` : ''}`, fields)
}

function isViolation(error: unknown, code: string, constraint: string): boolean {
  return error instanceof PostgresStoreError && error.code === code && error.constraint === constraint
}

/** Same as the SQLite store's DEFAULT_PREFERENCES (a test pins it); not imported, so this entry never loads node:sqlite. */
const DEFAULT_PREFERENCES: NotificationPreferences = { email: true, sms: false }

/** The tables a purge deletes from: compact() vacuums these. */
const PURGED_TABLES = ['programmes', 'programme_events', 'flag_schedule', 'outbox', 'idempotency'] as const

type Row = Record<string, unknown>

/**
 * A read keyed by a string with U+0000 in it: PostgreSQL's text cannot hold that character (it
 * would refuse the statement, 22021, and abort the transaction), so no stored row can match it.
 * Such a read answers "nothing", as SQLite's does; a write of such a value still fails.
 */
function matchesNothing(text: string, values: unknown[] | undefined): boolean {
  return /^\s*SELECT\b/i.test(text) && (values ?? []).some((value) => typeof value === 'string' && value.includes('\u0000'))
}
const NO_ROWS = { rows: [] as Row[], rowCount: 0 }
/** Runs one statement on whatever the operations are bound to (the pool, or a transaction's connection). */
type Exec = (text: string, values?: unknown[], name?: string) => Promise<{ rows: Row[]; rowCount: number }>

/** Opens (and by default migrates) a PostgreSQL database as an engine store. */
export async function openPostgresStore(connection: PostgresConnectionOptions, options: PostgresStoreOptions = {}): Promise<EngineStore> {
  const owned = !('pool' in connection)
  const pool: PgPoolLike = 'pool' in connection ? connection.pool : await createPool(connection)
  try {
    const migrations = options.migrations ?? POSTGRES_MIGRATIONS
    if (options.migrate === false) await checkMigrated(pool, migrations)
    else await migrate(pool, migrations)
  } catch (error) {
    if (owned) await pool.end().catch(() => undefined)
    throw storeError(error)
  }
  return storeOn(pool, owned)
}

async function createPool(options: { connectionString: string; max?: number; ssl?: boolean | Record<string, unknown> }): Promise<PgPoolLike> {
  let pg: { Pool: new (config: Record<string, unknown>) => PgPoolLike & { on(event: 'error', listener: (error: Error) => void): unknown } }
  try {
    const module = (await import('pg')) as unknown as { default?: typeof pg } & typeof pg
    pg = module.default ?? module
  } catch (error) {
    throw new Error(
      'plus/postgres: the connection-string form needs the package "pg", an optional peer dependency of plus. ' +
        'Install it next to plus:\n  npm install pg\n(or pass your own pool: openPostgresStore({ pool }))',
      { cause: error },
    )
  }
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10, application_name: 'plus', ...(options.ssl === undefined ? {} : { ssl: options.ssl }) })
  // An idle connection the server closed is dropped by the pool; without a listener Node would
  // end the process. The next query that needs a connection gets a fresh one, or its own error.
  pool.on('error', () => undefined)
  return pool
}

/** Applies the missing migrations, each in its own transaction under the migration lock. */
async function migrate(pool: PgPoolLike, migrations: readonly Migration[]): Promise<void> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  // The usual start: everything applied already, answered without taking the lock.
  const applied = await appliedVersions(pool)
  if (sorted.every((m) => applied.has(m.version))) return
  for (const migration of sorted) {
    const { client, release } = await take(pool)
    let broken: Error | undefined
    try {
      await client.query({ text: 'BEGIN' })
      try {
        // Instances starting at once queue here; each re-reads under the lock and skips what
        // another applied meanwhile.
        await client.query({ text: 'SELECT pg_advisory_xact_lock($1)', values: [MIGRATION_LOCK] })
        await client.query({
          text: `CREATE TABLE IF NOT EXISTS schema_migrations (
                   version integer PRIMARY KEY,
                   name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())`,
        })
        const done = await client.query({ text: 'SELECT 1 FROM schema_migrations WHERE version = $1', values: [migration.version] })
        if (done.rows.length === 0) {
          await client.query({ text: migration.sql })
          await client.query({ text: 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', values: [migration.version, migration.name] })
        }
        await client.query({ text: 'COMMIT' })
      } catch (error) {
        await client.query({ text: 'ROLLBACK' }).catch((rollback: Error) => (broken = rollback))
        throw error
      }
    } finally {
      release(broken)
    }
  }
}

/** The versions recorded in schema_migrations (none when the table does not exist yet). */
async function appliedVersions(pool: PgPoolLike): Promise<Set<number>> {
  const exists = await pool.query({ text: "SELECT to_regclass('schema_migrations') IS NOT NULL AS found" })
  if (!(exists.rows[0] as Row | undefined)?.found) return new Set()
  const rows = await pool.query({ text: 'SELECT version FROM schema_migrations' })
  return new Set((rows.rows as Row[]).map((row) => Number(row.version)))
}

async function checkMigrated(pool: PgPoolLike, migrations: readonly Migration[]): Promise<void> {
  const applied = await appliedVersions(pool)
  const missing = migrations.filter((m) => !applied.has(m.version)).map((m) => m.version)
  if (missing.length > 0) {
    throw new Error(`The database lacks migrations ${missing.join(', ')}; open the store once with migrate: true as the owning role`)
  }
}

/** The store on a migrated database. */
function storeOn(pool: PgPoolLike, owned: boolean): EngineStore {
  let closed = false
  const running = new Set<Promise<unknown>>()
  /** Keeps track of top-level work so that close() can wait for it. */
  const track = <T>(work: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error('The PostgreSQL store is closed'))
    const promise = work()
    running.add(promise)
    const done = () => running.delete(promise)
    promise.then(done, done)
    return promise
  }

  const poolExec: Exec = (text, values, name) =>
    track(async () => {
      if (matchesNothing(text, values)) return NO_ROWS
      try {
        const result = await pool.query(name ? { name, text, values: values ?? [] } : { text, values: values ?? [] })
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 }
      } catch (error) {
        throw storeError(error)
      }
    })

  /** A top-level transaction on one connection of the pool. */
  const topLevel = <T>(fn: (exec: Exec, nested: Nested) => Promise<T>): Promise<T> =>
    track(async () => {
      const { client, release } = await take(pool)
      let finished = false
      let savepoints = 0
      const exec: Exec = async (text, values, name) => {
        if (finished) throw new Error('This transaction has already finished: use the store, or a transaction still running')
        if (matchesNothing(text, values)) return NO_ROWS
        try {
          const result = await client.query(name ? { name, text, values: values ?? [] } : { text, values: values ?? [] })
          return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 }
        } catch (error) {
          throw storeError(error)
        }
      }
      const nested: Nested = async (inner) => {
        const savepoint = `sp${++savepoints}`
        await exec(`SAVEPOINT ${savepoint}`)
        try {
          const result = await inner()
          await exec(`RELEASE SAVEPOINT ${savepoint}`)
          return result
        } catch (error) {
          // When even this fails (the connection broke), the first error is the one to report;
          // the top-level transaction's ROLLBACK then fails too and closes the connection.
          await exec(`ROLLBACK TO SAVEPOINT ${savepoint}`)
            .then(() => exec(`RELEASE SAVEPOINT ${savepoint}`))
            .catch(() => undefined)
          throw error
        }
      }
      let broken: Error | undefined
      try {
        await exec('BEGIN')
        let result: T
        try {
          result = await fn(exec, nested)
        } catch (error) {
          // A connection that cannot even roll back is closed rather than returned to the pool.
          await exec('ROLLBACK').catch((rollback: unknown) => (broken = rollback instanceof Error ? rollback : new Error(String(rollback))))
          throw error
        }
        try {
          await exec('COMMIT')
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error))
          throw error
        }
        return result
      } catch (error) {
        if (error instanceof PostgresStoreError && /^(08|57P)/.test(error.code)) broken ??= error
        throw error
      } finally {
        finished = true
        release(broken)
      }
    })

  const operations = (exec: Exec, atomic: Atomic): StoreOperations => buildOperations(exec, atomic)

  const store = operations(poolExec, (fn) =>
    topLevel((exec, nested) => fn(exec, (inner) => nested(inner), transactionOperations(exec, nested))),
  )

  /** The operations of one transaction: every statement on its connection; nested work in savepoints. */
  function transactionOperations(exec: Exec, nested: Nested): StoreOperations {
    let ops: StoreOperations
    const atomic: Atomic = (fn) => nested(() => fn(exec, nested, ops))
    ops = operations(exec, atomic)
    return ops
  }

  const compact = (): Promise<boolean> =>
    track(async () => {
        // VACUUM cannot run in a transaction block: on a connection of its own, nothing else on it.
        const { client, release } = await take(pool)
        let broken: Error | undefined
        try {
          // Before PostgreSQL 17 only a table's owner (or the database owner, or a superuser) may
          // VACUUM it; others get a warning and nothing is done. Say false then: the purge stays
          // unfinished in the ledger until an owner runs compact (see the README).
          const allowed = await client.query({
            text: `SELECT bool_and(pg_has_role(c.relowner, 'USAGE') OR pg_has_role(d.datdba, 'USAGE')
                     OR CASE WHEN current_setting('server_version_num')::int >= 170000 THEN has_table_privilege(c.oid, 'MAINTAIN') ELSE false END) AS ok
                   FROM pg_class c CROSS JOIN pg_database d
                   WHERE c.oid = ANY ($1::regclass[]) AND d.datname = current_database()`,
            values: [[...PURGED_TABLES]],
          })
          if (!(allowed.rows[0] as Row | undefined)?.ok) return false
          await client.query({ text: `VACUUM (ANALYZE) ${PURGED_TABLES.join(', ')}` })
          return true
        } catch (error) {
          const safe = storeError(error)
          if (safe instanceof PostgresStoreError && /^(08|57P)/.test(safe.code)) broken = safe
          throw safe
        } finally {
          release(broken)
        }
      })

  return {
    ...store,
    kind: 'postgres',
    compact,

    async finishPurges(at) {
      // VACUUM does not wait for readers: rows an older snapshot can still see stay as dead
      // tuples until a later VACUUM (autovacuum) after that snapshot ends (see the README).
      if (!(await compact())) return false
      await poolExec('UPDATE purge_ledger SET compacted_at = $1 WHERE compacted_at IS NULL', [at])
      return true
    },

    async close() {
      closed = true
      while (running.size > 0) await Promise.allSettled([...running])
      if (owned) await pool.end()
    },
  }
}

/** Runs a nested piece of work in a savepoint of the current transaction. */
type Nested = <T>(inner: () => Promise<T>) => Promise<T>
/**
 * Runs work that must be all-or-nothing: on the store, as a transaction of its own; inside a
 * transaction, in a savepoint (so a refusal such as OpenProgrammeExists leaves the enclosing
 * transaction usable, as SQLite's statement-level rollback does).
 */
type Atomic = <T>(fn: (exec: Exec, nested: Nested, tx: StoreOperations) => Promise<T>) => Promise<T>

/** The data operations, with every statement going through `exec`. */
function buildOperations(exec: Exec, atomic: Atomic): StoreOperations {
  const json = <T>(row: Row | undefined, column: string): T | null => (row ? (JSON.parse(String(row[column])) as T) : null)
  const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value))

  const replaceFlagSchedule = async (run: Exec, programmeId: string, schedule: readonly FlagScheduleEntry[]): Promise<void> => {
    for (const { key } of schedule) {
      if (key.programmeId !== programmeId) throw new Error(`A flag schedule entry of ${key.programmeId} given for ${programmeId}`)
    }
    // The undelivered rows only: a delivered key keeps its row (the exactly-once record), so
    // scheduling it again does nothing.
    await run('DELETE FROM flag_schedule WHERE programme_id = $1 AND delivered_at IS NULL', [programmeId], 'plus-schedule-delete')
    if (schedule.length === 0) return
    await run(
      `INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, due_on, until)
       SELECT $1, s.flag_id, s.module_id, s.occurrence, s.due_on, s.until
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS s (flag_id, module_id, occurrence, due_on, until)
       ON CONFLICT DO NOTHING`,
      [
        programmeId,
        schedule.map((e) => e.key.flagId),
        schedule.map((e) => e.key.moduleId),
        schedule.map((e) => e.key.occurrence),
        schedule.map((e) => e.dueOn),
        schedule.map((e) => e.until),
      ],
      'plus-schedule-insert',
    )
  }


  const self: StoreOperations = {
    transaction(fn) {
      return atomic((_exec, _nested, tx) => fn(tx))
    },

    async getProgramme(programmeId) {
      const { rows } = await exec('SELECT state::text AS state FROM programmes WHERE programme_id = $1', [programmeId], 'plus-get-programme')
      return json<ProgrammeState>(rows[0], 'state')
    },

    async lockProgramme(programmeId) {
      // The lock a command's UPDATE takes (and the sweep's claim): a second command on the
      // programme waits here for the first to commit, then reads what it wrote.
      const { rows } = await exec('SELECT state::text AS state FROM programmes WHERE programme_id = $1 FOR NO KEY UPDATE', [programmeId], 'plus-lock-programme')
      return json<ProgrammeState>(rows[0], 'state')
    },

    async appendEvents(programmeId, expectedVersion, events, next, schedule) {
      if (events.length === 0) return
      if (next.version !== expectedVersion + events.length) {
        throw new Error(`State version ${next.version} does not follow ${expectedVersion} + ${events.length} events`)
      }
      await atomic(async (run) => {
        const last = events.at(-1)?.at ?? ''
        const columns = [next.unitId, next.patient, next.lifecycle.status, next.responsibleUserId, next.version, JSON.stringify(next), last, programmeId]
        let written: number
        try {
          // No read before the write: the INSERT's conflict or the UPDATE's version condition is
          // the check. A concurrent writer of the same row blocks here until the first commits,
          // then finds the version moved on.
          written =
            expectedVersion === 0
              ? (
                  await run(
                    `INSERT INTO programmes (unit_id, patient, status, responsible_user_id, version, state, updated_at, programme_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (programme_id) DO NOTHING`,
                    columns,
                    'plus-programme-insert',
                  )
                ).rowCount
              : (
                  await run(
                    `UPDATE programmes SET unit_id = $1, patient = $2, status = $3, responsible_user_id = $4, version = $5, state = $6, updated_at = $7
                     WHERE programme_id = $8 AND version = $9`,
                    [...columns, expectedVersion],
                    'plus-programme-update',
                  )
                ).rowCount
        } catch (error) {
          // A second open programme for the patient in the unit (a new one, or an accepted handover).
          if (isViolation(error, '23505', 'programmes_one_open_per_unit')) throw new OpenProgrammeExists(programmeId)
          throw error
        }
        if (written !== 1) {
          const { rows } = await run('SELECT version FROM programmes WHERE programme_id = $1', [programmeId])
          throw new ConcurrencyConflict(programmeId, expectedVersion, rows[0] ? Number(rows[0].version) : null)
        }
        await run(
          `INSERT INTO programme_events (programme_id, seq, type, at, event)
           SELECT $1, e.seq, e.type, e.at, e.event::json FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS e (seq, type, at, event)`,
          [programmeId, events.map((_, i) => expectedVersion + i + 1), events.map((e) => e.type), events.map((e) => e.at), events.map((e) => JSON.stringify(e))],
          'plus-events-insert',
        )
        await replaceFlagSchedule(run, programmeId, schedule)
      })
    },

    async readEvents(programmeId) {
      const { rows } = await exec('SELECT event::text AS event FROM programme_events WHERE programme_id = $1 ORDER BY seq', [programmeId])
      return rows.map((row) => JSON.parse(String(row.event)) as ProgrammeEvent)
    },

    async listProgrammes(filter) {
      const where = programmeWhere(filter)
      if (where === null) return []
      const { rows } = await exec(`SELECT state::text AS state FROM programmes ${where.sql} ORDER BY programme_id`, where.params)
      return rows
        .map((row) => JSON.parse(String(row.state)) as ProgrammeState)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.programmeId.localeCompare(b.programmeId))
    },

    async listProgrammePage(filter, after, limit) {
      const where = programmeWhere(filter, after)
      if (where === null) return []
      const { rows } = await exec(`SELECT state::text AS state FROM programmes ${where.sql} ORDER BY programme_id LIMIT $${where.params.length + 1}`, [
        ...where.params,
        Math.max(0, Math.floor(limit)),
      ])
      return rows.map((row) => JSON.parse(String(row.state)) as ProgrammeState)
    },

    async deleteProgramme(programmeId) {
      await atomic(async (run) => {
        // Children first, explicitly, rather than trusting every store to cascade.
        for (const table of ['outbox', 'flag_schedule', 'programme_events', 'idempotency', 'programmes']) {
          await run(`DELETE FROM ${table} WHERE programme_id = $1`, [programmeId])
        }
      })
    },

    async recordPurge(programmeId, unitId, at) {
      await exec('INSERT INTO purge_ledger (programme_id, unit_id, purged_at, compacted_at) VALUES ($1, $2, $3, NULL) ON CONFLICT DO NOTHING', [programmeId, unitId, at])
    },

    async purgeRecord(programmeId) {
      const { rows } = await exec('SELECT unit_id, purged_at, compacted_at FROM purge_ledger WHERE programme_id = $1', [programmeId])
      const row = rows[0]
      return row ? { unitId: String(row.unit_id), purgedAt: String(row.purged_at), compactedAt: text(row.compacted_at) } : null
    },

    async wasPurged(programmeId) {
      return (await exec('SELECT 1 FROM purge_ledger WHERE programme_id = $1', [programmeId])).rows.length > 0
    },

    async hasUnfinishedPurge() {
      return (await exec('SELECT 1 FROM purge_ledger WHERE compacted_at IS NULL LIMIT 1', [], 'plus-unfinished-purge')).rows.length > 0
    },

    async getIdempotent(scope, key) {
      const { rows } = await exec('SELECT request_hash, result FROM idempotency WHERE scope = $1 AND key = $2', [scope, key], 'plus-idempotency-get')
      const row = rows[0]
      return row ? { requestHash: String(row.request_hash), result: String(row.result) } : null
    },

    async putIdempotent(entry) {
      // ON CONFLICT rather than a unique violation: a concurrent retry waits for the first
      // transaction, then finds the key, and the enclosing transaction stays usable.
      const { rowCount } = await exec(
        'INSERT INTO idempotency (scope, key, request_hash, programme_id, result, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [entry.scope, entry.key, entry.requestHash, entry.programmeId, entry.result, entry.at],
        'plus-idempotency-put',
      )
      if (rowCount !== 1) throw new IdempotencyKeyExists()
    },

    async updateIdempotent(scope, key, result) {
      await exec('UPDATE idempotency SET result = $1 WHERE scope = $2 AND key = $3', [result, scope, key])
    },

    async createUnit(unit, at) {
      await exec('INSERT INTO units (unit_id, name, created_at) VALUES ($1, $2, $3)', [unit.unitId, unit.name, at])
    },

    async getUnit(unitId) {
      const { rows } = await exec('SELECT unit_id, name FROM units WHERE unit_id = $1', [unitId], 'plus-get-unit')
      const row = rows[0]
      return row ? { unitId: String(row.unit_id), name: String(row.name) } : null
    },

    async rolesOf(userId, unitId) {
      const { rows } = await exec('SELECT role FROM role_grants WHERE user_id = $1 AND unit_id = $2 ORDER BY role', [userId, unitId], 'plus-roles-of')
      return rows.map((row) => row.role).filter(isRole)
    },

    async unitRoles(unitId) {
      const { rows } = await exec('SELECT unit_id, user_id, role, granted_at, granted_by FROM role_grants WHERE unit_id = $1 ORDER BY user_id, role', [unitId])
      return rows.map((row) => ({
        unitId: String(row.unit_id),
        userId: String(row.user_id),
        role: row.role as Role,
        grantedAt: String(row.granted_at),
        grantedBy: String(row.granted_by),
      }))
    },

    async grantRole(grant) {
      await exec('INSERT INTO role_grants (unit_id, user_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)', [
        grant.unitId,
        grant.userId,
        grant.role,
        grant.grantedAt,
        grant.grantedBy,
      ])
    },

    async withdrawRole(unitId, userId, role) {
      await exec('DELETE FROM role_grants WHERE unit_id = $1 AND user_id = $2 AND role = $3', [unitId, userId, role])
    },

    async recordStaffIdentity(userId, personnummer, at) {
      await exec('INSERT INTO staff_identities (user_id, personnummer, first_seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, personnummer, at], 'plus-staff-identity')
    },

    async staffPersonnummer(userId) {
      const { rows } = await exec('SELECT personnummer FROM staff_identities WHERE user_id = $1', [userId], 'plus-staff-personnummer')
      return rows[0] ? String(rows[0].personnummer) : null
    },

    async getPreferences(userId) {
      const { rows } = await exec('SELECT email, sms FROM notification_preferences WHERE user_id = $1', [userId], 'plus-preferences')
      const row = rows[0]
      return row ? { email: row.email === true, sms: row.sms === true } : { ...DEFAULT_PREFERENCES }
    },

    async setPreferences(userId, preferences) {
      await exec(
        `INSERT INTO notification_preferences (user_id, email, sms) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, sms = excluded.sms`,
        [userId, preferences.email, preferences.sms],
      )
    },

    async recordFlagDelivery(key, at) {
      // One statement: the key's scheduled row turns into a delivered one (delivered_at, no due
      // day), or a key not scheduled gets a delivered row. Exactly once: the update happens only
      // while delivered_at is NULL; a concurrent delivery of the same key waits for the row, sees
      // it delivered and does nothing.
      const { rows } = await exec(
        `WITH delivered AS (
           INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, delivered_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (programme_id, flag_id, module_id, occurrence) DO UPDATE SET due_on = NULL, until = NULL, delivered_at = excluded.delivered_at
             WHERE flag_schedule.delivered_at IS NULL
           RETURNING 1)
         SELECT count(*)::int AS n FROM delivered`,
        [key.programmeId, key.flagId, key.moduleId, key.occurrence, at],
        'plus-flag-delivery',
      )
      return Number(rows[0]?.n) === 1
    },

    async deliverFlags(deliveries) {
      if (deliveries.length === 0) return []
      // One statement for the whole batch: the deliveries (each key's schedule row gets
      // delivered_at while it is NULL, as in recordFlagDelivery: a concurrent delivery of a key
      // waits for the row, then does nothing), and the outbox rows and audit entries of the
      // deliveries that were new (the first of a key given twice), in the order given. A key given
      // twice goes to the upsert once (its first delivery): ON CONFLICT DO UPDATE refuses to
      // affect a row twice in one statement. The upsert goes in key order, so two instances
      // delivering overlapping batches lock the rows in the same order (one waits, no deadlock).
      const outbox = deliveries.flatMap((d, i) => d.outbox.map((m) => ({ m, n: i + 1 })))
      const audits = deliveries.map((d) => d.audit)
      const { rows } = await exec(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
             WITH ORDINALITY AS i (programme_id, flag_id, module_id, occurrence, delivered_at, n)),
         delivered AS (
           INSERT INTO flag_schedule AS s (programme_id, flag_id, module_id, occurrence, delivered_at)
           SELECT programme_id, flag_id, module_id, occurrence, delivered_at
           FROM (SELECT DISTINCT ON (programme_id, flag_id, module_id, occurrence) * FROM input
                 ORDER BY programme_id, flag_id, module_id, occurrence, n) first
           ORDER BY programme_id, flag_id, module_id, occurrence
           ON CONFLICT (programme_id, flag_id, module_id, occurrence) DO UPDATE SET due_on = NULL, until = NULL, delivered_at = excluded.delivered_at
             WHERE s.delivered_at IS NULL
           RETURNING programme_id, flag_id, module_id, occurrence),
         new AS (
           SELECT min(i.n) AS n FROM input i JOIN delivered d USING (programme_id, flag_id, module_id, occurrence)
           GROUP BY i.programme_id, i.flag_id, i.module_id, i.occurrence),
         outboxed AS (
           INSERT INTO outbox (outbox_id, created_at, programme_id, flag_id, recipient, recipient_ref, channel, title, text, sent_at)
           SELECT o.outbox_id, o.created_at, o.programme_id, o.flag_id, o.recipient, o.recipient_ref, o.channel, o.title, o.text, o.sent_at
           FROM unnest($6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
             WITH ORDINALITY AS o (delivery, outbox_id, created_at, programme_id, flag_id, recipient, recipient_ref, channel, title, text, sent_at, k)
           WHERE o.delivery IN (SELECT n FROM new)
           ORDER BY o.k),
         audited AS (
           INSERT INTO audit_log (at, actor_kind, actor_id, actor_personnummer, unit_id, programme_id, patient, programme_status,
             actor_responsible, action, access, outcome, refusal_code, export_format, row_count)
           SELECT a.at, a.actor_kind, a.actor_id, a.actor_personnummer, a.unit_id, a.programme_id, a.patient, a.programme_status,
             a.actor_responsible, a.action, a.access, a.outcome, a.refusal_code, a.export_format, a.row_count
           FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[],
                       $25::boolean[], $26::text[], $27::text[], $28::text[], $29::text[], $30::text[], $31::int[])
             WITH ORDINALITY AS a (at, actor_kind, actor_id, actor_personnummer, unit_id, programme_id, patient, programme_status,
               actor_responsible, action, access, outcome, refusal_code, export_format, row_count, n)
           WHERE a.n IN (SELECT n FROM new)
           ORDER BY a.n)
         SELECT n FROM new`,
        [
          deliveries.map((d) => d.key.programmeId),
          deliveries.map((d) => d.key.flagId),
          deliveries.map((d) => d.key.moduleId),
          deliveries.map((d) => d.key.occurrence),
          deliveries.map((d) => d.at),
          outbox.map((o) => o.n),
          outbox.map((o) => o.m.outboxId),
          outbox.map((o) => o.m.createdAt),
          outbox.map((o) => o.m.programmeId),
          outbox.map((o) => o.m.flagId),
          outbox.map((o) => o.m.recipient),
          outbox.map((o) => o.m.recipientRef),
          outbox.map((o) => o.m.channel),
          outbox.map((o) => o.m.title),
          outbox.map((o) => o.m.text),
          outbox.map((o) => o.m.sentAt),
          audits.map((e) => e.at),
          audits.map((e) => e.actorKind),
          audits.map((e) => e.actorId),
          audits.map((e) => e.actorPersonnummer),
          audits.map((e) => e.unitId),
          audits.map((e) => e.programmeId),
          audits.map((e) => e.patient),
          audits.map((e) => e.programmeStatus),
          audits.map((e) => e.actorResponsible),
          audits.map((e) => e.action),
          audits.map((e) => e.access),
          audits.map((e) => e.outcome),
          audits.map((e) => e.refusalCode),
          audits.map((e) => e.exportFormat ?? null),
          audits.map((e) => e.rowCount ?? null),
        ],
        'plus-flag-deliveries',
      )
      const fresh = new Set(rows.map((row) => Number(row.n)))
      return deliveries.map((_, i) => fresh.has(i + 1))
    },

    async hasFlagDelivery(key) {
      const { rows } = await exec(
        'SELECT 1 FROM flag_schedule WHERE programme_id = $1 AND flag_id = $2 AND module_id = $3 AND occurrence = $4 AND delivered_at IS NOT NULL',
        [key.programmeId, key.flagId, key.moduleId, key.occurrence],
        'plus-has-flag-delivery',
      )
      return rows.length > 0
    },

    async replaceFlagSchedule(programmeId, schedule) {
      await atomic((run) => replaceFlagSchedule(run, programmeId, schedule))
    },

    async listScheduledFlagKeys(programmeIds) {
      if (programmeIds.length === 0) return []
      const { rows } = await exec(
        `SELECT programme_id, flag_id, module_id, occurrence FROM flag_schedule
         WHERE programme_id = ANY($1::text[]) AND delivered_at IS NULL
         ORDER BY programme_id, flag_id, module_id, occurrence`,
        [[...programmeIds]],
        'plus-scheduled-keys',
      )
      return rows.map(keyFromRow)
    },

    async listDueFlagKeys(today) {
      const { rows } = await exec(
        `SELECT programme_id, flag_id, module_id, occurrence FROM flag_schedule
         WHERE due_on <= $1 AND (until IS NULL OR until > $1) AND delivered_at IS NULL
         ORDER BY programme_id, flag_id, module_id, occurrence`,
        [today],
      )
      return rows.map(keyFromRow)
    },

    async claimDueProgrammes(today, after, limit) {
      // Keyset paging: each programme once per sweep, even those whose keys stay scheduled
      // (waiting for a responsible clinician). Rows another instance (or a running command)
      // holds are skipped: that instance delivers them, or the next sweep does. NO KEY UPDATE is
      // the lock a command's UPDATE takes, so the two exclude each other, while inserts that only
      // reference the programme (deliveries, outbox rows: a foreign key's KEY SHARE) need not wait.
      // Two statements rather than `$2 IS NULL OR …`, so that a generic plan still reads the
      // primary key's index from `after` on.
      // The due programmes come from the schedule's due_on index (a few thousand keys), and only
      // they are read from programmes by primary key: an EXISTS over programmes in id order read
      // (and locked the way to) every programme's row, due or not, most of the claim's time.
      // LIMIT stays outside, after SKIP LOCKED, so a short page still means the end.
      const { rows } = await exec(
        `SELECT p.state::text AS state
         FROM (SELECT DISTINCT s.programme_id FROM flag_schedule s
               WHERE s.due_on <= $1 AND (s.until IS NULL OR s.until > $1) AND s.delivered_at IS NULL${after === null ? '' : ' AND s.programme_id > $3'}) d
         JOIN programmes p ON p.programme_id = d.programme_id
         ORDER BY p.programme_id
         LIMIT $2
         FOR NO KEY UPDATE OF p SKIP LOCKED`,
        after === null ? [today, Math.max(0, Math.floor(limit))] : [today, Math.max(0, Math.floor(limit)), after],
        after === null ? 'plus-claim-due-first' : 'plus-claim-due-after',
      )
      return rows.map((row) => JSON.parse(String(row.state)) as ProgrammeState)
    },

    async getFlagScheduleBasis() {
      const { rows } = await exec("SELECT value FROM engine_meta WHERE key = 'flag-schedule-basis'")
      return rows[0] ? String(rows[0].value) : null
    },

    async setFlagScheduleBasis(basis) {
      await exec(
        `INSERT INTO engine_meta (key, value) VALUES ('flag-schedule-basis', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [basis],
      )
    },

    async addOutbox(m) {
      await exec(
        `INSERT INTO outbox (outbox_id, created_at, programme_id, flag_id, recipient, recipient_ref, channel, title, text, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [m.outboxId, m.createdAt, m.programmeId, m.flagId, m.recipient, m.recipientRef, m.channel, m.title, m.text, m.sentAt],
        'plus-outbox-add',
      )
    },

    async listOutbox(options = {}) {
      const where = options.unsentOnly ? 'WHERE sent_at IS NULL' : ''
      const { rows } = await exec(`SELECT * FROM outbox ${where} ORDER BY created_at, added`)
      return rows.map(outboxFromRow)
    },

    async getOutbox(outboxId) {
      const { rows } = await exec('SELECT * FROM outbox WHERE outbox_id = $1', [outboxId])
      return rows[0] ? outboxFromRow(rows[0]) : null
    },

    async markOutboxSent(outboxId, at) {
      await exec('UPDATE outbox SET sent_at = $1 WHERE outbox_id = $2 AND sent_at IS NULL', [at, outboxId])
    },

    async appendAudit(e: AuditEntry) {
      await exec(
        `INSERT INTO audit_log (at, actor_kind, actor_id, actor_personnummer, unit_id, programme_id, patient, programme_status,
           actor_responsible, action, access, outcome, refusal_code, export_format, row_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          e.at,
          e.actorKind,
          e.actorId,
          e.actorPersonnummer,
          e.unitId,
          e.programmeId,
          e.patient,
          e.programmeStatus,
          e.actorResponsible,
          e.action,
          e.access,
          e.outcome,
          e.refusalCode,
          e.exportFormat ?? null,
          e.rowCount ?? null,
        ],
        'plus-audit-append',
      )
    },

    async listAudit(filter = {}) {
      const where: string[] = []
      const params: unknown[] = []
      const equals: [string, string | undefined][] = [
        ['programme_id', filter.programmeId],
        ['patient', filter.patient],
        ['unit_id', filter.unitId],
      ]
      for (const [column, value] of equals) {
        if (value === undefined) continue
        params.push(value)
        where.push(`${column} = $${params.length}`)
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
      if (filter.programmeId === undefined) {
        const { rows } = await exec(`SELECT * FROM audit_log ${clause} ORDER BY seq`, params)
        return rows.map(auditFromRow)
      }
      // audit_by_programme leaves out the flag deliveries that name their patient (migration 2):
      // those are read through the patient index, for the patients the programme's indexed
      // entries name. $1 is the programme.
      const { rows } = await exec(
        `SELECT * FROM audit_log ${clause} AND ${AUDIT_BY_PROGRAMME_WHERE}
         UNION ALL
         SELECT * FROM audit_log ${clause} AND ${AUDIT_BY_PATIENT_ONLY}
           AND patient IN (SELECT patient FROM audit_log WHERE programme_id = $1 AND ${AUDIT_BY_PROGRAMME_WHERE} AND patient IS NOT NULL)
         ORDER BY seq`,
        params,
      )
      return rows.map(auditFromRow)
    },

    async saveBundle(bundle: PlusBundle, contentHash: string, at: string) {
      const version = bundle.programme.version
      const known = async () => (await exec('SELECT content_hash FROM bundles WHERE version = $1', [version])).rows[0]
      const before = await known()
      if (before) return before.content_hash === contentHash ? 'known' : 'conflict'
      // Two instances adopting the same new bundle at once: one inserts, the other compares.
      const { rowCount } = await exec('INSERT INTO bundles (version, content_hash, json, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT (version) DO NOTHING', [
        version,
        contentHash,
        JSON.stringify(bundle),
        at,
      ])
      if (rowCount === 1) return 'saved'
      return (await known())?.content_hash === contentHash ? 'known' : 'conflict'
    },

    async loadBundle(version) {
      const { rows } = await exec('SELECT json FROM bundles WHERE version = $1', [version])
      return json<PlusBundle>(rows[0], 'json')
    },
  }
  return self
}

/** The WHERE clause of a programme filter (and an id to start after), or null when nothing can match. */
function programmeWhere(filter: ProgrammeFilter, after: string | null = null): { sql: string; params: unknown[] } | null {
  const where: string[] = []
  const params: unknown[] = []
  const equals: [string, string | undefined][] = [
    ['unit_id', filter.unitId],
    ['responsible_user_id', filter.responsibleUserId],
    ['patient', filter.patient],
  ]
  for (const [column, value] of equals) {
    if (value === undefined) continue
    params.push(value)
    where.push(`${column} = $${params.length}`)
  }
  if (filter.statuses !== undefined) {
    if (filter.statuses.length === 0) return null
    params.push([...filter.statuses])
    where.push(`status = ANY ($${params.length}::text[])`)
  }
  if (filter.contentVersionNot !== undefined) {
    // Read in the server, so the programmes already on that version are never sent here.
    params.push(filter.contentVersionNot)
    where.push(`(state::json ->> 'contentVersion') IS DISTINCT FROM $${params.length}`)
  }
  if (after !== null) {
    params.push(after)
    where.push(`programme_id > $${params.length}`)
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
}
