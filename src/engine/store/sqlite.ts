// The default store: SQLite through node:sqlite. WAL journal, foreign keys on, full sync, and
// secure_delete so that deleted rows are overwritten; compact() rewrites the file after a purge.
// The audit log lives in its own file, attached as schema `audit` (audit-schema.ts).
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite'
import type { PlusBundle } from '../../types/bundle.generated.ts'
import type { ProgrammeEvent } from '../events.ts'
import { isRole, type Role } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import { AUDIT_BY_PATIENT_ONLY, AUDIT_BY_PROGRAMME_WHERE, AUDIT_MIGRATIONS, defaultAuditPath } from './audit-schema.ts'
import { MIGRATIONS, type Migration } from './migrations.ts'
import {
  type AuditEntry,
  ConcurrencyConflict,
  IdempotencyKeyExists,
  OpenProgrammeExists,
  type EngineStore,
  type FlagDelivery,
  type FlagDeliveryKey,
  type FlagScheduleEntry,
  type NotificationPreferences,
  type OutboxMessage,
  type ProgrammeFilter,
  type RoleGrant,
  type StoredAuditEntry,
  type StoreOperations,
  type StoreTransaction,
  type Unit,
} from './types.ts'
import { auditFromRow, keyFromRow, outboxFromRow } from './rows.ts'

/** Options for the SQLite store. */
export interface SqliteStoreOptions {
  /** A file path, or `:memory:` (tests). */
  path: string
  /** Migrations to apply; defaults to the engine's own. */
  migrations?: readonly Migration[]
  /**
   * The audit log's own file (see audit-schema.ts); defaults to the database's name with
   * `-audit` (`plus.db` → `plus-audit.db`), and to memory for an in-memory database.
   */
  auditPath?: string
  /**
   * The page cache of the connection, in MiB, for each of the two files (the database and the
   * audit file): at most twice this much memory. Default 16; SQLite's own default is 2, which the
   * flag sweep outgrows (each chunk changes a few thousand pages): at 100,000 programmes 16 MiB
   * read a third fewer pages from the files, and 64 MiB hardly fewer than 16.
   */
  cacheMiB?: number
}

/** The page cache per file when not given (SqliteStoreOptions.cacheMiB). */
export const DEFAULT_CACHE_MIB = 16

/** The schema version from which the log lives in the audit file (migration 6). */
const AUDIT_FILE_SINCE = 6

/** Used when a staff member has not chosen: e-mail only. */
export const DEFAULT_PREFERENCES: NotificationPreferences = { email: true, sms: false }

type Row = Record<string, SQLInputValue>

/** Opens (and migrates) a SQLite database file as an engine store. */
export function openSqliteStore(options: SqliteStoreOptions): EngineStore {
  const cacheMiB = options.cacheMiB ?? DEFAULT_CACHE_MIB
  if (typeof cacheMiB !== 'number' || !Number.isFinite(cacheMiB) || cacheMiB <= 0) throw new TypeError('cacheMiB must be a positive number of MiB')
  const db = new DatabaseSync(options.path)
  db.exec('PRAGMA foreign_keys = ON')
  db.exec('PRAGMA secure_delete = ON')
  db.exec('PRAGMA busy_timeout = 5000')
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = FULL')
  db.prepare('ATTACH DATABASE ? AS audit').run(options.auditPath ?? defaultAuditPath(options.path))
  db.exec('PRAGMA audit.journal_mode = WAL')
  db.exec('PRAGMA audit.synchronous = FULL')
  // Negative: in KiB rather than pages.
  const cacheKiB = Math.max(1, Math.round(cacheMiB * 1024))
  db.exec(`PRAGMA main.cache_size = -${cacheKiB}`)
  db.exec(`PRAGMA audit.cache_size = -${cacheKiB}`)
  // A database that has kept its log in the audit file (schema 6 on) must find it again: a
  // missing or empty file would silently start a new log and lose the old one.
  const mainVersion = Number((db.prepare('PRAGMA main.user_version').get() as Row).user_version)
  const auditVersion = Number((db.prepare('PRAGMA audit.user_version').get() as Row).user_version)
  if (mainVersion >= AUDIT_FILE_SINCE && auditVersion === 0) {
    db.close()
    throw new Error('The audit log file of this database is missing (see auditPath); restore it before opening the database')
  }
  migrateAudit(db)
  migrate(db, options.migrations ?? MIGRATIONS)

  /** Savepoint depth of the connection: 0 outside a transaction, 1 in a top-level one. */
  let depth = 0
  /**
   * The number of the current top-level transaction's audit entries, once it has written one.
   * SQLite commits the two files one after the other, so the programme database also counts the
   * transactions that wrote audit entries (engine_meta `audit-txn`); on open, a count ahead of the
   * audit file's last number means a crash fell between the two commits (see reportAuditGap).
   */
  let auditTxn: number | null = null

  /** Opens a transaction (depth 0) or a savepoint; returns the savepoint's name, or null. */
  const begin = (): string | null => {
    const savepoint = depth === 0 ? null : `sp${depth}`
    db.exec(savepoint === null ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`)
    depth++
    return savepoint
  }
  const rollback = (savepoint: string | null): void => {
    depth--
    if (savepoint === null) auditTxn = null
    db.exec(savepoint === null ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`)
  }
  const commit = (savepoint: string | null): void => {
    try {
      if (savepoint === null) {
        // Counted only when an entry survived (a rolled-back savepoint takes its entries with it).
        if (auditTxn !== null && db.prepare('SELECT 1 AS found FROM audit.audit_log WHERE txn = ? LIMIT 1').get(auditTxn) !== undefined) {
          db.prepare(`INSERT INTO main.engine_meta (key, value) VALUES ('audit-txn', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(auditTxn))
        }
        auditTxn = null
      }
      db.exec(savepoint === null ? 'COMMIT' : `RELEASE ${savepoint}`)
      depth--
    } catch (error) {
      rollback(savepoint)
      throw error
    }
  }
  /** A synchronous transaction or savepoint, for the store's own multi-statement operations. */
  const transactionSync = <T>(fn: () => T): T => {
    const savepoint = begin()
    let result: T
    try {
      result = fn()
    } catch (error) {
      rollback(savepoint)
      throw error
    }
    commit(savepoint)
    return result
  }

  /**
   * Runs an operation of several statements all or nothing: in a transaction of its own on the
   * store; inside the caller's transaction without a savepoint of its own, since a failed
   * operation there is undone with the caller's transaction or savepoint (see StoreOperations).
   * Saves a savepoint per flag in the sweep, where each flag already has one.
   */
  const atomic = <T>(fn: () => T): T => (depth === 0 ? transactionSync(fn) : fn())

  /**
   * One connection serves every caller, so top-level work takes turns: a transaction runs alone
   * from BEGIN to COMMIT even while its function awaits, and an operation on the store itself
   * waits for the running transaction instead of landing inside it (or reading what it has not
   * committed). `pending` counts work queued or running; with none, work starts at once.
   */
  let tail: Promise<unknown> = Promise.resolve()
  let pending = 0
  const settle = (): void => {
    pending--
  }
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    pending++
    const result = pending === 1 ? work() : tail.then(work)
    tail = result.then(settle, settle)
    return result
  }

  // Statements are prepared once per connection: preparing costs more than running most of them.
  const statements = new Map<string, StatementSync>()
  const prepare = (sql: string): StatementSync => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }
  const get = (sql: string, ...params: SQLInputValue[]): Row | undefined => prepare(sql).get(...params) as Row | undefined
  const all = (sql: string, ...params: SQLInputValue[]): Row[] => prepare(sql).all(...params) as Row[]
  const run = (sql: string, ...params: SQLInputValue[]) => prepare(sql).run(...params)

  /**
   * Rewrites a programme's flag schedule: its undelivered rows. A delivered key keeps its row
   * (the exactly-once record, delivered_at set), so scheduling it again does nothing.
   */
  const replaceFlagSchedule = (programmeId: string, schedule: readonly FlagScheduleEntry[]): void => {
    run('DELETE FROM flag_schedule WHERE programme_id = ? AND delivered_at IS NULL', programmeId)
    for (const { key, dueOn, until } of schedule) {
      if (key.programmeId !== programmeId) throw new Error(`A flag schedule entry of ${key.programmeId} given for ${programmeId}`)
      run(
        `INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, due_on, until)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        programmeId,
        key.flagId,
        key.moduleId,
        key.occurrence,
        dueOn,
        until,
      )
    }
  }


  const insertProgramme = (columns: SQLInputValue[], programmeId: string): void => {
    try {
      run(
        `INSERT INTO programmes (unit_id, patient, status, responsible_user_id, version, state, updated_at, programme_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ...columns,
        programmeId,
      )
    } catch (error) {
      // The message names the index, never the value.
      if (error instanceof Error && error.message.includes('programmes.patient')) throw new OpenProgrammeExists(programmeId)
      throw error
    }
  }

  /**
   * Moves the WAL into the file and empties it; false when a reader's snapshot (or another
   * writer) kept some of it. Waits at most `waitMs` for them.
   */
  const checkpoint = (waitMs: number): boolean => {
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(waitMs)}`)
    try {
      const row = db.prepare('PRAGMA main.wal_checkpoint(TRUNCATE)').get() as Row
      return Number(row.busy) === 0 && Number(row.log) <= 0
    } catch {
      return false
    } finally {
      db.exec('PRAGMA busy_timeout = 5000')
    }
  }

  /** Whether this connection has VACUUMed since the last purge, so only the checkpoint is owed. */
  let vacuumed = false

  /**
   * Rewrites the file so deleted rows are gone from disk, not just unlinked (VACUUM), and empties
   * the WAL. A reader holding an old snapshot keeps the checkpoint from finishing: then this
   * answers false and the caller tries again later; the VACUUM is not repeated, only the
   * checkpoint, which does not wait longer than `waitMs`.
   */
  const compact = (waitMs: number): boolean => {
    if (!vacuumed) {
      checkpoint(waitMs)
      db.exec('PRAGMA busy_timeout = 200')
      try {
        db.exec('VACUUM main')
        vacuumed = true
      } catch {
        return false // another writer held the lock: the next attempt does it
      } finally {
        db.exec('PRAGMA busy_timeout = 5000')
      }
    }
    if (!checkpoint(waitMs)) return false
    vacuumed = false
    return true
  }

  /** Appends one entry, numbered with its transaction (one of its own when outside any). */
  const appendAudit = (e: AuditEntry): void => {
    if (depth === 0) return transactionSync(() => appendAudit(e))
    if (auditTxn === null) {
      const row = get("SELECT value FROM main.engine_meta WHERE key = 'audit-txn'")
      auditTxn = (row ? Number(row.value) : 0) + 1
    }
    run(
      `INSERT INTO audit.audit_log (at, actor_kind, actor_id, actor_personnummer, unit_id, programme_id, patient, programme_status,
         actor_responsible, action, access, outcome, refusal_code, export_format, row_count, txn)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      e.at,
      e.actorKind,
      e.actorId,
      e.actorPersonnummer,
      e.unitId,
      e.programmeId,
      e.patient,
      e.programmeStatus,
      e.actorResponsible === null ? null : e.actorResponsible ? 1 : 0,
      e.action,
      e.access,
      e.outcome,
      e.refusalCode,
      e.exportFormat ?? null,
      e.rowCount ?? null,
      auditTxn,
    )
  }

  /**
   * Records a delivery, which takes its key off the schedule: one write, its scheduled row turns
   * into a delivered one (delivered_at set, no due day), or a key not scheduled gets a delivered
   * row. False when it was delivered before: the upsert then changes nothing (changes 0).
   */
  const recordFlagDelivery = (key: FlagDeliveryKey, at: string): boolean => {
    const result = run(
      `INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, delivered_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (programme_id, flag_id, module_id, occurrence) DO UPDATE SET due_on = NULL, until = NULL, delivered_at = excluded.delivered_at
         WHERE flag_schedule.delivered_at IS NULL`,
      key.programmeId,
      key.flagId,
      key.moduleId,
      key.occurrence,
      at,
    )
    return Number(result.changes) === 1
  }

  const addOutbox = (m: OutboxMessage): void => {
    run(
      `INSERT INTO outbox (outbox_id, created_at, programme_id, flag_id, recipient, recipient_ref, channel, title, text, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.outboxId,
      m.createdAt,
      m.programmeId,
      m.flagId,
      m.recipient,
      m.recipientRef,
      m.channel,
      m.title,
      m.text,
      m.sentAt,
    )
  }

  reportAuditGap(db)

  const ops: SyncOperations = {
    getProgramme(programmeId) {
      const row = get('SELECT state FROM programmes WHERE programme_id = ?', programmeId)
      return row ? (JSON.parse(String(row.state)) as ProgrammeState) : null
    },

    // A write transaction (BEGIN IMMEDIATE) already excludes every other writer of the file.
    lockProgramme(programmeId) {
      return ops.getProgramme(programmeId)
    },

    appendEvents(programmeId, expectedVersion, events, next, schedule) {
      if (events.length === 0) return
      if (next.version !== expectedVersion + events.length) {
        throw new Error(`State version ${next.version} does not follow ${expectedVersion} + ${events.length} events`)
      }
      atomic(() => {
        const current = get('SELECT version FROM programmes WHERE programme_id = ?', programmeId)
        const actual = current ? Number(current.version) : null
        if ((actual ?? 0) !== expectedVersion) throw new ConcurrencyConflict(programmeId, expectedVersion, actual)
        const last = events.at(-1)?.at ?? ''
        const columns = [next.unitId, next.patient, next.lifecycle.status, next.responsibleUserId, next.version, JSON.stringify(next), last]
        if (actual === null) {
          insertProgramme(columns, programmeId)
        } else {
          try {
            run(
              `UPDATE programmes SET unit_id = ?, patient = ?, status = ?, responsible_user_id = ?, version = ?, state = ?, updated_at = ?
               WHERE programme_id = ?`,
              ...columns,
              programmeId,
            )
          } catch (error) {
            // An accepted handover would give the patient a second open programme in the unit.
            if (error instanceof Error && error.message.includes('programmes.patient')) throw new OpenProgrammeExists(programmeId)
            throw error
          }
        }
        const insert = prepare('INSERT INTO programme_events (programme_id, seq, type, at, event) VALUES (?, ?, ?, ?, ?)')
        events.forEach((event, i) => {
          insert.run(programmeId, expectedVersion + i + 1, event.type, event.at, JSON.stringify(event))
        })
        replaceFlagSchedule(programmeId, schedule)
      })
    },

    readEvents(programmeId) {
      return all('SELECT event FROM programme_events WHERE programme_id = ? ORDER BY seq', programmeId).map(
        (row) => JSON.parse(String(row.event)) as ProgrammeEvent,
      )
    },

    listProgrammes(filter: ProgrammeFilter) {
      const where = programmeWhere(filter)
      if (where === null) return []
      const sql = `SELECT state FROM programmes ${where.sql} ORDER BY programme_id`
      return all(sql, ...where.params)
        .map((row) => JSON.parse(String(row.state)) as ProgrammeState)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.programmeId.localeCompare(b.programmeId))
    },

    listProgrammePage(filter: ProgrammeFilter, after: string | null, limit: number) {
      const where = programmeWhere(filter, after)
      if (where === null) return []
      const sql = `SELECT state FROM programmes ${where.sql} ORDER BY programme_id LIMIT ?`
      return all(sql, ...where.params, Math.max(0, Math.floor(limit))).map((row) => JSON.parse(String(row.state)) as ProgrammeState)
    },

    deleteProgramme(programmeId) {
      atomic(() => {
        // Children first, explicitly, rather than trusting every store to cascade.
        run('DELETE FROM outbox WHERE programme_id = ?', programmeId)
        run('DELETE FROM flag_schedule WHERE programme_id = ?', programmeId) // deliveries too
        run('DELETE FROM programme_events WHERE programme_id = ?', programmeId)
        run('DELETE FROM idempotency WHERE programme_id = ?', programmeId)
        run('DELETE FROM programmes WHERE programme_id = ?', programmeId)
      })
    },

    recordPurge(programmeId, unitId, at) {
      vacuumed = false
      run('INSERT INTO purge_ledger (programme_id, unit_id, purged_at, compacted_at) VALUES (?, ?, ?, NULL) ON CONFLICT DO NOTHING', programmeId, unitId, at)
    },

    purgeRecord(programmeId) {
      const row = get('SELECT unit_id, purged_at, compacted_at FROM purge_ledger WHERE programme_id = ?', programmeId)
      return row ? { unitId: String(row.unit_id), purgedAt: String(row.purged_at), compactedAt: row.compacted_at === null ? null : String(row.compacted_at) } : null
    },

    wasPurged(programmeId) {
      return get('SELECT 1 AS found FROM purge_ledger WHERE programme_id = ?', programmeId) !== undefined
    },

    hasUnfinishedPurge() {
      return get('SELECT 1 AS found FROM purge_ledger WHERE compacted_at IS NULL LIMIT 1') !== undefined
    },

    getIdempotent(scope, key) {
      const row = get('SELECT request_hash, result FROM idempotency WHERE scope = ? AND key = ?', scope, key)
      return row ? { requestHash: String(row.request_hash), result: String(row.result) } : null
    },

    updateIdempotent(scope, key, result) {
      run('UPDATE idempotency SET result = ? WHERE scope = ? AND key = ?', result, scope, key)
    },

    putIdempotent(entry) {
      const { changes } = run(
        'INSERT INTO idempotency (scope, key, request_hash, programme_id, result, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        entry.scope,
        entry.key,
        entry.requestHash,
        entry.programmeId,
        entry.result,
        entry.at,
      )
      if (Number(changes) !== 1) throw new IdempotencyKeyExists()
    },

    createUnit(unit: Unit, at: string) {
      run('INSERT INTO units (unit_id, name, created_at) VALUES (?, ?, ?)', unit.unitId, unit.name, at)
    },

    getUnit(unitId) {
      const row = get('SELECT unit_id, name FROM units WHERE unit_id = ?', unitId)
      return row ? { unitId: String(row.unit_id), name: String(row.name) } : null
    },

    rolesOf(userId, unitId) {
      return all('SELECT role FROM role_grants WHERE user_id = ? AND unit_id = ? ORDER BY role', userId, unitId)
        .map((row) => row.role)
        .filter(isRole)
    },

    unitRoles(unitId) {
      return all('SELECT * FROM role_grants WHERE unit_id = ? ORDER BY user_id, role', unitId).map((row) => ({
        unitId: String(row.unit_id),
        userId: String(row.user_id),
        role: row.role as Role,
        grantedAt: String(row.granted_at),
        grantedBy: String(row.granted_by),
      }))
    },

    grantRole(grant: RoleGrant) {
      run(
        'INSERT INTO role_grants (unit_id, user_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)',
        grant.unitId,
        grant.userId,
        grant.role,
        grant.grantedAt,
        grant.grantedBy,
      )
    },

    withdrawRole(unitId, userId, role) {
      run('DELETE FROM role_grants WHERE unit_id = ? AND user_id = ? AND role = ?', unitId, userId, role)
    },

    recordStaffIdentity(userId, personnummer, at) {
      run('INSERT INTO staff_identities (user_id, personnummer, first_seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', userId, personnummer, at)
    },

    staffPersonnummer(userId) {
      const row = get('SELECT personnummer FROM staff_identities WHERE user_id = ?', userId)
      return row ? String(row.personnummer) : null
    },

    getPreferences(userId) {
      const row = get('SELECT email, sms FROM notification_preferences WHERE user_id = ?', userId)
      return row ? { email: row.email === 1, sms: row.sms === 1 } : { ...DEFAULT_PREFERENCES }
    },

    setPreferences(userId, preferences) {
      run(
        `INSERT INTO notification_preferences (user_id, email, sms) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, sms = excluded.sms`,
        userId,
        preferences.email ? 1 : 0,
        preferences.sms ? 1 : 0,
      )
    },

    recordFlagDelivery(key: FlagDeliveryKey, at: string) {
      return atomic(() => recordFlagDelivery(key, at))
    },

    deliverFlags(deliveries: readonly FlagDelivery[]) {
      return atomic(() =>
        deliveries.map(({ key, at, outbox, audit }) => {
          if (!recordFlagDelivery(key, at)) return false
          for (const message of outbox) addOutbox(message)
          appendAudit(audit)
          return true
        }),
      )
    },

    hasFlagDelivery(key: FlagDeliveryKey) {
      return (
        get(
          'SELECT 1 AS found FROM flag_schedule WHERE programme_id = ? AND flag_id = ? AND module_id = ? AND occurrence = ? AND delivered_at IS NOT NULL',
          key.programmeId,
          key.flagId,
          key.moduleId,
          key.occurrence,
        ) !== undefined
      )
    },

    replaceFlagSchedule(programmeId, schedule) {
      atomic(() => replaceFlagSchedule(programmeId, schedule))
    },

    listScheduledFlagKeys(programmeIds) {
      if (programmeIds.length === 0) return []
      // One statement for the chunk: a seek in the schedule's primary key per programme (whose
      // delivered keys are skipped).
      return all(
        `SELECT programme_id, flag_id, module_id, occurrence FROM flag_schedule
         WHERE programme_id IN (SELECT value FROM json_each(?)) AND delivered_at IS NULL
         ORDER BY programme_id, flag_id, module_id, occurrence`,
        JSON.stringify(programmeIds),
      ).map(keyFromRow)
    },

    listDueFlagKeys(today) {
      // The due index holds only undelivered keys, so this reads only what is due and undelivered
      // (and module warnings that closed undelivered, which the index skips past). Named, because
      // for the ORDER BY the planner preferred to scan the whole table (delivered rows included);
      // should the condition stop matching the partial index, this fails rather than scans.
      return all(
        `SELECT programme_id, flag_id, module_id, occurrence FROM flag_schedule INDEXED BY flag_schedule_by_due
         WHERE due_on <= ?1 AND (until IS NULL OR until > ?1) AND delivered_at IS NULL
         ORDER BY programme_id, flag_id, module_id, occurrence`,
        today,
      ).map(keyFromRow)
    },

    claimDueProgrammes(today, after, limit) {
      // No row locks in SQLite: the caller's transaction (BEGIN IMMEDIATE) holds the write lock.
      // The due programmes come from the due index alone (it holds due_on, until and
      // delivered_at: covering), a few thousand entries read again per chunk from the page cache;
      // then only their states are read, by id. Reading the schedule's primary key instead read
      // every scheduled and delivered row (100 MB at 100,000 programmes, a cold process), and an
      // EXISTS probe per programme searched the schedule for every programme, due or not.
      // INDEXED BY: should the condition stop matching the partial index, this fails rather than
      // scans. Two statements rather than `?3 IS NULL OR …`.
      const due = (from: string) => `SELECT DISTINCT s.programme_id FROM flag_schedule s INDEXED BY flag_schedule_by_due
           WHERE ${from}s.due_on <= ?1 AND (s.until IS NULL OR s.until > ?1) AND s.delivered_at IS NULL
           ORDER BY s.programme_id LIMIT ?2`
      const sql = `SELECT p.state FROM (${due(after === null ? '' : 's.programme_id > ?3 AND ')}) d
         JOIN programmes p ON p.programme_id = d.programme_id
         ORDER BY p.programme_id`
      const params: SQLInputValue[] = after === null ? [today, Math.max(0, Math.floor(limit))] : [today, Math.max(0, Math.floor(limit)), after]
      return all(sql, ...params).map((row) => JSON.parse(String(row.state)) as ProgrammeState)
    },

    getFlagScheduleBasis() {
      const row = get("SELECT value FROM engine_meta WHERE key = 'flag-schedule-basis'")
      return row ? String(row.value) : null
    },

    setFlagScheduleBasis(basis) {
      run(
        `INSERT INTO engine_meta (key, value) VALUES ('flag-schedule-basis', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        basis,
      )
    },

    addOutbox,

    listOutbox(options = {}) {
      const where = options.unsentOnly ? 'WHERE sent_at IS NULL' : ''
      return all(`SELECT * FROM outbox ${where} ORDER BY created_at, rowid`).map(outboxFromRow)
    },

    getOutbox(outboxId) {
      const row = get('SELECT * FROM outbox WHERE outbox_id = ?', outboxId)
      return row ? outboxFromRow(row) : null
    },

    markOutboxSent(outboxId, at) {
      run('UPDATE outbox SET sent_at = ? WHERE outbox_id = ? AND sent_at IS NULL', at, outboxId)
    },

    appendAudit,

    listAudit(filter = {}) {
      const where: string[] = []
      const params: SQLInputValue[] = []
      const equals: [string, string | undefined][] = [
        ['patient', filter.patient],
        ['unit_id', filter.unitId],
      ]
      for (const [column, value] of equals) {
        if (value === undefined) continue
        where.push(`${column} = ?`)
        params.push(value)
      }
      if (filter.programmeId === undefined) {
        const sql = `SELECT * FROM audit.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`
        return all(sql, ...params).map(auditFromRow)
      }
      // audit_by_programme leaves out the flag deliveries that name their patient (audit
      // migration 3): those are read through the patient index, for the patients the programme's
      // indexed entries name. INDEXED BY makes a condition that no longer matches the index's an
      // error rather than a scan of the whole log.
      const also = where.map((term) => ` AND ${term}`).join('')
      const sql = `SELECT * FROM audit.audit_log INDEXED BY audit_by_programme
          WHERE programme_id = ? AND ${AUDIT_BY_PROGRAMME_WHERE}${also}
        UNION ALL
        SELECT * FROM audit.audit_log INDEXED BY audit_by_patient
          WHERE patient IN (SELECT patient FROM audit.audit_log INDEXED BY audit_by_programme
                              WHERE programme_id = ? AND ${AUDIT_BY_PROGRAMME_WHERE} AND patient IS NOT NULL)
            AND programme_id = ? AND ${AUDIT_BY_PATIENT_ONLY}${also}
        ORDER BY seq`
      const id = filter.programmeId
      return all(sql, id, ...params, id, id, ...params).map(auditFromRow)
    },

    saveBundle(bundle: PlusBundle, contentHash: string, at: string) {
      const version = bundle.programme.version
      const known = get('SELECT content_hash FROM bundles WHERE version = ?', version)
      if (known) return known.content_hash === contentHash ? 'known' : 'conflict'
      run('INSERT INTO bundles (version, content_hash, json, added_at) VALUES (?, ?, ?, ?)', version, contentHash, JSON.stringify(bundle), at)
      return 'saved'
    },

    loadBundle(version) {
      const row = get('SELECT json FROM bundles WHERE version = ?', version)
      return row ? (JSON.parse(String(row.json)) as PlusBundle) : null
    },

  }

  const names = Object.keys(ops) as (keyof SyncOperations)[]
  const call = (name: keyof SyncOperations, args: unknown[]): Promise<unknown> => {
    try {
      return Promise.resolve((ops[name] as (...a: unknown[]) => unknown)(...args))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** The operations as seen inside the transaction or savepoint at `level`; unusable once it ended. */
  const transactionView = (level: number): { tx: StoreTransaction; end(): void } => {
    let open = true
    const tx: Record<string, unknown> = {}
    for (const name of names) {
      tx[name] = (...args: unknown[]) =>
        open ? call(name, args) : Promise.reject(new Error(`${name}() on a transaction that has ended: use the store, or a transaction that is running`))
    }
    tx.transaction = <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
      if (!open) return Promise.reject(new Error('transaction() on a transaction that has ended'))
      // Savepoints are named by depth: two at once in one transaction would release each other's.
      if (depth !== level) return Promise.reject(new Error('Savepoints of one transaction must not overlap: await each tx.transaction() before the next'))
      return runTransaction(fn)
    }
    return {
      tx: tx as unknown as StoreTransaction,
      end() {
        open = false
      },
    }
  }

  /** Runs fn in a transaction (at depth 0) or a savepoint, committing when it resolves. */
  const runTransaction = async <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
    const savepoint = begin()
    const view = transactionView(depth)
    let result: T
    try {
      result = await fn(view.tx)
    } catch (error) {
      view.end()
      rollback(savepoint)
      throw error
    }
    view.end()
    commit(savepoint)
    return result
  }

  const store: Record<string, unknown> = {}
  for (const name of names) store[name] = (...args: unknown[]) => exclusive(() => call(name, args))
  Object.assign(store, {
    kind: 'sqlite',
    transaction: <T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> => exclusive(() => runTransaction(fn)),
    compact: () =>
      exclusive(async () => {
        vacuumed = false
        return compact(200)
      }),
    finishPurges: (at: string, options: { waitForReaders?: boolean } = {}) =>
      exclusive(async () => {
        if (!compact(options.waitForReaders ? 200 : 0)) return false
        // Marking writes a little to the WAL (the ledger's page only); one more checkpoint empties it.
        run('UPDATE purge_ledger SET compacted_at = ? WHERE compacted_at IS NULL', at)
        checkpoint(0)
        return true
      }),
    close: () =>
      exclusive(async () => {
        statements.clear()
        db.close()
      }),
  } satisfies Pick<EngineStore, 'kind' | 'transaction' | 'compact' | 'finishPurges' | 'close'>)
  return store as unknown as EngineStore
}

/** The data operations, answered synchronously (node:sqlite is). */
type SyncOperations = {
  [K in Exclude<keyof StoreOperations, 'transaction'>]: (...args: Parameters<StoreOperations[K]>) => Awaited<ReturnType<StoreOperations[K]>>
}

/** Applies the migrations the database has not seen yet, each in its own transaction. */
function migrate(db: DatabaseSync, migrations: readonly Migration[]): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as Row).user_version)
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(migration.sql)
      db.exec(`PRAGMA user_version = ${Math.trunc(migration.version)}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
  }
}

/** The WHERE clause of a programme filter (and an id to start after), or null when nothing can match. */
function programmeWhere(filter: ProgrammeFilter, after: string | null = null): { sql: string; params: SQLInputValue[] } | null {
  const where: string[] = []
  const params: SQLInputValue[] = []
  const equals: [string, string | undefined][] = [
    ['unit_id', filter.unitId],
    ['responsible_user_id', filter.responsibleUserId],
    ['patient', filter.patient],
  ]
  for (const [column, value] of equals) {
    if (value === undefined) continue
    where.push(`${column} = ?`)
    params.push(value)
  }
  if (filter.statuses !== undefined) {
    if (filter.statuses.length === 0) return null
    where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`)
    params.push(...filter.statuses)
  }
  if (filter.contentVersionNot !== undefined) {
    // Read in SQLite, so the programmes already on that version are never decoded here.
    where.push(`json_extract(state, '$.contentVersion') IS NOT ?`)
    params.push(filter.contentVersionNot)
  }
  if (after !== null) {
    where.push('programme_id > ?')
    params.push(after)
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
}

/** Brings the attached audit file's schema up to date (its own user_version). */
function migrateAudit(db: DatabaseSync): void {
  const current = Number((db.prepare('PRAGMA audit.user_version').get() as Row).user_version)
  for (const migration of AUDIT_MIGRATIONS) {
    if (migration.version <= current) continue
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(migration.sql)
      db.exec(`PRAGMA audit.user_version = ${Math.trunc(migration.version)}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
  }
}

/**
 * After a crash between the two commits of a transaction (the programme database first, then the
 * audit file), the programme database has counted a transaction whose entries never reached the
 * log. Such a gap is recorded in the log itself, once, so that a review sees that something was
 * written without its entries.
 */
function reportAuditGap(db: DatabaseSync): void {
  const counted = db.prepare("SELECT value FROM main.engine_meta WHERE key = 'audit-txn'").get() as Row | undefined
  if (counted === undefined) return
  const logged = Number((db.prepare('SELECT coalesce(max(txn), 0) AS txn FROM audit.audit_log').get() as Row).txn)
  const missing = Number(counted.value)
  if (missing <= logged) return
  db.prepare(
    `INSERT INTO audit.audit_log (at, actor_kind, actor_id, action, access, outcome, txn)
     VALUES (?, 'system', 'store', 'audit-gap', 'write', 'ok', ?)`,
  ).run(new Date().toISOString(), missing)
}
