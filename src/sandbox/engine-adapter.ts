// The sandbox's only door into the engine. Every command, query and store read the sandbox makes
// goes through a function here, named for what a page needs, so that a change of the engine's API
// is absorbed in this one file. Pages get plain data and `Refused` (a code and a Swedish message);
// they never see an engine type they would have to build themselves.
import { rmSync } from 'node:fs'
import {
  addDays,
  createEngine,
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
  type Role,
  ROLE_LABELS,
  type RoleGrant,
  type SubmissionSummary,
  type SubmissionView,
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
  Role,
  RoleGrant,
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

/** What the adapter needs. */
export interface AdapterOptions {
  /** The SQLite file (`.plus/sandbox.db`). */
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

  constructor(options: AdapterOptions) {
    this.#options = options
    this.#bundle = options.bundle
    this.#store = openSqliteStore({ path: options.dbPath })
    try {
      this.#engine = createEngine({ store: this.#store, bundle: options.bundle, clock: options.clock })
    } catch (error) {
      // The database already runs this version number with other content (the content was edited
      // without a new version since the last run). Keep running on the stored content.
      const stored = isVersionReuse(error) ? this.#store.loadBundle(options.bundle.programme.version) : null
      if (!stored) {
        this.#store.close()
        throw error
      }
      this.#engine = createEngine({ store: this.#store, bundle: stored, clock: options.clock })
      this.#bundle = stored
      this.startedOnStoredContent = true
    }
    this.#setUp()
  }

  /** True when the given bundle reused a stored version number with other content, so the stored one runs. */
  readonly startedOnStoredContent: boolean = false

  /** The bundle programmes run on. */
  get bundle(): PlusBundle {
    return this.#bundle
  }

  /** Creates the units and grants every role, once per database. */
  #setUp(): void {
    for (const unit of UNITS) {
      const admin = STAFF.find((s) => s.unitId === unit.unitId && s.role === 'behorighetsadministrator')
      if (!admin) throw new Error(`The sandbox unit ${unit.unitId} needs a behörighetsadministratör`)
      if (this.#store.getUnit(unit.unitId)) continue
      this.#engine.createUnit(unit, admin.id)
      for (const person of STAFF.filter((s) => s.unitId === unit.unitId && s.id !== admin.id)) {
        this.#engine.execute(actorOf(admin), { type: 'grant-role', userId: person.id, role: person.role })
      }
    }
  }

  /** Runs an engine call, turning a refusal into `Refused`. */
  #try<T>(fn: () => T): T {
    try {
      return fn()
    } catch (error) {
      if (error instanceof EngineRefusal) {
        throw new Refused(error.refusal.code, error.refusal.message, (error.refusal.problems ?? []).map((p) => ({ questionId: p.questionId, code: p.code })))
      }
      throw error
    }
  }

  // ── Content ────────────────────────────────────────────────────────────────────────────

  /**
   * Runs the engine on a new bundle; running programmes move to it. The engine refuses a
   * version number it already holds with other content; then the old bundle stays in use.
   */
  replaceBundle(bundle: PlusBundle): BundleSwap {
    try {
      this.#engine = createEngine({ store: this.#store, bundle, clock: this.#options.clock })
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

  myProgrammes(person: StaffPerson): ProgrammeListRow[] {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'list-mine' }))
  }

  unitProgrammes(person: StaffPerson): ProgrammeListRow[] {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'list-unit' }))
  }

  endedProgrammes(person: StaffPerson): ProgrammeListRow[] {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'list-ended' }))
  }

  startProgramme(person: StaffPerson, personnummer: string): string {
    const result = this.#try(() => this.#engine.execute(actorOf(person), { type: 'start-programme', personnummer }))
    if (result.programmeId === null) throw new Error('start-programme returned no programme')
    return result.programmeId
  }

  overview(person: StaffPerson, programmeId: string): Overview {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'overview', programmeId }))
  }

  tree(person: StaffPerson, programmeId: string): ProgrammeTree {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'programme-tree', programmeId }))
  }

  /**
   * "Hantera händelser", with the submissions that need a look first: alerted answers, then the
   * form's highest band, then unread, then the newest.
   */
  events(person: StaffPerson, programmeId: string): EventsView {
    const view = this.#try(() => this.#engine.query(actorOf(person), { type: 'events', programmeId }))
    const weight = (s: SubmissionSummary): number => (s.alerts.length > 0 ? 4 : 0) + (s.inTopBand ? 2 : 0) + (s.read ? 0 : 1)
    const submissions = [...view.submissions].sort((a, b) => weight(b) - weight(a) || b.submittedAt.localeCompare(a.submittedAt))
    return { ...view, submissions }
  }

  /** Opens a submitted form: it becomes read. */
  openSubmission(person: StaffPerson, programmeId: string, submissionId: string): SubmissionView {
    return this.#try(() => this.#engine.openSubmission(actorOf(person), programmeId, submissionId))
  }

  submission(person: StaffPerson, programmeId: string, submissionId: string): SubmissionView {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'submission', programmeId, submissionId }))
  }

  startModules(person: StaffPerson, programmeId: string, modules: ModuleStart[]): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'start-modules', programmeId, modules }))
  }

  changeClosingDate(person: StaffPerson, programmeId: string, moduleId: string, closesOn: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'change-module-closing-date', programmeId, moduleId, closesOn }))
  }

  editWelcome(person: StaffPerson, programmeId: string, text: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'edit-welcome-text', programmeId, text }))
  }

  endProgramme(person: StaffPerson, programmeId: string, reason: string): void {
    // An unknown reason reaches the engine as it is; the engine refuses it (invalid-end-reason).
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'end-programme', programmeId, reason: reason as EndReason }))
  }

  retainProgramme(person: StaffPerson, programmeId: string, until: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'retain-programme', programmeId, until }))
  }

  handOver(person: StaffPerson, programmeId: string, toUnitId: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'hand-over', programmeId, toUnitId }))
  }

  changeResponsible(person: StaffPerson, programmeId: string, responsibleUserId: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'change-responsible', programmeId, responsibleUserId }))
  }

  acceptHandover(person: StaffPerson, programmeId: string, responsibleUserId: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'accept-handover', programmeId, responsibleUserId }))
  }

  // ── Messages (patient and behandlare) ──────────────────────────────────────────────────

  messages(person: Person, programmeId: string): MessageView[] {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'messages', programmeId }))
  }

  sendMessage(person: Person, programmeId: string, text: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'send-message', programmeId, text }))
  }

  markMessagesRead(person: Person, programmeId: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'mark-messages-read', programmeId }))
  }

  // ── Patient ────────────────────────────────────────────────────────────────────────────

  patientProgrammes(person: Person): PatientProgrammeSummary[] {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'patient-programmes' }))
  }

  patientView(person: Person, programmeId: string): PatientView {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'patient-view', programmeId }))
  }

  /** Records that the patient opened a step (the first time counts). */
  openStep(person: Person, programmeId: string, stepId: string): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'open-step', programmeId, stepId }))
  }

  submitForm(person: Person, programmeId: string, formId: string, answers: Answers): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'submit-form', programmeId, formId, answers }))
  }

  setMobileNumber(person: Person, programmeId: string, mobileNumber: string | null): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'set-mobile-number', programmeId, mobileNumber }))
  }

  patientExport(person: Person, programmeId: string): PatientExport {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'patient-export', programmeId }))
  }

  // ── Dataadministratör ──────────────────────────────────────────────────────────────────

  exportEnded(person: StaffPerson, format: 'json' | 'csv'): { fileName: string; mediaType: string; body: string } {
    const file = this.#try(() => this.#engine.query(actorOf(person), { type: 'export-ended', format }))
    return { fileName: file.fileName, mediaType: file.mediaType, body: file.body }
  }

  purge(person: StaffPerson, programmeIds: string[]): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'purge-programmes', programmeIds }))
  }

  // ── Behörighetsadministratör and everyone's profile ────────────────────────────────────

  unitRoles(person: StaffPerson): RoleGrant[] {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'unit-roles' }))
  }

  grantRole(person: StaffPerson, userId: string, role: Role): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'grant-role', userId, role }))
  }

  withdrawRole(person: StaffPerson, userId: string, role: Role): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'withdraw-role', userId, role }))
  }

  preferences(person: StaffPerson): NotificationPreferences {
    return this.#try(() => this.#engine.query(actorOf(person), { type: 'notification-preferences' }))
  }

  setPreferences(person: StaffPerson, preferences: NotificationPreferences): void {
    this.#try(() => this.#engine.execute(actorOf(person), { type: 'set-notification-preferences', ...preferences }))
  }

  /** The roles a staff member holds now (the behörighetsadministratör may have changed them). */
  rolesOf(person: StaffPerson): Role[] {
    return this.#store.rolesOf(person.id, person.unitId)
  }

  // ── Flags and the outbox ───────────────────────────────────────────────────────────────

  /** Runs the flag sweep at the clock's time; returns how many flags went out. */
  sweepFlags(): number {
    return this.#engine.deliverDueFlags().delivered.length
  }

  /** Whether any undelivered flag is scheduled for the Stockholm day `date` (`YYYY-MM-DD`). */
  hasFlagScheduledOn(date: string): boolean {
    return this.#store.listDueFlagKeys(date).length > 0
  }

  /**
   * Sends what waits in the outbox, as a host's delivery process would, at the clock's time.
   * Returns how many notifications went out.
   */
  sendOutbox(): number {
    const pending = this.#engine.pendingNotifications('provkor')
    for (const message of pending) this.#engine.markNotificationSent('provkor', message.outboxId)
    return pending.length
  }

  /** Every notification, oldest first. */
  outbox(): OutboxItem[] {
    const started = new Map<string, string | null>()
    const startedOn = (programmeId: string): string | null => {
      if (!started.has(programmeId)) started.set(programmeId, this.#store.getProgramme(programmeId)?.startedOn ?? null)
      return started.get(programmeId) ?? null
    }
    return this.#store.listOutbox().map((m) => ({
      id: m.outboxId,
      programmeId: m.programmeId,
      recipient: m.recipient,
      recipientId: m.recipient === 'clinician' ? m.recipientRef : patientIdOf(m.recipientRef),
      channel: m.channel,
      title: m.title,
      text: m.text,
      createdAt: m.createdAt,
      sentAt: m.sentAt,
      programmeDay: ((first) => (first === null ? null : daysBetween(first, localDate(m.sentAt ?? m.createdAt))))(startedOn(m.programmeId)),
    }))
  }

  /** How many programmes the database holds, in any state (for "Börja om" and the tests). */
  programmeCount(): number {
    return this.#store.listProgrammes({}).length
  }

  close(): void {
    this.#engine.close()
  }

  /** Closes the database, deletes its files and opens a fresh one with the same people. */
  static reset(current: SandboxEngine, bundle: PlusBundle = current.#bundle): SandboxEngine {
    const options = { ...current.#options, bundle }
    current.close()
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${options.dbPath}${suffix}`, { force: true })
    return new SandboxEngine(options)
  }
}

/** The engine's refusal to store a known version number with other content (a plain Error today). */
function isVersionReuse(error: unknown): boolean {
  return error instanceof Error && /already stored with different content/.test(error.message)
}

/** The engine's actor for a sandbox person. */
function actorOf(person: Person): Actor {
  return person.kind === 'staff'
    ? { kind: 'staff', userId: person.id, unitId: person.unitId }
    : { kind: 'patient', personnummer: person.personnummer }
}

/** The sandbox patient an outbox row is addressed to (the engine names them by personnummer). */
function patientIdOf(recipientRef: string): string | null {
  const digits = recipientRef.replace(/\D/g, '')
  return PATIENT_IDS.get(digits) ?? null
}

const PATIENT_IDS = new Map(PATIENTS.map((p) => [p.personnummer.replace('-', ''), p.id]))
