// The programme engine as a host application uses it: every command and query is checked by
// permissions.ts, decided and evolved, stored in one transaction with its audit entry, and
// followed by the flags it makes due. Refusals are thrown as EngineRefusal and logged; misuse of
// the API (a malformed actor, a broken clock) throws a TypeError.
import { createHash, randomUUID } from 'node:crypto'
import type { PlusBundle } from '../types/bundle.generated.ts'
import { localDate } from './calendar.ts'
import type { Command, ProgrammeCommand, UnitCommand } from './commands.ts'
import { type ContentIndex, indexContent } from './content.ts'
import { actorRef, decide, type DecideFacts } from './decide.ts'
import type { ProgrammeEvent } from './events.ts'
import { evolveAll } from './evolve.ts'
import { type ExportFile, type PatientExport, patientExport, unitExportFile } from './export.ts'
import { dueFlags, flagSchedule } from './flags.ts'
import { type FlagNotification, flagNotification, type Notifier, outboxNotifier } from './notifier.ts'
import { type Action, authorize, PERMISSIONS, type Target } from './permissions.ts'
import { parsePersonnummer } from './personnummer.ts'
import type { Query } from './queries.ts'
import { EngineRefusal, type Refusal, refusal } from './refusals.ts'
import { type Actor, isRole, type Role } from './roles.ts'
import type { ProgrammeState } from './state.ts'
import { auditEntry } from './audit.ts'
import {
  ConcurrencyConflict,
  OpenProgrammeExists,
  type EngineStore,
  type NotificationPreferences,
  type OutboxMessage,
  type RoleGrant,
  type Unit,
} from './store/types.ts'
import {
  type EventsView,
  eventsView,
  type MessageView,
  messageViews,
  type Overview,
  overview,
  type PatientProgrammeSummary,
  type PatientView,
  patientView,
  type ProgrammeListRow,
  type ProgrammeTree,
  listRow,
  programmeTitle,
  programmeTree,
  type SubmissionView,
  submissionView,
} from './views.ts'

/** What the engine needs. */
export interface EngineOptions {
  store: EngineStore
  /** The compiled content bundle programmes run on now. */
  bundle: PlusBundle
  /** The current time. Injected so tests and the demo can move it. */
  clock: () => Date
  /** Fresh unique ids; defaults to random UUIDs. */
  newId?: () => string
  /** Where flags go; defaults to the outbox table in the store. */
  notifier?: Notifier
}

/** The outcome of a command. */
export interface CommandResult {
  /** The programme the command concerned, if any. */
  programmeId: string | null
  /** The programme's version after the command, if any. */
  version: number | null
  /** What happened (empty when the command changed nothing, e.g. marking read twice). */
  events: ProgrammeEvent[]
  /** Flags delivered because of this command (e.g. "programme started"). */
  flags: FlagNotification[]
}

/** The result type of each query. */
export interface QueryResults {
  'patient-programmes': PatientProgrammeSummary[]
  'patient-view': PatientView
  messages: MessageView[]
  'patient-export': PatientExport
  'programme-tree': ProgrammeTree
  overview: Overview
  events: EventsView
  submission: SubmissionView
  'list-mine': ProgrammeListRow[]
  'list-unit': ProgrammeListRow[]
  'list-ended': ProgrammeListRow[]
  'export-ended': ExportFile
  'unit-roles': RoleGrant[]
  'notification-preferences': NotificationPreferences
}

/** The result of one run of the flag scheduler. */
export interface FlagRun {
  delivered: FlagNotification[]
  /** Flags whose notifier threw; they stay undelivered and are retried on the next run. */
  failed: { programmeId: string; flagId: string; error: unknown }[]
}

/** The programme engine. */
export interface Engine {
  /** The content the engine runs on. */
  readonly content: ContentIndex
  /** Runs a command as the actor. Throws EngineRefusal when refused. */
  execute(actor: Actor, command: Command): CommandResult
  /** Runs a query as the actor. Throws EngineRefusal when refused. */
  query<Q extends Query>(actor: Actor, query: Q): QueryResults[Q['type']]
  /** "Hantera händelser": opens a submitted form, marking it read, and returns it. */
  openSubmission(actor: Actor, programmeId: string, submissionId: string): SubmissionView
  /** Delivers every flag that is due and not yet delivered. Run it from a scheduler. */
  deliverDueFlags(): FlagRun
  /** Host setup: creates a care unit with its first behörighetsadministratör. */
  createUnit(unit: Unit, firstAdministratorUserId: string): void
  /** Host delivery process: notifications waiting to be sent. */
  pendingNotifications(process: string): OutboxMessage[]
  /** Host delivery process: marks a notification sent. */
  markNotificationSent(process: string, outboxId: string): void
  close(): void
}

const OPEN: ProgrammeState['lifecycle']['status'][] = ['active', 'retained']
/** Programmes per commit in the flag sweep: bounds how long the sweep holds the write lock. */
const SWEEP_CHUNK = 500

/** Creates an engine over a store and a bundle; moves running programmes to the bundle's version. */
export function createEngine(options: EngineOptions): Engine {
  const { store } = options
  const content = indexContent(options.bundle)
  const newId = options.newId ?? randomUUID
  const notifier = options.notifier ?? outboxNotifier(store, newId)
  const contentCache = new Map<string, ContentIndex | null>([[content.version, content]])

  const now = (): string => {
    const date = options.clock()
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('The clock must return a valid Date')
    return date.toISOString()
  }

  const lookup = (version: string): ContentIndex | null => {
    if (!contentCache.has(version)) {
      const bundle = store.loadBundle(version)
      contentCache.set(version, bundle ? indexContent(bundle) : null)
    }
    return contentCache.get(version) ?? null
  }

  const facts: DecideFacts = {
    hasOpenProgramme: (patient) => store.listProgrammes({ patient, statuses: OPEN }).length > 0,
    isBehandlare: (userId, unitId) => store.rolesOf(userId, unitId).includes('behandlare'),
    unitExists: (unitId) => store.getUnit(unitId) !== null,
  }

  adoptBundle(store, options.bundle, content, now())

  /** The actor's roles (staff) and normalised personnummer (patient). Throws on a malformed actor. */
  function whoIs(actor: Actor, at: string): { roles: Role[]; patient: string | null } {
    if (actor === null || typeof actor !== 'object') throw new TypeError('Expected an actor')
    switch (actor.kind) {
      case 'staff':
        if (!nonEmpty(actor.userId) || !nonEmpty(actor.unitId)) throw new TypeError('A staff actor needs userId and unitId')
        return { roles: store.rolesOf(actor.userId, actor.unitId), patient: null }
      case 'patient': {
        const parsed = typeof actor.personnummer === 'string' ? parsePersonnummer(actor.personnummer, localDate(at)) : null
        // The host authenticated the patient; an invalid number is a host bug. Never echo it.
        if (!parsed?.ok) throw new TypeError('A patient actor needs a valid personnummer')
        return { roles: [], patient: parsed.personnummer.value }
      }
      case 'system':
        if (!nonEmpty(actor.process)) throw new TypeError('A system actor needs a process name')
        return { roles: [], patient: null }
      default:
        throw new TypeError('Unknown actor kind')
    }
  }

  /** Logs a refusal and throws it. */
  function refuse(actor: Actor, action: Action, refused: Refusal, at: string, target?: ProgrammeState | null): never {
    store.appendAudit(
      auditEntry(actor, {
        at,
        programmeId: target?.programmeId ?? refused.programmeId ?? null,
        programmeUnitId: target?.unitId ?? null,
        action,
        access: PERMISSIONS[action].access,
        outcome: 'refused',
        refusalCode: refused.code,
      }),
    )
    throw new EngineRefusal(refused)
  }

  function logOk(actor: Actor, action: Action, at: string, programme: ProgrammeState | null): void {
    store.appendAudit(
      auditEntry(actor, {
        at,
        programmeId: programme?.programmeId ?? null,
        programmeUnitId: programme?.unitId ?? null,
        action,
        access: PERMISSIONS[action].access,
        outcome: 'ok',
        refusalCode: null,
      }),
    )
  }

  /** The one gate: role first, then the programme (exists, same unit, own programme). */
  function gate(actor: Actor, action: Action, at: string, programmeId?: string): { who: ReturnType<typeof whoIs>; state: ProgrammeState | null } {
    const who = whoIs(actor, at)
    const base = { roles: who.roles, patient: who.patient, target: null, ...(programmeId === undefined ? {} : { programmeId }) }
    const denied = authorize(actor, action, base)
    if (denied) refuse(actor, action, denied, at)
    if (programmeId === undefined) return { who, state: null }
    if (!nonEmpty(programmeId)) throw new TypeError(`${action} needs a programmeId`)
    const state = store.getProgramme(programmeId)
    if (!state) refuse(actor, action, refusal('programme-not-found', { programmeId }), at)
    const target: Target = { unitId: state.unitId, patient: state.patient }
    const deniedHere = authorize(actor, action, { ...base, target })
    if (deniedHere) refuse(actor, action, deniedHere, at, state)
    return { who, state }
  }

  function deliverFor(state: ProgrammeState, at: string, run: FlagRun): void {
    for (const due of dueFlags(state, content, at)) {
      if (store.hasFlagDelivery(due.key)) continue
      try {
        const delivered = store.transaction(() => {
          if (!store.recordFlagDelivery(due.key, at)) return null
          const preferences = due.recipient.kind === 'clinician' ? store.getPreferences(due.recipient.userId) : null
          const notification = flagNotification(due, state, preferences, at)
          notifier.notify(notification)
          const system: Actor = { kind: 'system', process: 'flags' }
          store.appendAudit(
            auditEntry(system, {
              at,
              programmeId: state.programmeId,
              programmeUnitId: state.unitId,
              action: 'deliver-flag',
              access: 'write',
              outcome: 'ok',
              refusalCode: null,
            }),
          )
          return notification
        })
        if (delivered) run.delivered.push(delivered)
      } catch (error) {
        run.failed.push({ programmeId: state.programmeId, flagId: due.flag.id, error })
      }
    }
  }

  function executeProgrammeCommand(actor: Actor, command: ProgrammeCommand, at: string): CommandResult {
    const programmeId = command.type === 'start-programme' ? undefined : command.programmeId
    const { state } = gate(actor, command.type, at, programmeId)
    const decision = decide(command, state, { now: at, actor, content, newId, facts })
    if (!decision.ok) refuse(actor, command.type, decision.refusal, at, state)
    const next = evolveAll(decision.events, state)
    if (next === null) throw new Error(`${command.type} produced no programme`)
    try {
      store.transaction(() => {
        store.appendEvents(next.programmeId, state?.version ?? 0, decision.events, next, flagSchedule(next, content))
        logOk(actor, command.type, at, next)
      })
    } catch (error) {
      if (error instanceof ConcurrencyConflict) {
        refuse(actor, command.type, refusal('version-conflict', { programmeId: next.programmeId }), at, state)
      }
      if (error instanceof OpenProgrammeExists) refuse(actor, command.type, refusal('programme-already-active'), at, state)
      throw error
    }
    const run: FlagRun = { delivered: [], failed: [] }
    if (decision.events.length > 0) deliverFor(next, at, run)
    return { programmeId: next.programmeId, version: next.version, events: decision.events, flags: run.delivered }
  }

  function executeUnitCommand(actor: Actor, command: UnitCommand, at: string): CommandResult {
    const done: CommandResult = { programmeId: null, version: null, events: [], flags: [] }
    if (command.type === 'purge-programmes') return purge(actor, command.programmeIds, at)
    gate(actor, command.type, at)
    if (actor.kind !== 'staff') throw new Error('unreachable: unit commands are staff only')
    switch (command.type) {
      case 'grant-role':
      case 'withdraw-role': {
        if (!nonEmpty(command.userId)) refuse(actor, command.type, refusal('invalid-user'), at)
        if (!isRole(command.role)) throw new TypeError(`Unknown role ${String(command.role)}`)
        const held = store.rolesOf(command.userId, actor.unitId).includes(command.role)
        // Checked before the transaction: a refusal's audit entry must not be rolled back.
        if (command.type === 'grant-role' && held) refuse(actor, command.type, refusal('role-already-granted'), at)
        if (command.type === 'withdraw-role') {
          if (!held) refuse(actor, command.type, refusal('role-not-granted'), at)
          const admins = store.unitRoles(actor.unitId).filter((g) => g.role === 'behorighetsadministrator')
          if (command.role === 'behorighetsadministrator' && admins.length <= 1) {
            refuse(actor, command.type, refusal('last-administrator'), at)
          }
        }
        store.transaction(() => {
          if (command.type === 'grant-role') {
            store.grantRole({ unitId: actor.unitId, userId: command.userId, role: command.role, grantedAt: at, grantedBy: actor.userId })
          } else {
            store.withdrawRole(actor.unitId, command.userId, command.role)
          }
          logOk(actor, command.type, at, null)
        })
        return done
      }
      case 'set-notification-preferences': {
        if (typeof command.email !== 'boolean' || typeof command.sms !== 'boolean') {
          throw new TypeError('email and sms must be booleans')
        }
        store.transaction(() => {
          store.setPreferences(actor.userId, { email: command.email, sms: command.sms })
          logOk(actor, command.type, at, null)
        })
        return done
      }
      default: {
        const never: never = command
        throw new TypeError(`Unknown command ${JSON.stringify(never)}`)
      }
    }
  }

  function purge(actor: Actor, programmeIds: readonly string[], at: string): CommandResult {
    gate(actor, 'purge-programmes', at)
    if (!Array.isArray(programmeIds) || programmeIds.length === 0) throw new TypeError('purge-programmes needs programme ids')
    // All or nothing: every programme is checked before any is removed.
    const states = [...new Set(programmeIds)].map((id) => {
      const { state } = gate(actor, 'purge-programmes', at, id)
      if (!state) throw new Error('unreachable')
      if (state.lifecycle.status !== 'ended') refuse(actor, 'purge-programmes', refusal('programme-not-ended', { programmeId: id }), at, state)
      return state
    })
    store.transaction(() => {
      for (const state of states) {
        store.deleteProgramme(state.programmeId)
        logOk(actor, 'purge-programmes', at, state)
      }
    })
    // Rewrites the file so the deleted rows are gone from disk, not just unlinked.
    store.compact()
    return { programmeId: null, version: null, events: [], flags: [] }
  }

  function patientMayRead(actor: Actor, action: Action, state: ProgrammeState, at: string): void {
    if (actor.kind !== 'patient') return
    const { lifecycle } = state
    const closed = lifecycle.status === 'ended' || (lifecycle.status === 'retained' && localDate(at) >= lifecycle.until)
    if (closed) refuse(actor, action, refusal('programme-closed', { programmeId: state.programmeId }), at, state)
  }

  function runQuery(actor: Actor, q: Query): unknown {
    const at = now()
    switch (q.type) {
      case 'patient-programmes': {
        const { who } = gate(actor, q.type, at)
        const today = localDate(at)
        const mine = store
          .listProgrammes({ patient: who.patient ?? '', statuses: OPEN })
          .filter((p) => p.lifecycle.status === 'active' || (p.lifecycle.status === 'retained' && today < p.lifecycle.until))
        store.transaction(() => (mine.length === 0 ? logOk(actor, q.type, at, null) : mine.forEach((p) => logOk(actor, q.type, at, p))))
        return mine.map(
          (p): PatientProgrammeSummary => ({
            programmeId: p.programmeId,
            title: programmeTitle(content),
            startedOn: p.startedOn,
            readOnly: p.lifecycle.status !== 'active',
          }),
        )
      }
      case 'patient-view':
      case 'messages':
      case 'patient-export':
      case 'programme-tree':
      case 'overview':
      case 'events':
      case 'submission': {
        const { state } = gate(actor, q.type, at, q.programmeId)
        if (!state) throw new Error('unreachable')
        patientMayRead(actor, q.type, state, at)
        const result = programmeQuery(q, state, at, actor)
        logOk(actor, q.type, at, state)
        return result
      }
      case 'list-mine':
      case 'list-unit':
      case 'list-ended': {
        gate(actor, q.type, at)
        if (actor.kind !== 'staff') throw new Error('unreachable: lists are staff only')
        const rows = store.listProgrammes({
          unitId: actor.unitId,
          ...(q.type === 'list-mine' ? { responsibleUserId: actor.userId } : {}),
          statuses: q.type === 'list-ended' ? ['ended'] : OPEN,
        })
        store.transaction(() => (rows.length === 0 ? logOk(actor, q.type, at, null) : rows.forEach((p) => logOk(actor, q.type, at, p))))
        return rows.map((p) => listRow(p, actor.userId, at))
      }
      case 'export-ended': {
        gate(actor, q.type, at)
        if (actor.kind !== 'staff') throw new Error('unreachable: exports are staff only')
        if (q.format !== 'json' && q.format !== 'csv') throw new TypeError('format must be json or csv')
        const ended = store.listProgrammes({ unitId: actor.unitId, statuses: ['ended'] })
        store.transaction(() => (ended.length === 0 ? logOk(actor, q.type, at, null) : ended.forEach((p) => logOk(actor, q.type, at, p))))
        return unitExportFile(actor.unitId, ended, at, q.format)
      }
      case 'unit-roles': {
        gate(actor, q.type, at)
        if (actor.kind !== 'staff') throw new Error('unreachable')
        logOk(actor, q.type, at, null)
        return store.unitRoles(actor.unitId)
      }
      case 'notification-preferences': {
        gate(actor, q.type, at)
        if (actor.kind !== 'staff') throw new Error('unreachable')
        logOk(actor, q.type, at, null)
        return store.getPreferences(actor.userId)
      }
      default: {
        const never: never = q
        throw new TypeError(`Unknown query ${JSON.stringify(never)}`)
      }
    }
  }

  function programmeQuery(q: Extract<Query, { programmeId: string }>, state: ProgrammeState, at: string, actor: Actor): unknown {
    switch (q.type) {
      case 'patient-view':
        return patientView(state, content, at)
      case 'messages':
        return messageViews(state)
      case 'patient-export':
        return patientExport(state, content, lookup, at)
      case 'programme-tree':
        return programmeTree(state, content, at)
      case 'overview':
        return overview(state, at)
      case 'events':
        return eventsView(state, content, lookup)
      case 'submission': {
        const submission = state.submissions.find((s) => s.submissionId === q.submissionId)
        if (!submission) refuse(actor, q.type, refusal('unknown-submission', { programmeId: state.programmeId }), at, state)
        return submissionView(submission, content, lookup)
      }
      default: {
        const never: never = q
        throw new TypeError(`Unknown query ${JSON.stringify(never)}`)
      }
    }
  }

  const system = (process: string): Actor => {
    if (!nonEmpty(process)) throw new TypeError('A system process needs a name')
    return { kind: 'system', process }
  }

  function execute(actor: Actor, command: Command): CommandResult {
    const at = now()
    if (command === null || typeof command !== 'object') throw new TypeError('Expected a command')
    switch (command.type) {
      case 'grant-role':
      case 'withdraw-role':
      case 'set-notification-preferences':
      case 'purge-programmes':
        return executeUnitCommand(actor, command, at)
      default:
        if (!Object.hasOwn(PERMISSIONS, command.type)) throw new TypeError(`Unknown command ${String(command.type)}`)
        return executeProgrammeCommand(actor, command, at)
    }
  }

  function query<Q extends Query>(actor: Actor, q: Q): QueryResults[Q['type']] {
    if (q === null || typeof q !== 'object' || !Object.hasOwn(PERMISSIONS, q.type)) throw new TypeError('Expected a query')
    return runQuery(actor, q) as QueryResults[Q['type']]
  }

  return {
    content,
    execute,
    query,

    openSubmission(actor, programmeId, submissionId) {
      execute(actor, { type: 'mark-submission-read', programmeId, submissionId })
      return query(actor, { type: 'submission', programmeId, submissionId })
    },

    deliverDueFlags() {
      const at = now()
      const run: FlagRun = { delivered: [], failed: [] }
      // The store's flag schedule names the programmes with an undelivered flag due today; each
      // one's state then decides, as for a single programme, exactly what goes out.
      const due = new Set(store.listDueFlagKeys(localDate(at)).map((key) => key.programmeId))
      const states = [...due]
        .map((programmeId) => store.getProgramme(programmeId))
        .filter((state): state is ProgrammeState => state !== null)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.programmeId.localeCompare(b.programmeId))
      // A few hundred programmes per commit rather than one commit (and disk sync) per flag. Each
      // flag still has its own savepoint, so a notifier that throws loses only its own flag; if
      // the commit itself fails, none of the chunk was delivered and all of it is retried.
      for (let first = 0; first < states.length; first += SWEEP_CHUNK) {
        const chunk: FlagRun = { delivered: [], failed: [] }
        try {
          store.transaction(() => {
            for (const state of states.slice(first, first + SWEEP_CHUNK)) deliverFor(state, at, chunk)
          })
          run.delivered.push(...chunk.delivered)
          run.failed.push(...chunk.failed)
        } catch (error) {
          run.failed.push(...chunk.failed, ...chunk.delivered.map((f) => ({ programmeId: f.programmeId, flagId: f.flagId, error })))
        }
      }
      return run
    },

    createUnit(unit, firstAdministratorUserId) {
      const at = now()
      const actor = system('setup')
      if (!nonEmpty(unit.unitId) || !nonEmpty(unit.name) || !nonEmpty(firstAdministratorUserId)) {
        throw new TypeError('createUnit needs a unit id, a name and the first administrator')
      }
      store.transaction(() => {
        if (store.getUnit(unit.unitId)) throw new EngineRefusal(refusal('unit-exists'))
        store.createUnit({ unitId: unit.unitId, name: unit.name }, at)
        store.grantRole({ unitId: unit.unitId, userId: firstAdministratorUserId, role: 'behorighetsadministrator', grantedAt: at, grantedBy: 'system' })
        store.appendAudit(auditEntry(actor, { at, programmeId: null, programmeUnitId: unit.unitId, action: 'create-unit', access: 'write', outcome: 'ok', refusalCode: null }))
      })
    },

    pendingNotifications(process) {
      const at = now()
      const actor = system(process)
      const pending = store.listOutbox({ unsentOnly: true })
      store.transaction(() => {
        for (const m of pending) {
          store.appendAudit(auditEntry(actor, { at, programmeId: m.programmeId, action: 'deliver-flag', access: 'read', outcome: 'ok', refusalCode: null }))
        }
      })
      return pending
    },

    markNotificationSent(process, outboxId) {
      system(process)
      store.markOutboxSent(outboxId, now())
    },

    close() {
      store.close()
    },
  }
}

/**
 * What the stored flag schedule depends on besides each programme's state: the flag definitions
 * and the way flagSchedule reads them. A change of either rebuilds the schedule.
 */
function flagScheduleBasis(content: ContentIndex): string {
  const flags = JSON.stringify(content.bundle.programme.flags)
  return `flag-schedule-1:sha256:${createHash('sha256').update(flags).digest('hex')}`
}

/**
 * Registers the bundle and moves running programmes on to its version (ids are stable). Rebuilds
 * the flag schedule when it was computed from other flag definitions, or never (a database from
 * before the schedule existed).
 */
function adoptBundle(store: EngineStore, bundle: PlusBundle, content: ContentIndex, at: string): void {
  const hash = `sha256:${createHash('sha256').update(JSON.stringify(bundle)).digest('hex')}`
  const actor: Actor = { kind: 'system', process: 'content-update' }
  store.transaction(() => {
    if (store.saveBundle(bundle, hash, at) === 'conflict') {
      throw new Error(`Bundle version ${content.version} is already stored with different content; give the new content a new version`)
    }
    for (const state of store.listProgrammes({ statuses: OPEN })) {
      if (state.contentVersion === content.version) continue
      const event: ProgrammeEvent = {
        type: 'content-updated',
        fromVersion: state.contentVersion,
        toVersion: content.version,
        at,
        by: actorRef(actor),
      }
      const next = evolveAll([event], state)
      if (!next) throw new Error('unreachable')
      store.appendEvents(state.programmeId, state.version, [event], next, flagSchedule(next, content))
      store.appendAudit(auditEntry(actor, { at, programmeId: state.programmeId, programmeUnitId: state.unitId, action: 'update-content', access: 'write', outcome: 'ok', refusalCode: null }))
    }
    const basis = flagScheduleBasis(content)
    if (store.getFlagScheduleBasis() !== basis) {
      // Every programme, so that none keeps entries from the old definitions; only running
      // programmes get any.
      for (const state of store.listProgrammes({})) store.replaceFlagSchedule(state.programmeId, flagSchedule(state, content))
      store.setFlagScheduleBasis(basis)
    }
  })
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== ''
}
