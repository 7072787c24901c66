// Running a command: the gate, then the decider (decide.ts for a programme, decide-unit.ts for a
// unit's people), then the store and the audit entry in one transaction, then the flags the
// change makes due.
import { auditEntry } from '../audit.ts'
import { addDays, type LocalDate, localDate } from '../calendar.ts'
import type { Command, ProgrammeCommand } from '../commands.ts'
import { decide } from '../decide.ts'
import { decideUnit, type PeopleCommand, type UnitChange } from '../decide-unit.ts'
import { evolveAll } from '../evolve.ts'
import { flagSchedule } from '../flags.ts'
import type { FlagNotification } from '../notifier.ts'
import { PERMISSIONS } from '../permissions.ts'
import { refusal } from '../refusals.ts'
import type { Actor } from '../roles.ts'
import { ConcurrencyConflict, IdempotencyKeyExists, OpenProgrammeExists, type StoreTransaction } from '../store/types.ts'
import type { ProgrammeState } from '../state.ts'
import { type CommandResult, type EngineContext, type FlagRun, nonEmpty } from './context.ts'
import { deliverFor } from './flag-sweep.ts'
import { type FirstResult, type IdempotencyClaim, idempotencyClaim } from './idempotency.ts'
import { gatherFacts } from './facts.ts'
import type { Gate, GateTx } from './gate.ts'

const NOTHING: CommandResult = { programmeId: null, version: null, events: [], flags: [] }

/** Runs one command as the actor. Rejects with EngineRefusal when refused, TypeError on misuse. */
export async function runCommand(ctx: EngineContext, gate: Gate, actor: Actor, command: Command): Promise<CommandResult> {
  const at = ctx.now()
  // A purge that a crash or a reader interrupted is finished before the next command.
  if (await ctx.store.hasUnfinishedPurge()) await ctx.store.finishPurges(at)
  if (command === null || typeof command !== 'object') throw new TypeError('Expected a command')
  switch (command.type) {
    case 'purge-programmes':
      return purge(ctx, gate, actor, command.programmeIds, at)
    case 'grant-role':
    case 'withdraw-role':
    case 'set-notification-preferences':
      return runPeopleCommand(ctx, gate, actor, command, at)
    default:
      if (!Object.hasOwn(PERMISSIONS, command.type)) throw new TypeError(`Unknown command ${String(command.type)}`)
      return runProgrammeCommand(ctx, gate, actor, command, at)
  }
}

/**
 * One transaction: the gate, the facts decide asks for, the events with the audit entry (in a
 * savepoint, so a version conflict can still be logged as a refusal), then the flags the change
 * makes due, each in a savepoint of its own (a notifier that throws loses only its flag).
 */
function runProgrammeCommand(ctx: EngineContext, gate: Gate, actor: Actor, command: ProgrammeCommand, at: string): Promise<CommandResult> {
  const { content } = ctx
  const programmeId = command.type === 'start-programme' ? undefined : command.programmeId
  return gate.run(async (g: GateTx) => {
    const { tx } = g
    // Locked for the command: another command on the programme waits until this one commits.
    const { state } = await g.pass(actor, command.type, at, programmeId, { forWrite: true })
    const claim = idempotencyClaim(actor, command, state?.programmeId ?? null)
    const first = claim ? await tx.getIdempotent(claim.scope, claim.key) : null
    if (claim && first) return repeatFirst(g, actor, command, at, state, claim, first)
    const facts = await gatherFacts(tx, command, state, actor, at)
    const decision = decide(command, state, { now: at, actor, content, newId: ctx.newId, facts, maxRetentionDays: ctx.policy.maxRetentionDays })
    if (!decision.ok) {
      // A submission id that is not one of this programme's (another kind of id, another
      // programme's, none at all) gets the same answer as a programme the actor cannot reach.
      if (decision.refusal.code === 'unknown-submission') g.hide(actor, command.type, 'unknown-submission', at, state?.programmeId ?? null, state)
      g.refuse(actor, command.type, decision.refusal, at, state)
    }
    const next = evolveAll(decision.events, state)
    if (next === null) throw new Error(`${command.type} produced no programme`)
    const fromVersion = state?.version ?? 0
    try {
      await tx.transaction(async (write) => {
        await write.appendEvents(next.programmeId, fromVersion, decision.events, next, flagSchedule(next, content))
        if (claim) await write.putIdempotent({ ...claim, programmeId: next.programmeId, result: firstResult(next.programmeId, fromVersion, next.version, []), at })
      })
    } catch (error) {
      // The same key sent at the same moment from another process: that one won; answer as it did.
      const raced = claim && error instanceof IdempotencyKeyExists ? await tx.getIdempotent(claim.scope, claim.key) : null
      if (claim && raced) return repeatFirst(g, actor, command, at, state, claim, raced)
      if (error instanceof ConcurrencyConflict) {
        g.refuse(actor, command.type, refusal('version-conflict', { programmeId: next.programmeId }), at, state)
      }
      if (error instanceof OpenProgrammeExists) g.refuse(actor, command.type, refusal('programme-already-active'), at, state)
      throw error
    }
    await g.logOk(actor, command.type, at, next, state)
    const run: FlagRun = { delivered: [], failed: [] }
    if (decision.events.length > 0) await deliverFor(ctx, tx, next, at, run)
    if (claim && run.delivered.length > 0) await tx.updateIdempotent(claim.scope, claim.key, firstResult(next.programmeId, fromVersion, next.version, run.delivered))
    return { programmeId: next.programmeId, version: next.version, events: decision.events, flags: run.delivered }
  })
}

function firstResult(programmeId: string, fromVersion: number, version: number, flags: FlagNotification[]): string {
  return JSON.stringify({ programmeId, fromVersion, version, flags } satisfies FirstResult)
}

/**
 * A retry: the first result again, nothing stored but the audit entry. The same key with a
 * different command is refused (`idempotency-key-reused`), never run.
 */
async function repeatFirst(
  g: GateTx,
  actor: Actor,
  command: ProgrammeCommand,
  at: string,
  state: ProgrammeState | null,
  claim: IdempotencyClaim,
  first: { requestHash: string; result: string },
): Promise<CommandResult> {
  if (first.requestHash !== claim.requestHash) g.refuse(actor, command.type, refusal('idempotency-key-reused'), at, state)
  const result = JSON.parse(first.result) as FirstResult
  const programme = state ?? (await g.tx.getProgramme(result.programmeId))
  await g.logOk(actor, command.type, at, programme)
  const events = (await g.tx.readEvents(result.programmeId)).slice(result.fromVersion, result.version)
  return { programmeId: result.programmeId, version: result.version, events, flags: result.flags }
}

function runPeopleCommand(ctx: EngineContext, gate: Gate, actor: Actor, command: PeopleCommand, at: string): Promise<CommandResult> {
  return gate.run(async (g: GateTx) => {
    const { tx } = g
    const { who } = await g.pass(actor, command.type, at)
    if (actor.kind !== 'staff') throw new Error('unreachable: unit commands are staff only')
    const grants = await tx.unitRoles(actor.unitId)
    // The one other person decideUnit may ask about: the user a role is granted to.
    const userId = command.type === 'grant-role' && typeof command.userId === 'string' ? command.userId : null
    const holder = userId === null ? null : await tx.staffPersonnummer(userId)
    const decision = decideUnit(command, {
      actor: { userId: actor.userId, unitId: actor.unitId, personnummer: who.personnummer },
      facts: {
        grants,
        personnummerOf: (asked) => {
          if (asked !== userId) throw new Error('decideUnit asked for a personnummer that was not gathered')
          return holder
        },
      },
    })
    // Refused before anything is written: the refusal's audit entry commits alone.
    if (!decision.ok) g.refuse(actor, command.type, decision.refusal, at)
    for (const change of decision.changes) await apply(tx, change, actor.userId, at)
    await g.logOk(actor, command.type, at, null)
    return NOTHING
  })
}

/** Stores one unit change. */
async function apply(tx: StoreTransaction, change: UnitChange, by: string, at: string): Promise<void> {
  switch (change.type) {
    case 'role-granted':
      await tx.grantRole({ unitId: change.unitId, userId: change.userId, role: change.role, grantedAt: at, grantedBy: by })
      return
    case 'role-withdrawn':
      await tx.withdrawRole(change.unitId, change.userId, change.role)
      return
    case 'preferences-set':
      await tx.setPreferences(change.userId, { email: change.email, sms: change.sms })
      return
    default: {
      const never: never = change
      throw new TypeError(`Unknown change ${JSON.stringify(never)}`)
    }
  }
}

/**
 * Purges ended programmes of the actor's unit, all or nothing: every programme is checked before
 * any is removed, in the transaction that removes them. After the commit, the file is compacted.
 */
async function purge(ctx: EngineContext, gate: Gate, actor: Actor, programmeIds: readonly string[], at: string): Promise<CommandResult> {
  const { store } = ctx
  await gate.run(async (g: GateTx) => {
    const { tx } = g
    await g.pass(actor, 'purge-programmes', at)
    if (actor.kind !== 'staff') throw new Error('unreachable: purging is staff only')
    if (!Array.isArray(programmeIds) || programmeIds.length === 0) throw new TypeError('purge-programmes needs programme ids')
    const fresh: ProgrammeState[] = []
    const retried: string[] = []
    for (const id of new Set(programmeIds)) {
      if (!nonEmpty(id)) throw new TypeError('purge-programmes needs programme ids')
      // Purged before by this unit: a retry finishes the job (the compaction) instead of "not found".
      if ((await tx.purgeRecord(id))?.unitId === actor.unitId) {
        retried.push(id)
        continue
      }
      const { state } = await g.pass(actor, 'purge-programmes', at, id)
      if (!state) throw new Error('unreachable')
      if (state.lifecycle.status !== 'ended') g.refuse(actor, 'purge-programmes', refusal('programme-not-ended', { programmeId: id }), at, state)
      if (localDate(at) < purgeAllowedFrom(state.lifecycle.at, ctx.purge.graceDays)) {
        g.refuse(actor, 'purge-programmes', refusal('purge-too-early', { programmeId: id }), at, state)
      }
      fresh.push(state)
    }
    for (const state of fresh) {
      await tx.deleteProgramme(state.programmeId)
      // The ledger, in the same transaction: whatever happens next, the next open or command
      // knows a compaction is owed.
      await tx.recordPurge(state.programmeId, state.unitId, at)
      await g.logOk(actor, 'purge-programmes', at, state)
    }
    for (const id of retried) {
      // The programme is gone; its earlier entries still name the patient.
      const patient = (await tx.listAudit({ programmeId: id })).find((e) => e.patient !== null)?.patient ?? null
      await tx.appendAudit(auditEntry(actor, { at, programmeId: id, patient, action: 'purge-programmes', access: 'write', outcome: 'ok', refusalCode: null }))
    }
  })
  await ctx.purge.afterCommit?.()
  // Rewrites the file so the deleted rows are gone from disk, not just unlinked. When a reader's
  // snapshot keeps the WAL, the ledger stays unfinished and the next command finishes it.
  await store.finishPurges(at, { waitForReaders: true })
  return NOTHING
}

/** The first Stockholm day a programme ended at `endedAt` may be purged. */
export function purgeAllowedFrom(endedAt: string, graceDays: number): LocalDate {
  return addDays(localDate(endedAt), graceDays)
}
