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

/**
 * The programme engine. Every method returns a promise: the store may answer over the network
 * (PostgreSQL). Calls may overlap; each command and query runs in a transaction of its own.
 */
export interface Engine {
  /** The content the engine runs on. */
  readonly content: ContentIndex
  /** Runs a command as the actor. Rejects with EngineRefusal when refused. */
  execute(actor: Actor, command: Command): Promise<CommandResult>
  /** Runs a query as the actor. Rejects with EngineRefusal when refused. */
  query<Q extends Query>(actor: Actor, query: Q): Promise<QueryResults[Q['type']]>
  /** "Hantera händelser": opens a submitted form, marking it read, and returns it. */
  openSubmission(actor: Actor, programmeId: string, submissionId: string): Promise<SubmissionView>
  /** Delivers every flag that is due and not yet delivered. Run it from a scheduler. */
  deliverDueFlags(): Promise<FlagRun>
  /**
   * The dataadministratör's export of the unit's ended programmes, streamed to `write` piece by
   * piece (memory stays flat); `header` gets the file name and media type first. When `write`
   * returns a promise (e.g. waiting for a stream to drain), the next piece waits for it; other
   * return values are ignored. The
   * query `export-ended` returns the same file as one string.
   */
  exportEnded(
    actor: Actor,
    format: ExportFormat,
    write: (chunk: string) => unknown,
    header?: (header: ExportHeader) => unknown,
  ): Promise<ExportSummary>
  /** Host setup: creates a care unit with its first behörighetsadministratör. */
  createUnit(unit: Unit, firstAdministratorUserId: string): Promise<void>
  /** Host delivery process: notifications waiting to be sent. */
  pendingNotifications(process: string): Promise<OutboxMessage[]>
  /** Host delivery process: marks a notification sent. */
  markNotificationSent(process: string, outboxId: string): Promise<void>
  /**
   * Host delivery process: whom an outbox message is for. The outbox names the patient only by
   * programme id; this gives the host their personnummer to find the address in its own records
   * (logged as a read). Null when the message does not exist or its programme was purged.
   */
  notificationRecipient(process: string, outboxId: string): Promise<NotificationRecipient | null>
  /** Waits for running work and closes the store. */
  close(): Promise<void>
}

/**
 * Creates an engine over a store and a bundle: stores the bundle, moves running programmes to its
 * version and finishes a purge a crash interrupted, before it resolves.
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const { store } = options
  const ctx = createContext(options)
  const { content } = ctx
  const gate = createGate(store)

  await adoptBundle(store, options.bundle, content, ctx.now())
  // A purge that a crash or a reader interrupted is finished before anything else happens.
  if (await store.hasUnfinishedPurge()) await store.finishPurges(ctx.now())

  const system = (process: string): Actor => {
    if (!nonEmpty(process)) throw new TypeError('A system process needs a name')
    return { kind: 'system', process }
  }
  const execute = (actor: Actor, command: Command): Promise<CommandResult> => runCommand(ctx, gate, actor, command)
  const query = <Q extends Query>(actor: Actor, q: Q): Promise<QueryResults[Q['type']]> => runQuery(ctx, gate, actor, q)

  return {
    content,
    execute,
    query,

    async openSubmission(actor, programmeId, submissionId) {
      await execute(actor, { type: 'mark-submission-read', programmeId, submissionId })
      return query(actor, { type: 'submission', programmeId, submissionId })
    },

    deliverDueFlags: () => sweepFlags(ctx),

    exportEnded: (actor, format, write, header) => exportEnded(ctx, gate, actor, format, write, header),

    async createUnit(unit, firstAdministratorUserId) {
      const at = ctx.now()
      const actor = system('setup')
      if (!nonEmpty(unit.unitId) || !nonEmpty(unit.name) || !nonEmpty(firstAdministratorUserId)) {
        throw new TypeError('createUnit needs a unit id, a name and the first administrator')
      }
      if (!isSafeUnitId(unit.unitId)) throw new EngineRefusal(refusal('invalid-unit-id'))
      await store.transaction(async (tx) => {
        if (await tx.getUnit(unit.unitId)) throw new EngineRefusal(refusal('unit-exists'))
        await tx.createUnit({ unitId: unit.unitId, name: unit.name }, at)
        await tx.grantRole({ unitId: unit.unitId, userId: firstAdministratorUserId, role: 'behorighetsadministrator', grantedAt: at, grantedBy: 'system' })
        await tx.appendAudit(auditEntry(actor, { at, programmeId: null, programmeUnitId: unit.unitId, action: 'create-unit', access: 'write', outcome: 'ok', refusalCode: null }))
      })
    },

    async pendingNotifications(process) {
      const at = ctx.now()
      const actor = system(process)
      return store.transaction(async (tx) => {
        const pending = await tx.listOutbox({ unsentOnly: true })
        for (const m of pending) {
          await tx.appendAudit(auditEntry(actor, { at, programmeId: m.programmeId, action: 'deliver-flag', access: 'read', outcome: 'ok', refusalCode: null }))
        }
        return pending
      })
    },

    async markNotificationSent(process, outboxId) {
      system(process)
      await store.markOutboxSent(outboxId, ctx.now())
    },

    async notificationRecipient(process, outboxId) {
      const at = ctx.now()
      const actor = system(process)
      if (!nonEmpty(outboxId)) throw new TypeError('notificationRecipient needs an outbox id')
      return store.transaction(async (tx): Promise<NotificationRecipient | null> => {
        const message = await tx.getOutbox(outboxId)
        if (message === null) return null
        if (message.recipient === 'clinician') return { recipient: 'clinician', userId: message.recipientRef }
        const state = await tx.getProgramme(message.recipientRef)
        if (state === null) return null
        await tx.appendAudit(auditEntry(actor, { at, programmeId: state.programmeId, programme: state, action: 'deliver-flag', access: 'read', outcome: 'ok', refusalCode: null }))
        return { recipient: 'patient', programmeId: state.programmeId, personnummer: state.patient }
      })
    },

    close: () => store.close(),
  }
}
