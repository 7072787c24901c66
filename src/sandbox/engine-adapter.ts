// The sandbox's only door into the engine. Every command, query and store read the sandbox makes
// goes through a function here, named for what a page needs, so that a change of the engine's API
// is absorbed in this one file. Pages get plain data and `Refused` (a code and a Swedish message);
// they never see an engine type they would have to build themselves.
import { rmSync } from 'node:fs'
import {
  addDays,
  type AccessLogEntry,
  createEngine,
  DEFAULT_PURGE_GRACE_DAYS,
  type Actor,
  type Engine,
  EngineRefusal,
  END_REASONS,
  type EndReason,
  type EngineStore,
  type EventsView,
  type MessageView,
  type ModuleStart,
  type NotificationPreferences,
  openSqliteStore,
  type Overview,
  type PatientExport,
  type PatientProgrammeSummary,
  type PatientView,
  type ProgrammeListRow,
  type ProgrammeTree,
  type ReviewFinding,
  type ReviewFindingKind,
  type Role,
  ROLE_LABELS,
  type RoleGrant,
  type SubmissionSummary,
  type SubmissionView,
  type StoredAuditEntry,
  localDate,
  localTime,
  daysBetween,
  startOfLocalDay,
  isLocalDate,
} from '../engine/index.ts'
import type { Answers } from '../scoring/index.ts'
import type { Band, FormBlock, PlusBundle } from '../types/bundle.generated.ts'
import { PATIENTS, type Person, type StaffPerson, STAFF, UNITS } from './people.ts'

export type {
  AccessLogEntry,
  EndReason,
  EventsView,
  MessageView,
  NotificationPreferences,
  Overview,
  PatientExport,
  PatientProgrammeSummary,
  PatientView,
  ProgrammeListRow,
  ProgrammeTree,
  ReviewFinding,
  ReviewFindingKind,
  Role,
  RoleGrant,
  StoredAuditEntry,
  SubmissionSummary,
  SubmissionView,
}
export { END_REASONS, ROLE_LABELS }

/** Stockholm calendar helpers, re-exported so pages and the clock need no other engine import. */
export const calendar = { addDays, daysBetween, localDate, localTime, startOfLocalDay, isLocalDate }

/** A refusal from the engine, as the page shows it: a stable code and a Swedish message. */
export class Refused extends Error {
  override readonly name = 'Refused'
  readonly code: string
  /** invalid-answers: the question ids and problem codes. */
  readonly problems: { questionId: string; code: string }[]
  constructor(code: string, message: string, problems: { questionId: string; code: string }[] = []) {
    super(message)
    this.code = code
    this.problems = problems
  }
}

/**
 * The one message for whatever a person cannot reach: another unit's or patient's programme, a
 * purged one, an id that never existed, a step or form the programme does not have. The engine
 * answers all of these with `not-found` and the same text; the sandbox's own lookups say the same,
 * so no page tells a visitor which of them it was.
 */
export const NOT_FOUND_MESSAGE = 'Det du söker finns inte, eller så har du inte behörighet till det.'

/** Calendar days after the end before an ended programme may be purged (the engine's default, passed to it explicitly). */
export const PURGE_GRACE_DAYS = DEFAULT_PURGE_GRACE_DAYS

/** A submission's band severity, when the bundle has one (`level`, newer bundles). */
export type BandLevel = 'info' | 'attention' | 'urgent'

/** One notification as the patient or the clinician would receive it. */
export interface OutboxItem {
  id: string
  programmeId: string
  recipient: 'patient' | 'clinician'
  /** Who it went to: the sandbox person, when known. */
  recipientId: string | null
  channel: 'patient-app' | 'email' | 'sms' | 'in-app'
  title: string
  text: string
  createdAt: string
  sentAt: string | null
  /** The programme's day (0 = the start day) when it went out, or null when the programme is gone. */
  programmeDay: number | null
}

/** A period of the audit log: ISO instants, `from` inclusive, `to` exclusive; either may be left out. */
export interface AuditPeriod {
  from?: string
  to?: string
}

/** Only the ends that are set (the engine's query takes absent, not undefined). */
function periodOf(period: AuditPeriod): AuditPeriod {
  return { ...(period.from ? { from: period.from } : {}), ...(period.to ? { to: period.to } : {}) }
}

/** What the adapter needs. */
export interface AdapterOptions {
  /** The SQLite file (`.plus/sandbox.db`); the audit log goes next to it (`sandbox-audit.db`). */
  dbPath: string
  bundle: PlusBundle
  clock: () => Date
}

/** What a content update did. */
export type BundleSwap = { ok: true; version: string } | { ok: false; reason: 'same-version-other-content' }

const LEVELS: readonly BandLevel[] = ['info', 'attention', 'urgent']

/** The engine, opened on the sandbox's database, with one function per thing a page does. */
export class SandboxEngine {
  #options: AdapterOptions
  #store: EngineStore
  #engine: Engine
  #bundle: PlusBundle

  private constructor(options: AdapterOptions, store: EngineStore, engine: Engine, bundle: PlusBundle, startedOnStoredContent: boolean) {
    this.#options = options
    this.#store = store
    this.#engine = engine
    this.#bundle = bundle
    this.startedOnStoredContent = startedOnStoredContent
  }

  /** Opens the engine on the sandbox's database (creating the units and roles the first time). */
  static async open(options: AdapterOptions): Promise<SandboxEngine> {
    const store = openSqliteStore({ path: options.dbPath, auditPath: auditPathOf(options.dbPath) })
    let opened: { engine: Engine; bundle: PlusBundle; stored: boolean }
    try {
      opened = { engine: await createEngine({ store, bundle: options.bundle, clock: options.clock, purgeGraceDays: PURGE_GRACE_DAYS }), bundle: options.bundle, stored: false }
    } catch (error) {
      // The database already runs this version number with other content (the content was edited
      // without a new version since the last run). Keep running on the stored content.
      const stored = isVersionReuse(error) ? await store.loadBundle(options.bundle.programme.version) : null
      if (!stored) {
        await store.close()
        throw error
      }
      opened = { engine: await createEngine({ store, bundle: stored, clock: options.clock, purgeGraceDays: PURGE_GRACE_DAYS }), bundle: stored, stored: true }
    }
    const sandbox = new SandboxEngine(options, store, opened.engine, opened.bundle, opened.stored)
    await sandbox.#setUp()
    return sandbox
  }

  /** True when the given bundle reused a stored version number with other content, so the stored one runs. */
  readonly startedOnStoredContent: boolean

  /** The bundle programmes run on. */
  get bundle(): PlusBundle {
    return this.#bundle
  }

  /** Creates the units and grants every role, once per database. */
  async #setUp(): Promise<void> {
    for (const unit of UNITS) {
      const admin = STAFF.find((s) => s.unitId === unit.unitId && s.role === 'behorighetsadministrator')
      if (!admin) throw new Error(`The sandbox unit ${unit.unitId} needs a behörighetsadministratör`)
      if (await this.#store.getUnit(unit.unitId)) continue
      await this.#engine.createUnit(unit, admin.id)
      for (const person of STAFF.filter((s) => s.unitId === unit.unitId && s.id !== admin.id)) {
        await this.#engine.execute(actorOf(admin), { type: 'grant-role', userId: person.id, role: person.role })
      }
    }
  }

  /** Runs an engine call, turning a refusal into `Refused`. */
  async #try<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      if (error instanceof EngineRefusal) {
        const { code } = error.refusal
        // One text for everything out of reach, whatever the engine's catalogue says in future.
        const message = code === 'not-found' ? NOT_FOUND_MESSAGE : error.refusal.message
        throw new Refused(code, message, (error.refusal.problems ?? []).map((p) => ({ questionId: p.questionId, code: p.code })))
      }
      throw error
    }
  }

  // ── Content ────────────────────────────────────────────────────────────────────────────

  /**
   * Runs the engine on a new bundle; running programmes move to it. The engine refuses a
   * version number it already holds with other content; then the old bundle stays in use.
   */
  async replaceBundle(bundle: PlusBundle): Promise<BundleSwap> {
    try {
      this.#engine = await createEngine({ store: this.#store, bundle, clock: this.#options.clock, purgeGraceDays: PURGE_GRACE_DAYS })
    } catch (error) {
      if (isVersionReuse(error)) return { ok: false, reason: 'same-version-other-content' }
      throw error
    }
    this.#bundle = bundle
    return { ok: true, version: bundle.programme.version }
  }

  /** The band of a form by its label, with its severity when the bundle gives one. */
  band(formId: string, label: string | null): { band: Band; level: BandLevel | null } | null {
    if (label === null) return null
    const band = this.form(formId)?.scoring?.bands.find((b) => b.label === label)
    if (!band) return null
    const level = (band as Band & { level?: unknown }).level
    return { band, level: typeof level === 'string' && (LEVELS as readonly string[]).includes(level) ? (level as BandLevel) : null }
  }

  form(formId: string): FormBlock | null {
    return this.#engine.content.forms.get(formId)?.form ?? null
  }

  // ── Behandlare ─────────────────────────────────────────────────────────────────────────

  async myProgrammes(person: StaffPerson): Promise<ProgrammeListRow[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'list-mine' }))
  }

  async unitProgrammes(person: StaffPerson): Promise<ProgrammeListRow[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'list-unit' }))
  }

  async endedProgrammes(person: StaffPerson): Promise<ProgrammeListRow[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'list-ended' }))
  }

  /** Starts a programme. `key` is the start form's idempotency key: the same key again returns the same programme. */
  async startProgramme(person: StaffPerson, personnummer: string, key: string): Promise<string> {
    const result = await this.#try(() => this.#engine.execute(actorOf(person), { type: 'start-programme', personnummer, idempotencyKey: key }))
    if (result.programmeId === null) throw new Error('start-programme returned no programme')
    return result.programmeId
  }

  async overview(person: StaffPerson, programmeId: string): Promise<Overview> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'overview', programmeId }))
  }

  async tree(person: StaffPerson, programmeId: string): Promise<ProgrammeTree> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'programme-tree', programmeId }))
  }

  /**
   * "Hantera händelser", with the submissions that need a look first: alerted answers, then the
   * form's highest band, then unread, then the newest.
   */
  async events(person: StaffPerson, programmeId: string): Promise<EventsView> {
    const view = await this.#try(() => this.#engine.query(actorOf(person), { type: 'events', programmeId }))
    const weight = (s: SubmissionSummary): number => (s.alerts.length > 0 ? 4 : 0) + (s.inTopBand ? 2 : 0) + (s.read ? 0 : 1)
    const submissions = [...view.submissions].sort((a, b) => weight(b) - weight(a) || b.submittedAt.localeCompare(a.submittedAt))
    return { ...view, submissions }
  }

  /** Opens a submitted form: it becomes read. */
  async openSubmission(person: StaffPerson, programmeId: string, submissionId: string): Promise<SubmissionView> {
    return this.#try(() => this.#engine.openSubmission(actorOf(person), programmeId, submissionId))
  }

  async submission(person: StaffPerson, programmeId: string, submissionId: string): Promise<SubmissionView> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'submission', programmeId, submissionId }))
  }

  // The commands below that could overwrite a colleague's change carry `expectedVersion`: the
  // programme version the page showed (a hidden field). A stale one is refused (version-conflict).

  async startModules(person: StaffPerson, programmeId: string, modules: ModuleStart[], expectedVersion: number): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'start-modules', programmeId, modules, expectedVersion }))
  }

  async changeClosingDate(person: StaffPerson, programmeId: string, moduleId: string, closesOn: string, expectedVersion: number): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'change-module-closing-date', programmeId, moduleId, closesOn, expectedVersion }))
  }

  async editWelcome(person: StaffPerson, programmeId: string, text: string, expectedVersion: number): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'edit-welcome-text', programmeId, text, expectedVersion }))
  }

  /** Ends the programme; `key` is the end form's idempotency key (a second post of the same form does nothing). */
  async endProgramme(person: StaffPerson, programmeId: string, reason: string, expectedVersion: number, key: string): Promise<void> {
    // An unknown reason reaches the engine as it is; the engine refuses it (invalid-end-reason).
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'end-programme', programmeId, reason: reason as EndReason, expectedVersion, idempotencyKey: key }))
  }

  async retainProgramme(person: StaffPerson, programmeId: string, until: string, expectedVersion: number): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'retain-programme', programmeId, until, expectedVersion }))
  }

  async handOver(person: StaffPerson, programmeId: string, toUnitId: string, expectedVersion: number): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'hand-over', programmeId, toUnitId, expectedVersion }))
  }

  async changeResponsible(person: StaffPerson, programmeId: string, responsibleUserId: string, expectedVersion: number): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'change-responsible', programmeId, responsibleUserId, expectedVersion }))
  }

  async acceptHandover(person: StaffPerson, programmeId: string, responsibleUserId: string, expectedVersion: number): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'accept-handover', programmeId, responsibleUserId, expectedVersion }))
  }

  // ── Messages (patient and behandlare) ──────────────────────────────────────────────────

  async messages(person: Person, programmeId: string): Promise<MessageView[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'messages', programmeId }))
  }

  /** Sends a message; `key` is the message form's idempotency key (a reload-resubmit sends nothing twice). */
  async sendMessage(person: Person, programmeId: string, text: string, key: string): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'send-message', programmeId, text, idempotencyKey: key }))
  }

  async markMessagesRead(person: Person, programmeId: string): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'mark-messages-read', programmeId }))
  }

  // ── Patient ────────────────────────────────────────────────────────────────────────────

  async patientProgrammes(person: Person): Promise<PatientProgrammeSummary[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'patient-programmes' }))
  }

  async patientView(person: Person, programmeId: string): Promise<PatientView> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'patient-view', programmeId }))
  }

  /** Records that the patient opened a step (the first time counts). */
  async openStep(person: Person, programmeId: string, stepId: string): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'open-step', programmeId, stepId }))
  }

  /** Submits a form; `key` is the rendered form's idempotency key (a second post of it stores nothing). */
  async submitForm(person: Person, programmeId: string, formId: string, answers: Answers, key: string): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'submit-form', programmeId, formId, answers, idempotencyKey: key }))
  }

  async setMobileNumber(person: Person, programmeId: string, mobileNumber: string | null): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'set-mobile-number', programmeId, mobileNumber }))
  }

  async patientExport(person: Person, programmeId: string): Promise<PatientExport> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'patient-export', programmeId }))
  }

  // ── Dataadministratör ──────────────────────────────────────────────────────────────────

  async exportEnded(person: StaffPerson, format: 'json' | 'csv'): Promise<{ fileName: string; mediaType: string; body: string }> {
    const file = await this.#try(() => this.#engine.query(actorOf(person), { type: 'export-ended', format }))
    return { fileName: file.fileName, mediaType: file.mediaType, body: file.body }
  }

  async purge(person: StaffPerson, programmeIds: string[]): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'purge-programmes', programmeIds }))
  }

  /**
   * The first Stockholm day an ended programme may be purged: the day it ended plus the grace
   * period (retention, "vidmakthålla", is over once a programme is ended). The engine applies the
   * same rule and refuses an earlier purge (`purge-too-early`).
   */
  purgeAllowedFrom(endedAt: string): string {
    return addDays(localDate(endedAt), PURGE_GRACE_DAYS)
  }

  /** Whether an ended programme may be purged today, by the clock. */
  mayPurge(endedAt: string): boolean {
    return localDate(this.#options.clock()) >= this.purgeAllowedFrom(endedAt)
  }

  /** The unit's audit log, oldest first (dataadministratör; the reading is logged too). */
  async auditLog(person: StaffPerson, period: AuditPeriod = {}): Promise<StoredAuditEntry[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'audit-log', ...periodOf(period) }))
  }

  /** The unit's log review: the entries the recurring checks ask about (dataadministratör). */
  async logReview(person: StaffPerson, period: AuditPeriod = {}): Promise<ReviewFinding[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'log-review', ...periodOf(period) }))
  }

  /** The patient's own extract: which care units read or changed their data, and when. */
  async accessLog(person: Person): Promise<AccessLogEntry[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'access-log' }))
  }

  // ── Behörighetsadministratör and everyone's profile ────────────────────────────────────

  async unitRoles(person: StaffPerson): Promise<RoleGrant[]> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'unit-roles' }))
  }

  async grantRole(person: StaffPerson, userId: string, role: Role): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'grant-role', userId, role }))
  }

  async withdrawRole(person: StaffPerson, userId: string, role: Role): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'withdraw-role', userId, role }))
  }

  async preferences(person: StaffPerson): Promise<NotificationPreferences> {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'notification-preferences' }))
  }

  async setPreferences(person: StaffPerson, preferences: NotificationPreferences): Promise<void> {
    await this.#try(() => this.#engine.execute(actorOf(person), { type: 'set-notification-preferences', ...preferences }))
  }

  /** The roles a staff member holds now (the behörighetsadministratör may have changed them). */
  async rolesOf(person: StaffPerson): Promise<Role[]> {
    return this.#store.rolesOf(person.id, person.unitId)
  }

  // ── Flags and the outbox ───────────────────────────────────────────────────────────────

  /** Runs the flag sweep at the clock's time; returns how many flags went out. */
  async sweepFlags(): Promise<number> {
    return (await this.#engine.deliverDueFlags()).delivered.length
  }

  /** Whether any undelivered flag is scheduled for the Stockholm day `date` (`YYYY-MM-DD`). */
  async hasFlagScheduledOn(date: string): Promise<boolean> {
    return (await this.#store.listDueFlagKeys(date)).length > 0
  }

  /**
   * Sends what waits in the outbox, as a host's delivery process would, at the clock's time. A
   * patient's notification names only the programme; the process asks the engine who that is
   * (`notificationRecipient`, a logged read) as a real host would before texting them, and the
   * sandbox keeps the answer to show in the outbox panel. Returns how many went out.
   */
  async sendOutbox(): Promise<number> {
    const pending = await this.#engine.pendingNotifications(DELIVERY_PROCESS)
    for (const message of pending) {
      await this.#recipientOf(message.outboxId)
      await this.#engine.markNotificationSent(DELIVERY_PROCESS, message.outboxId)
    }
    return pending.length
  }

  /** Sandbox person ids by outbox id, resolved once per row (each resolution is an audit entry). */
  #recipients = new Map<string, string | null>()

  async #recipientOf(outboxId: string): Promise<string | null> {
    if (!this.#recipients.has(outboxId)) {
      const found = await this.#engine.notificationRecipient(DELIVERY_PROCESS, outboxId)
      this.#recipients.set(
        outboxId,
        found === null ? null : found.recipient === 'clinician' ? found.userId : (PATIENT_IDS.get(found.personnummer.replace(/\D/g, '')) ?? null),
      )
    }
    return this.#recipients.get(outboxId) ?? null
  }

  /** Every notification, oldest first. */
  async outbox(): Promise<OutboxItem[]> {
    const started = new Map<string, string | null>()
    const startedOn = async (programmeId: string): Promise<string | null> => {
      if (!started.has(programmeId)) started.set(programmeId, (await this.#store.getProgramme(programmeId))?.startedOn ?? null)
      return started.get(programmeId) ?? null
    }
    const items: OutboxItem[] = []
    for (const m of await this.#store.listOutbox()) {
      const first = await startedOn(m.programmeId)
      items.push({
        id: m.outboxId,
        programmeId: m.programmeId,
        recipient: m.recipient,
        // A clinician is named by user id in the row; a patient only through the delivery process.
        recipientId: m.recipient === 'clinician' ? m.recipientRef : await this.#recipientOf(m.outboxId),
        channel: m.channel,
        title: m.title,
        text: m.text,
        createdAt: m.createdAt,
        sentAt: m.sentAt,
        programmeDay: first === null ? null : daysBetween(first, localDate(m.sentAt ?? m.createdAt)),
      })
    }
    return items
  }

  /** How many programmes the database holds, in any state (for "Börja om" and the tests). */
  async programmeCount(): Promise<number> {
    return (await this.#store.listProgrammes({})).length
  }

  async close(): Promise<void> {
    await this.#engine.close()
  }

  /** Closes the database, deletes its files and opens a fresh one with the same people. */
  static async reset(current: SandboxEngine, bundle: PlusBundle = current.#bundle): Promise<SandboxEngine> {
    const options = { ...current.#options, bundle }
    await current.close()
    // "Börja om" empties the whole playground, the audit log file included.
    for (const file of [options.dbPath, auditPathOf(options.dbPath)]) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true })
    }
    return SandboxEngine.open(options)
  }
}

/** The engine's refusal to store a known version number with other content (a plain Error today). */
function isVersionReuse(error: unknown): boolean {
  return error instanceof Error && /already stored with different content/.test(error.message)
}

/** The engine's actor for a sandbox person; staff carry their (test) personnummer as SITHS would give it. */
function actorOf(person: Person): Actor {
  return person.kind === 'staff'
    ? { kind: 'staff', userId: person.id, unitId: person.unitId, personnummer: person.personnummer }
    : { kind: 'patient', personnummer: person.personnummer }
}

/** The audit log's file next to the database: `sandbox.db` → `sandbox-audit.db`. */
function auditPathOf(dbPath: string): string {
  return `${dbPath.replace(/\.db$/, '')}-audit.db`
}

/** The name the sandbox's delivery process goes by in the audit log. */
const DELIVERY_PROCESS = 'provkor'

const PATIENT_IDS = new Map(PATIENTS.map((p) => [p.personnummer.replace('-', ''), p.id]))
