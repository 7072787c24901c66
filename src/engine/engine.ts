// The programme engine as a host application uses it. createEngine wires the rooms together:
// the gate (core/gate.ts) that every command and query passes, running a command
// (core/run-command.ts), running a query (core/run-query.ts), the flag sweep
// (core/flag-sweep.ts) and adopting a new bundle (core/adopt-bundle.ts). Refusals are thrown as
// EngineRefusal and logged; misuse of the API (a malformed actor, a broken clock) throws a
// TypeError.
import { auditEntry } from './audit.ts'
import type { Command } from './commands.ts'
import type { ContentIndex } from './content.ts'
import { adoptBundle } from './core/adopt-bundle.ts'
import { type CommandResult, type ContextOptions, createContext, type FlagRun, nonEmpty } from './core/context.ts'
import { exportEnded, type ExportSummary } from './core/export-ended.ts'
import { sweepFlags } from './core/flag-sweep.ts'
import { createGate } from './core/gate.ts'
import { runCommand } from './core/run-command.ts'
import { type QueryResults, runQuery } from './core/run-query.ts'
import type { ExportFormat, ExportHeader } from './export.ts'
import type { NotificationRecipient } from './notifier.ts'
import type { Query } from './queries.ts'
import { EngineRefusal, refusal } from './refusals.ts'
import type { Actor } from './roles.ts'
import type { OutboxMessage, Unit } from './store/types.ts'
import { isSafeUnitId } from './unit-id.ts'
import type { SubmissionView } from './views.ts'

export type { CommandResult, EngineHooks, FlagRun } from './core/context.ts'
export type { QueryResults } from './core/run-query.ts'
export type { ExportSummary } from './core/export-ended.ts'

/** What the engine needs: its store, content, clock and policies (documented on ContextOptions). */
export type EngineOptions = ContextOptions

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
  /**
   * The dataadministratör's export of the unit's ended programmes, streamed to `write` piece by
   * piece (memory stays flat); `header` gets the file name and media type first. The query
   * `export-ended` returns the same file as one string.
   */
  exportEnded(actor: Actor, format: ExportFormat, write: (chunk: string) => void, header?: (header: ExportHeader) => void): ExportSummary
  /** Host setup: creates a care unit with its first behörighetsadministratör. */
  createUnit(unit: Unit, firstAdministratorUserId: string): void
  /** Host delivery process: notifications waiting to be sent. */
  pendingNotifications(process: string): OutboxMessage[]
  /** Host delivery process: marks a notification sent. */
  markNotificationSent(process: string, outboxId: string): void
  /**
   * Host delivery process: whom an outbox message is for. The outbox names the patient only by
   * programme id; this gives the host their personnummer to find the address in its own records
   * (logged as a read). Null when the message does not exist or its programme was purged.
   */
  notificationRecipient(process: string, outboxId: string): NotificationRecipient | null
  close(): void
}

/** Creates an engine over a store and a bundle; moves running programmes to the bundle's version. */
export function createEngine(options: EngineOptions): Engine {
  const { store } = options
  const ctx = createContext(options)
  const { content } = ctx
  const gate = createGate(store)

  adoptBundle(store, options.bundle, content, ctx.now())
  // A purge that a crash or a reader interrupted is finished before anything else happens.
  if (store.hasUnfinishedPurge()) store.finishPurges(ctx.now())

  const system = (process: string): Actor => {
    if (!nonEmpty(process)) throw new TypeError('A system process needs a name')
    return { kind: 'system', process }
  }
  const execute = (actor: Actor, command: Command): CommandResult => runCommand(ctx, gate, actor, command)
  const query = <Q extends Query>(actor: Actor, q: Q): QueryResults[Q['type']] => runQuery(ctx, gate, actor, q)

  return {
    content,
    execute,
    query,

    openSubmission(actor, programmeId, submissionId) {
      execute(actor, { type: 'mark-submission-read', programmeId, submissionId })
      return query(actor, { type: 'submission', programmeId, submissionId })
    },

    deliverDueFlags: () => sweepFlags(ctx),

    exportEnded: (actor, format, write, header) => exportEnded(ctx, gate, actor, format, write, header),

    createUnit(unit, firstAdministratorUserId) {
      const at = ctx.now()
      const actor = system('setup')
      if (!nonEmpty(unit.unitId) || !nonEmpty(unit.name) || !nonEmpty(firstAdministratorUserId)) {
        throw new TypeError('createUnit needs a unit id, a name and the first administrator')
      }
      if (!isSafeUnitId(unit.unitId)) throw new EngineRefusal(refusal('invalid-unit-id'))
      store.transaction(() => {
        if (store.getUnit(unit.unitId)) throw new EngineRefusal(refusal('unit-exists'))
        store.createUnit({ unitId: unit.unitId, name: unit.name }, at)
        store.grantRole({ unitId: unit.unitId, userId: firstAdministratorUserId, role: 'behorighetsadministrator', grantedAt: at, grantedBy: 'system' })
        store.appendAudit(auditEntry(actor, { at, programmeId: null, programmeUnitId: unit.unitId, action: 'create-unit', access: 'write', outcome: 'ok', refusalCode: null }))
      })
    },

    pendingNotifications(process) {
      const at = ctx.now()
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
      store.markOutboxSent(outboxId, ctx.now())
    },

    notificationRecipient(process, outboxId) {
      const at = ctx.now()
      const actor = system(process)
      if (!nonEmpty(outboxId)) throw new TypeError('notificationRecipient needs an outbox id')
      const message = store.getOutbox(outboxId)
      if (message === null) return null
      if (message.recipient === 'clinician') return { recipient: 'clinician', userId: message.recipientRef }
      const state = store.getProgramme(message.recipientRef)
      if (state === null) return null
      store.appendAudit(auditEntry(actor, { at, programmeId: state.programmeId, programme: state, action: 'deliver-flag', access: 'read', outcome: 'ok', refusalCode: null }))
      return { recipient: 'patient', programmeId: state.programmeId, personnummer: state.patient }
    },

    close() {
      store.close()
    },
  }
}
