// The storage interface the engine runs on. The default implementation is SQLite (sqlite.ts);
// anything that keeps these promises (transactions, a version check per programme) will do.
import type { PlusBundle } from '../../types/bundle.generated.ts'
import type { LocalDate } from '../calendar.ts'
import type { ProgrammeEvent } from '../events.ts'
import type { Action } from '../permissions.ts'
import type { RefusalCode } from '../refusals.ts'
import type { Role } from '../roles.ts'
import type { Lifecycle, ProgrammeState } from '../state.ts'

/** Thrown by appendEvents when the programme moved on since it was read. */
export class ConcurrencyConflict extends Error {
  override readonly name = 'ConcurrencyConflict'
  readonly programmeId: string
  constructor(programmeId: string, expected: number, actual: number | null) {
    super(`Programme ${programmeId} is at version ${actual ?? 'none'}, expected ${expected}`)
    this.programmeId = programmeId
  }
}

/** Thrown by appendEvents when the patient already has a programme that is not ended. */
export class OpenProgrammeExists extends Error {
  override readonly name = 'OpenProgrammeExists'
  readonly programmeId: string
  constructor(programmeId: string) {
    super(`Programme ${programmeId} would be a second open programme for its patient`)
    this.programmeId = programmeId
  }
}

/**
 * Thrown by putIdempotent when the key is already stored: the same command sent again while the
 * first was running (another process or connection won). Both stores throw it; the engine then
 * answers as the first did.
 */
export class IdempotencyKeyExists extends Error {
  override readonly name = 'IdempotencyKeyExists'
  constructor() {
    super('The idempotency key is already stored (a concurrent retry of the same command)')
  }
}

/** Which programmes to list. Every given field must match. */
export interface ProgrammeFilter {
  unitId?: string
  responsibleUserId?: string
  /** The patient's personnummer, 12 digits. */
  patient?: string
  statuses?: Lifecycle['status'][]
  /** Only programmes whose state is on another content version than this one. */
  contentVersionNot?: string
}

/** A care unit. */
export interface Unit {
  unitId: string
  name: string
}

/** One role held by one user in one unit. */
export interface RoleGrant {
  unitId: string
  userId: string
  role: Role
  grantedAt: string
  /** The user id of the administrator who granted it, or `system`. */
  grantedBy: string
}

/** How a staff member wants flags: by e-mail, by SMS, both or neither (in the app only). */
export interface NotificationPreferences {
  email: boolean
  sms: boolean
}

/** What the audit log records about one read or write: never the clinical content. */
export interface AuditEntry {
  /** ISO 8601 UTC. */
  at: string
  actorKind: 'staff' | 'patient' | 'system'
  /** The staff member's user id or the system process; null for the patient. */
  actorId: string | null
  /** The acting person's personnummer, 12 digits (staff, from their SITHS identity; the patient); null for the system. */
  actorPersonnummer: string | null
  /** The patient whose data the entry concerns, 12 digits; null when none (unit matters, empty lists). */
  patient: string | null
  /** The programme's status when it was accessed, or null. For the log review ("access after the end"). */
  programmeStatus: 'active' | 'retained' | 'ended' | null
  /** Whether the staff actor was the programme's responsible clinician then, or null. For the log review. */
  actorResponsible: boolean | null
  /** The actor's unit (staff), else the programme's unit, else null. */
  unitId: string | null
  programmeId: string | null
  /** `audit-gap`: written by the store on open when a crash lost the entries of one transaction. */
  action: Action | 'deliver-flag' | 'create-unit' | 'update-content' | 'audit-gap'
  access: 'read' | 'write'
  outcome: 'ok' | 'refused'
  refusalCode: RefusalCode | null
  /** An export's format (`export-ended`), else absent or null. */
  exportFormat?: 'json' | 'csv' | null
  /** An export's data rows (`export-ended`), else absent or null. */
  rowCount?: number | null
}

/** Which audit entries to list. */
export interface AuditFilter {
  programmeId?: string
  /** The patient's personnummer, 12 digits. */
  patient?: string
  unitId?: string
}

/** A purged programme in the purge ledger. Holds no patient data. */
export interface PurgeRecord {
  /** The unit the programme belonged to when purged. */
  unitId: string
  purgedAt: string
  /** When its compaction finished, or null while bytes may still be on disk. */
  compactedAt: string | null
}

/** The first outcome of a command sent with an idempotency key. */
export interface IdempotencyEntry {
  /** Whose key it is: the staff member in their unit, or the patient's programme. */
  scope: string
  key: string
  /** A hash of the command, to tell a retry from a different command with a reused key. */
  requestHash: string
  /** The programme it concerned (removed with it on purge), or null. */
  programmeId: string | null
  /** The first result, as JSON. Holds no clinical text. */
  result: string
  at: string
}

/** A stored audit entry with its sequence number. */
export interface StoredAuditEntry extends AuditEntry {
  seq: number
}

/** Identifies one delivery of a flag: the same key is never delivered twice. */
export interface FlagDeliveryKey {
  programmeId: string
  flagId: string
  /** The module for module-closing flags, else the empty string. */
  moduleId: string
  /** What makes this occurrence distinct: the deadline or the activity it is counted from. */
  occurrence: string
}

/**
 * One flag occurrence that a programme's current state implies (flagSchedule in flags.ts): due
 * from `dueOn` until the day before `until`. The store keeps the undelivered ones as the index the
 * scheduler reads; the engine still decides from the programme's state what is due.
 */
export interface FlagScheduleEntry {
  key: FlagDeliveryKey
  dueOn: LocalDate
  /** The first day it is no longer due, or null when it stays due until delivered. */
  until: LocalDate | null
}

/**
 * One flag delivery with what goes with it (deliverFlags): its outbox messages and its audit
 * entry, written only when the key was not delivered before.
 */
export interface FlagDelivery {
  key: FlagDeliveryKey
  at: string
  outbox: readonly OutboxMessage[]
  audit: AuditEntry
}

/** A notification waiting to be sent by the host (the transactional outbox). */
export interface OutboxMessage {
  outboxId: string
  createdAt: string
  programmeId: string
  flagId: string
  recipient: 'patient' | 'clinician'
  /**
   * The clinician's user id, or for the patient the programme id: never a personnummer (see
   * notifier.ts). The host resolves it with engine.notificationRecipient.
   */
  recipientRef: string
  channel: 'patient-app' | 'email' | 'sms' | 'in-app'
  title: string
  text: string
  sentAt: string | null
}

/**
 * The data operations of a store. Every method returns a promise: the SQLite store answers at
 * once, the PostgreSQL store after a round trip. Called on the store itself, each operation stands
 * alone (auto-committed); called on a `StoreTransaction`, it is part of that transaction.
 */
export interface StoreOperations {
  /**
   * An operation that rejects inside a transaction may have done part of its work (on PostgreSQL
   * the whole transaction is then aborted): let the transaction or a savepoint around it reject.
   *
   * Runs fn in a transaction and commits when its promise resolves; rolls back when it rejects.
   * Everything inside must go through `tx` (never the outer store: on PostgreSQL that would run
   * on another connection, outside the transaction). `tx.transaction` nests as a savepoint.
   * Top-level transactions of one store never interleave: the SQLite store queues them, the
   * PostgreSQL store runs each on its own pooled connection.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>

  /** The programme's current state, or null when it does not exist (or was purged). */
  getProgramme(programmeId: string): Promise<ProgrammeState | null>
  /**
   * getProgramme for a command that will write the programme: inside a transaction, no other
   * transaction writes (or locks) the programme until this one ends, so commands sent at once to
   * one programme run one after the other instead of failing each other's version check. SQLite:
   * the same as getProgramme (a write transaction already excludes every other writer).
   * PostgreSQL: `SELECT … FOR NO KEY UPDATE`.
   */
  lockProgramme(programmeId: string): Promise<ProgrammeState | null>
  /**
   * Appends events and stores the resulting state, if the stored version still equals
   * `expectedVersion` (0 for a new programme). Rejects with ConcurrencyConflict otherwise, and
   * with OpenProgrammeExists when the patient would get a second programme that is not ended. In
   * the same transaction, replaces the programme's flag schedule with `schedule` (the schedule of
   * `next`), leaving out keys already delivered.
   */
  appendEvents(
    programmeId: string,
    expectedVersion: number,
    events: readonly ProgrammeEvent[],
    next: ProgrammeState,
    schedule: readonly FlagScheduleEntry[],
  ): Promise<void>
  /** The programme's events in order. */
  readEvents(programmeId: string): Promise<ProgrammeEvent[]>
  listProgrammes(filter: ProgrammeFilter): Promise<ProgrammeState[]>
  /**
   * At most `limit` programmes matching the filter whose id sorts after `after` (null: from the
   * first), in programme id order: for reading many programmes a page at a time (exports).
   */
  listProgrammePage(filter: ProgrammeFilter, after: string | null, limit: number): Promise<ProgrammeState[]>
  /** Deletes the programme with its events, deliveries and outbox messages. */
  deleteProgramme(programmeId: string): Promise<void>
  /** Writes the purge ledger entry of a deleted programme; call in the deleting transaction. */
  recordPurge(programmeId: string, unitId: string, at: string): Promise<void>
  /** The purge ledger entry of a programme, or null when it was never purged. */
  purgeRecord(programmeId: string): Promise<PurgeRecord | null>
  /** Whether the programme id is in the purge ledger. */
  wasPurged(programmeId: string): Promise<boolean>
  /** Whether a purge was committed but its compaction has not finished (a crash, a reader). */
  hasUnfinishedPurge(): Promise<boolean>

  /** The stored first outcome of a command sent with an idempotency key, or null. */
  getIdempotent(scope: string, key: string): Promise<{ requestHash: string; result: string } | null>
  /** Stores the first outcome of a command sent with an idempotency key; in its transaction. Rejects with IdempotencyKeyExists when the key is already stored (a concurrent retry), leaving the transaction usable. */
  putIdempotent(entry: IdempotencyEntry): Promise<void>
  /** Replaces the stored result of a key (adding the flags the command delivered after its commit). */
  updateIdempotent(scope: string, key: string, result: string): Promise<void>

  createUnit(unit: Unit, at: string): Promise<void>
  getUnit(unitId: string): Promise<Unit | null>
  rolesOf(userId: string, unitId: string): Promise<Role[]>
  unitRoles(unitId: string): Promise<RoleGrant[]>
  grantRole(grant: RoleGrant): Promise<void>
  withdrawRole(unitId: string, userId: string, role: Role): Promise<void>

  /** Records the personnummer a staff user id acts with, the first time it is seen. */
  recordStaffIdentity(userId: string, personnummer: string, at: string): Promise<void>
  /** The personnummer a staff user id was first seen with, or null. */
  staffPersonnummer(userId: string): Promise<string | null>

  getPreferences(userId: string): Promise<NotificationPreferences>
  setPreferences(userId: string, preferences: NotificationPreferences): Promise<void>

  /** Records a delivery and takes the key off the flag schedule; false when it was already delivered. */
  recordFlagDelivery(key: FlagDeliveryKey, at: string): Promise<boolean>
  hasFlagDelivery(key: FlagDeliveryKey): Promise<boolean>
  /**
   * The sweep's batched delivery: for each delivery in order, what recordFlagDelivery does, then,
   * when the key was new, its outbox messages and its audit entry, as addOutbox and appendAudit
   * would write them. Answers per delivery whether it was new (a key given twice is new once).
   * All or nothing at top level; inside a transaction a failure may leave part of it done, so
   * the caller wraps it in a savepoint (see above) or rolls the transaction back (the sweep).
   */
  deliverFlags(deliveries: readonly FlagDelivery[]): Promise<boolean[]>

  /** Replaces one programme's flag schedule (keys already delivered are left out). */
  replaceFlagSchedule(programmeId: string, schedule: readonly FlagScheduleEntry[]): Promise<void>
  /**
   * The keys on the flag schedule of these programmes (scheduled and not yet delivered), whatever
   * their day. The sweep asks once per chunk, so that it builds notifications only for keys that
   * can still go out; delivering stays exactly-once by the delivery key alone.
   */
  listScheduledFlagKeys(programmeIds: readonly string[]): Promise<FlagDeliveryKey[]>
  /** Scheduled, undelivered keys due on `today` (dueOn ≤ today < until), by programme. */
  listDueFlagKeys(today: LocalDate): Promise<FlagDeliveryKey[]>
  /**
   * The flag sweep's claim: at most `limit` programmes with a scheduled key due on `today` whose
   * id sorts after `after` (null: from the first), in programme id order, locked for this
   * transaction. Call it inside a transaction. On PostgreSQL, rows another instance has locked are
   * skipped (`FOR UPDATE SKIP LOCKED`), so instances sweeping at once share the work; SQLite holds
   * the database's write lock for the whole transaction. Exactly-once delivery does not rest on
   * this lock but on recordFlagDelivery.
   */
  claimDueProgrammes(today: LocalDate, after: string | null, limit: number): Promise<ProgrammeState[]>
  /** What the stored flag schedule was computed from (see the engine), or null before the first time. */
  getFlagScheduleBasis(): Promise<string | null>
  setFlagScheduleBasis(basis: string): Promise<void>

  addOutbox(message: OutboxMessage): Promise<void>
  listOutbox(options?: { unsentOnly?: boolean }): Promise<OutboxMessage[]>
  /** One outbox message, or null when there is none with that id (or it was purged). */
  getOutbox(outboxId: string): Promise<OutboxMessage | null>
  markOutboxSent(outboxId: string, at: string): Promise<void>

  /** Appends to the audit log. The log is append-only: nothing updates or deletes an entry. */
  appendAudit(entry: AuditEntry): Promise<void>
  /** Audit entries in order; every given field must match. */
  listAudit(filter?: AuditFilter): Promise<StoredAuditEntry[]>

  /**
   * Keeps a bundle so answers given on it can be shown later. Returns `conflict` when the
   * version is known with different content.
   */
  saveBundle(bundle: PlusBundle, contentHash: string, at: string): Promise<'saved' | 'known' | 'conflict'>
  loadBundle(version: string): Promise<PlusBundle | null>
}

/** The store as seen inside a transaction: the same operations, all part of that transaction. */
export type StoreTransaction = StoreOperations

/**
 * Durable storage for the engine: the data operations, plus what must run outside any
 * transaction (compaction after a purge, closing). Implementations: SQLite (sqlite.ts, the
 * embedded default) and PostgreSQL (postgres.ts, for several instances on one database).
 */
export interface EngineStore extends StoreOperations {
  /** Which implementation this is (for messages and the documentation of what a purge leaves). */
  readonly kind: 'sqlite' | 'postgres'
  /**
   * Makes deleted data physically gone as far as the store can (SQLite: VACUUM and a WAL
   * checkpoint; PostgreSQL: VACUUM of the affected tables). False when it could not finish
   * (SQLite: another connection's read snapshot kept the WAL): call again later.
   */
  compact(): Promise<boolean>
  /**
   * Compacts and, when that finished, marks every unfinished purge done; false when a reader's
   * snapshot kept it from finishing. Outside transactions. Does not wait for readers unless asked
   * (the purge itself waits briefly; the retries before each command do not).
   */
  finishPurges(at: string, options?: { waitForReaders?: boolean }): Promise<boolean>
  /** Waits for running work and closes the store (the PostgreSQL store ends its own pool, not a pool it was given). */
  close(): Promise<void>
}
