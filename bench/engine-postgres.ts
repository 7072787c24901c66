// The engine benchmark's PostgreSQL part: the same population as the SQLite benchmark
// (bench/engine.ts), copied into a throwaway cluster (test/support/postgres.ts) that runs with a
// production server's durable settings (fsync, synchronous_commit, full_page_writes on); then the
// flag sweep at SWEEP_AT by one engine instance, several times, each by a new process on a fresh
// copy of the populated database (bench/engine-sweep.ts says why), and by two instances in two
// processes sharing the work on another fresh copy.
//
// Populating: every table of the populated SQLite files is copied with multi-row inserts, 1,000
// rows a statement (`INSERT … SELECT … FROM unnest($1::text[], …)`), never a round trip per row.
// The copy is the SQLite population itself (written through the store interface), so both stores
// sweep the same programmes, schedules, deliveries, outbox and audit rows.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { DatabaseSync, type SQLInputValue } from 'node:sqlite'
import pg from 'pg'
import { postgresUnavailable, startPostgres, type PostgresCluster } from '../test/support/postgres.ts'
import { median, sweepInProcesses, sweepProblems, type SweepRun } from './engine-sweep.ts'

export { postgresUnavailable }

/** Rows per insert statement while copying. */
const ROWS_PER_STATEMENT = 1000

/** A PostgreSQL sweep run: the process's figures, and what the server did meanwhile. */
export interface PostgresSweepRun extends SweepRun {
  /** WAL the server wrote during the run (pg_current_wal_lsn before and after; compare max_wal_size). */
  walBytes: number
  /**
   * CPU time of the server's processes (user + system: backends, the checkpointer, the WAL writer,
   * …) from the start signal until the sweep's backends have exited; null without /proc.
   */
  serverCpuMs: number | null
}

/** What the PostgreSQL part measured. */
export interface PostgresBenchResult {
  /** Copying the populated SQLite files into PostgreSQL (multi-row inserts). */
  populateMs: number
  /** Database size after the copy and ANALYZE. */
  dbBytes: number
  /** The median wall time of the one-instance runs (`sweepRuns`): the figure set against the target. */
  sweepMs: number
  /** The median CPU time of the sweep processes (the client side; the server's work is not in it). */
  sweepCpuMs: number
  /** The median CPU time of the server's processes during the runs (PostgresSweepRun.serverCpuMs); null without /proc. */
  sweepServerCpuMs: number | null
  /** Every one-instance sweep, each by a new process on a fresh copy of the populated database. */
  sweepRuns: PostgresSweepRun[]
  /** Flags the first run delivered. */
  sweepDelivered: number
  /** Runs that delivered another count than the first, or reported failed flags; empty when all is well. */
  sweepProblems: string[]
  /** Two processes sweeping one database (another fresh copy) at once: wall time from the start signal to both done. */
  twoMs: number
  /** Flags each of the two delivered. */
  twoDelivered: number[]
  /** Flags each of the two reported failed. */
  twoFailed: number[]
  /** Each process's own sweep time. */
  twoEachMs: number[]
  /** Delivered flags' audit entries in the database after the two sweeps, against before (one per flag: each flag once). */
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
 * Starts a durable throwaway cluster in `dir` and copies the populated SQLite store into one
 * database; then sweeps it `runs` times with one instance, each time on a fresh copy of that
 * database by a new process, and once with two processes on another fresh copy.
 */
export async function benchPostgres(options: { sqlitePath: string; auditPath: string; dir: string; sweepAt: string; bundlePath: string; runs: number }): Promise<PostgresBenchResult> {
  const cluster = await startPostgres({ durable: true, parentDir: options.dir })
  try {
    const admin = new pg.Client(cluster.connection)
    await admin.connect()
    try {
      const settings: Record<string, string> = {}
      for (const name of ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'max_wal_size', 'checkpoint_timeout']) {
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

      /**
       * A fresh copy of bench_base (which has no connection now: the template must have none),
       * file by file; then a checkpoint, so every run starts from the same server state and no
       * timed checkpoint falls inside a sweep. Returns the copy's URL; `drop` removes it.
       */
      const copies = new Set<string>()
      const fresh = async (name: string): Promise<string> => {
        copies.add(name)
        await admin.query(`CREATE DATABASE ${name} TEMPLATE bench_base STRATEGY file_copy`)
        await admin.query('CHECKPOINT')
        return databaseUrl(cluster, name)
      }
      const drop = async (name: string): Promise<void> => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        copies.delete(name)
      }
      /** The server's WAL position. */
      const walNow = async (): Promise<string> => String((await admin.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn)
      const walSince = async (lsn: string): Promise<number> => Number((await admin.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS n', [lsn])).rows[0]?.n)
      // The server's processes are the postmaster's children; the postmaster is our backend's parent.
      const postmaster = parentPid(Number((await admin.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid))
      /** Waits (up to 10 s) until no backend is connected to `database`, so its CPU time has reached the postmaster's count. */
      const gone = async (database: string): Promise<void> => {
        for (let waited = 0; waited < 10_000; waited += 20) {
          if (Number((await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0]?.n) === 0) return
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }
      const target = (database: string) => ({ store: 'postgres' as const, database, sweepAt: options.sweepAt, bundlePath: options.bundlePath })

      try {
        // One instance, `runs` times.
        const sweepRuns: PostgresSweepRun[] = []
        for (let i = 1; i <= options.runs; i++) {
          const url = await fresh(`bench_one_${i}`)
          let before = ''
          let cpuBefore: number | null = null
          const { workers } = await sweepInProcesses(target(url), 1, async () => {
            before = await walNow()
            cpuBefore = processTreeCpuMs(postmaster)
          })
          await gone(`bench_one_${i}`)
          const cpuAfter = processTreeCpuMs(postmaster)
          const serverCpuMs = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null
          for (const run of workers) sweepRuns.push({ ...run, walBytes: await walSince(before), serverCpuMs })
          await drop(`bench_one_${i}`)
        }

        // Two processes, each an engine with its own pool, on one database.
        const two = await fresh('bench_two')
        // Deliveries counted by their audit entries (one per delivered flag), whatever table keeps them.
        const count = async (): Promise<number> => {
          const client = new pg.Client({ ...cluster.connection, database: 'bench_two' })
          await client.connect()
          try {
            return Number((await client.query("SELECT count(*) AS n FROM audit_log WHERE action = 'deliver-flag' AND access = 'write'")).rows[0]?.n)
          } finally {
            await client.end()
          }
        }
        const before = await count()
        const shared = await sweepInProcesses(target(two), 2)
        const twoNewRows = (await count()) - before
        await drop('bench_two')

        return {
          populateMs,
          dbBytes,
          sweepMs: median(sweepRuns.map((r) => r.ms)),
          sweepCpuMs: median(sweepRuns.map((r) => r.cpuMs)),
          sweepServerCpuMs: sweepRuns.every((r) => r.serverCpuMs !== null) ? median(sweepRuns.map((r) => r.serverCpuMs ?? 0)) : null,
          sweepRuns,
          sweepDelivered: sweepRuns[0]?.delivered ?? 0,
          sweepProblems: sweepProblems(sweepRuns),
          twoMs: shared.wallMs,
          twoDelivered: shared.workers.map((w) => w.delivered),
          twoFailed: shared.workers.map((w) => w.failed),
          twoEachMs: shared.workers.map((w) => w.ms),
          twoNewRows,
          settings,
          dataDir,
        }
      } finally {
        for (const name of [...copies]) await drop(name).catch(() => undefined)
      }
    } finally {
      await admin.end()
    }
  } finally {
    await cluster.stop()
  }
}

/** A process's parent (Linux /proc); 0 when unknown. */
function parentPid(pid: number): number {
  try {
    return Number(/^PPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

let clockTicks: number | undefined
/**
 * CPU time (user + system) of a process and its children, those running now and those it has
 * reaped (Linux /proc, in milliseconds); null elsewhere. For the postmaster: the whole server,
 * backends that came and went included.
 */
function processTreeCpuMs(root: number): number | null {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    /** Fields after the command name: state, ppid, …; utime, stime, cutime, cstime are the 12th to 15th. */
    const stat = (pid: string | number): string[] => {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return text.slice(text.lastIndexOf(')') + 2).split(' ')
    }
    const own = stat(root)
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      let fields: string[]
      try {
        fields = stat(entry)
      } catch {
        continue // gone meanwhile: reaped, so counted in the root's children's time
      }
      if (Number(fields[1]) === root) ticks += Number(fields[11]) + Number(fields[12])
    }
    return (ticks * 1000) / clockTicks
  } catch {
    return null
  }
}

function databaseUrl(cluster: PostgresCluster, database: string): string {
  const { host, port, user } = cluster.connection
  return `postgresql://${user}@/${database}?host=${encodeURIComponent(host)}&port=${port}`
}
