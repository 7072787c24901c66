// The engine benchmark's PostgreSQL part: the same population as the SQLite benchmark
// (bench/engine.ts), copied into a throwaway cluster (test/support/postgres.ts) that runs with a
// production server's durable settings (fsync, synchronous_commit, full_page_writes on); then the
// flag sweep at SWEEP_AT by one engine instance, and by two instances in two processes sharing the
// work on another copy of the same database.
//
// Populating: every table of the populated SQLite files is copied with multi-row inserts, 1,000
// rows a statement (`INSERT … SELECT … FROM unnest($1::text[], …)`), never a round trip per row.
// The copy is the SQLite population itself (written through the store interface), so both stores
// sweep the same programmes, schedules, deliveries, outbox and audit rows.
import { spawn } from 'node:child_process'
import { DatabaseSync, type SQLInputValue } from 'node:sqlite'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { postgresUnavailable, startPostgres, type PostgresCluster } from '../test/support/postgres.ts'
import { createEngine } from '../src/engine/index.ts'
import type { PlusBundle } from '../src/types/bundle.generated.ts'

export { postgresUnavailable }

/** Rows per insert statement while copying. */
const ROWS_PER_STATEMENT = 1000

/** What the PostgreSQL part measured. */
export interface PostgresBenchResult {
  /** Copying the populated SQLite files into PostgreSQL (multi-row inserts). */
  populateMs: number
  /** Database size after the copy and ANALYZE. */
  dbBytes: number
  /** One engine instance's `deliverDueFlags()`. */
  sweepMs: number
  sweepDelivered: number
  /** Two processes sweeping one database at once: wall time from the start signal to both done. */
  twoMs: number
  /** Flags each of the two delivered. */
  twoDelivered: number[]
  /** Each process's own sweep time. */
  twoEachMs: number[]
  /** Deliveries in the database after the two sweeps, against before (each flag once). */
  twoNewRows: number
  /** The server's settings, read back from it. */
  settings: Record<string, string>
  /** Where the cluster's files are. */
  dataDir: string
}

/** Tables in an order that satisfies the foreign keys; columns come from PostgreSQL's catalogue. */
const TABLES: { name: string; from: 'main' | 'audit'; skip?: string }[] = [
  { name: 'units', from: 'main' },
  { name: 'role_grants', from: 'main' },
  { name: 'notification_preferences', from: 'main' },
  { name: 'staff_identities', from: 'main' },
  // audit-txn counts SQLite's transactions across its two files; PostgreSQL has no such gap.
  { name: 'engine_meta', from: 'main', skip: "key <> 'audit-txn'" },
  { name: 'bundles', from: 'main' },
  { name: 'programmes', from: 'main' },
  { name: 'programme_events', from: 'main' },
  { name: 'flag_schedule', from: 'main' },
  { name: 'outbox', from: 'main' },
  { name: 'idempotency', from: 'main' },
  { name: 'purge_ledger', from: 'main' },
  { name: 'audit_log', from: 'audit' },
]

/** Copies every table of a populated SQLite store into a migrated, empty PostgreSQL database. */
export async function copyFromSqlite(sqlitePath: string, auditPath: string, client: pg.Client): Promise<void> {
  const db = new DatabaseSync(sqlitePath, { readOnly: true })
  db.prepare('ATTACH DATABASE ? AS audit').run(auditPath)
  try {
    await client.query('BEGIN')
    for (const table of TABLES) {
      const { rows: columns } = await client.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'NO' AND column_default IS NULL
         ORDER BY ordinal_position`,
        [table.name],
      )
      const names = columns.map((c) => c.column_name)
      const sql = `INSERT INTO ${table.name} (${names.join(', ')})
        SELECT ${columns.map((c) => `u.${c.column_name}::${c.data_type}`).join(', ')}
        FROM unnest(${columns.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u (${names.join(', ')})`
      const select = db.prepare(`SELECT ${names.join(', ')} FROM ${table.from}.${table.name} ${table.skip ? `WHERE ${table.skip}` : ''}`)
      const batch: (string | null)[][] = names.map(() => [])
      const flush = async (): Promise<void> => {
        if (batch[0]!.length === 0) return
        await client.query({ name: `copy-${table.name}`, text: sql, values: batch })
        for (const column of batch) column.length = 0
      }
      for (const row of select.iterate() as Iterable<Record<string, SQLInputValue>>) {
        columns.forEach((c, i) => batch[i]!.push(asText(row[c.column_name], c.data_type)))
        if (batch[0]!.length === ROWS_PER_STATEMENT) await flush()
      }
      await flush()
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    db.close()
  }
}

/** A SQLite value as the text PostgreSQL casts to the column's type (SQLite keeps booleans as 0/1). */
function asText(value: SQLInputValue | undefined, type: string): string | null {
  if (value === null || value === undefined) return null
  if (type === 'boolean') return Number(value) === 1 ? 'true' : 'false'
  return String(value)
}

/**
 * Starts a durable throwaway cluster in `dir`, copies the populated SQLite store into it, and
 * runs the sweep with one instance, then with two processes on a fresh copy.
 */
export async function benchPostgres(options: { sqlitePath: string; auditPath: string; dir: string; sweepAt: string; bundle: PlusBundle }): Promise<PostgresBenchResult> {
  const cluster = await startPostgres({ durable: true, parentDir: options.dir })
  try {
    const admin = new pg.Client(cluster.connection)
    await admin.connect()
    try {
      const settings: Record<string, string> = {}
      for (const name of ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers']) {
        settings[name] = String((await admin.query(`SHOW ${name}`)).rows[0]?.[name])
      }
      const dataDir = String((await admin.query('SHOW data_directory')).rows[0]?.data_directory)

      // The populated database: migrated by the store, filled by the copy, then analysed (as
      // autovacuum would have done long before a morning sweep).
      await admin.query('CREATE DATABASE bench_base')
      const base = databaseUrl(cluster, 'bench_base')
      const { openPostgresStore } = await import('../src/engine/store/postgres.ts')
      await (await openPostgresStore({ connectionString: base })).close()
      const populateStart = performance.now()
      const copier = new pg.Client({ ...cluster.connection, database: 'bench_base' })
      await copier.connect()
      try {
        await copyFromSqlite(options.sqlitePath, options.auditPath, copier)
        await copier.query('VACUUM (ANALYZE)')
      } finally {
        await copier.end()
      }
      const populateMs = performance.now() - populateStart
      const dbBytes = Number((await admin.query("SELECT pg_database_size('bench_base') AS n")).rows[0]?.n)

      // One instance.
      await admin.query('CREATE DATABASE bench_one TEMPLATE bench_base')
      const one = await sweepOnce(databaseUrl(cluster, 'bench_one'), options.bundle, options.sweepAt)
      await admin.query('DROP DATABASE bench_one WITH (FORCE)')

      // Two processes, each an engine with its own pool, on one database.
      await admin.query('CREATE DATABASE bench_two TEMPLATE bench_base')
      const two = databaseUrl(cluster, 'bench_two')
      const count = async (): Promise<number> => {
        const client = new pg.Client({ ...cluster.connection, database: 'bench_two' })
        await client.connect()
        try {
          return Number((await client.query('SELECT count(*) AS n FROM flag_schedule WHERE delivered_at IS NOT NULL')).rows[0]?.n)
        } finally {
          await client.end()
        }
      }
      const before = await count()
      const shared = await sweepInProcesses(two, options.sweepAt, 2)
      const twoNewRows = (await count()) - before
      await admin.query('DROP DATABASE bench_two WITH (FORCE)')

      return {
        populateMs,
        dbBytes,
        sweepMs: one.ms,
        sweepDelivered: one.delivered,
        twoMs: shared.wallMs,
        twoDelivered: shared.workers.map((w) => w.delivered),
        twoEachMs: shared.workers.map((w) => w.ms),
        twoNewRows,
        settings,
        dataDir,
      }
    } finally {
      await admin.end()
    }
  } finally {
    await cluster.stop()
  }
}

function databaseUrl(cluster: PostgresCluster, database: string): string {
  const { host, port, user } = cluster.connection
  return `postgresql://${user}@/${database}?host=${encodeURIComponent(host)}&port=${port}`
}

/** One sweep by an engine in this process. */
async function sweepOnce(url: string, bundle: PlusBundle, sweepAt: string): Promise<{ ms: number; delivered: number }> {
  const { openPostgresStore } = await import('../src/engine/store/postgres.ts')
  const store = await openPostgresStore({ connectionString: url, max: 2 })
  const engine = await createEngine({ store, bundle, clock: () => new Date(sweepAt) })
  try {
    const start = performance.now()
    const run = await engine.deliverDueFlags()
    const ms = performance.now() - start
    if (run.failed.length > 0) throw new Error(`${run.failed.length} flags failed in the PostgreSQL sweep`)
    return { ms, delivered: run.delivered.length }
  } finally {
    await engine.close()
  }
}

interface WorkerResult {
  ms: number
  delivered: number
  failed: number
}

/**
 * `n` processes (bench/engine-postgres-worker.ts), each with an engine on `url`: each says
 * `ready` once its engine is open, all get `go` at once, the wall time runs from `go` to the last
 * one's answer.
 */
async function sweepInProcesses(url: string, sweepAt: string, n: number): Promise<{ wallMs: number; workers: WorkerResult[] }> {
  const worker = fileURLToPath(new URL('./engine-postgres-worker.ts', import.meta.url))
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--max-semi-space-size=64', worker, url, sweepAt], { cwd: path.dirname(worker), stdio: ['pipe', 'pipe', 'inherit'] }),
  )
  const lines = children.map((child) => {
    child.stdout.setEncoding('utf8')
    let buffer = ''
    const waiting: ((line: string) => void)[] = []
    const queued: string[] = []
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        const next = waiting.shift()
        if (next) next(line)
        else queued.push(line)
      }
    })
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`a sweep worker exited (${code}) before it answered`))))
    exited.catch(() => undefined)
    return (): Promise<string> => Promise.race([new Promise<string>((resolve) => (queued.length ? resolve(queued.shift()!) : waiting.push(resolve))), exited])
  })
  try {
    for (const line of lines) if ((await line()) !== 'ready') throw new Error('a sweep worker did not get ready')
    const start = performance.now()
    for (const child of children) child.stdin.write('go\n')
    const workers = await Promise.all(
      lines.map(async (line) => {
        const result = JSON.parse(await line()) as WorkerResult
        return result
      }),
    )
    const wallMs = performance.now() - start
    if (workers.some((w) => w.failed > 0)) throw new Error('flags failed in a two-process sweep')
    return { wallMs, workers }
  } finally {
    for (const child of children) child.stdin.end()
  }
}
