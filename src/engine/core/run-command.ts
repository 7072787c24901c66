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
import { ConcurrencyConflict, type EngineStore, OpenProgrammeExists } from '../store/types.ts'
import type { ProgrammeState } from '../state.ts'
import { type CommandResult, type EngineContext, type FlagRun, nonEmpty } from './context.ts'
import { deliverFor } from './flag-sweep.ts'
import { type FirstResult, type IdempotencyClaim, idempotencyClaim } from './idempotency.ts'
import type { Gate } from './gate.ts'

const NOTHING: CommandResult = { programmeId: null, version: null, events: [], flags: [] }

/** Runs one command as the actor. Throws EngineRefusal when refused, TypeError on misuse. */
export function runCommand(ctx: EngineContext, gate: Gate, actor: Actor, command: Command): CommandResult {
  const at = ctx.now()
  // A purge that a crash or a reader interrupted is finished before the next command.
  if (ctx.store.hasUnfinishedPurge()) ctx.store.finishPurges(at)
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

function runProgrammeCommand(ctx: EngineContext, gate: Gate, actor: Actor, command: ProgrammeCommand, at: string): CommandResult {
  const { store, content } = ctx
  const programmeId = command.type === 'start-programme' ? undefined : command.programmeId
  const { state } = gate.pass(actor, command.type, at, programmeId)
  const claim = idempotencyClaim(actor, command, state?.programmeId ?? null)
  const first = claim ? store.getIdempotent(claim.scope, claim.key) : null
  if (claim && first) return repeatFirst(ctx, gate, actor, command, at, state, claim, first)
  const decision = decide(command, state, { now: at, actor, content, newId: ctx.newId, facts: ctx.facts, maxRetentionDays: ctx.policy.maxRetentionDays })
  if (!decision.ok) {
    // A submission id that is not one of this programme's (another kind of id, another
    // programme's, none at all) gets the same answer as a programme the actor cannot reach.
    if (decision.refusal.code === 'unknown-submission') gate.hide(actor, command.type, 'unknown-submission', at, state?.programmeId ?? null, state)
    gate.refuse(actor, command.type, decision.refusal, at, state)
  }
  const next = evolveAll(decision.events, state)
  if (next === null) throw new Error(`${command.type} produced no programme`)
  try {
    store.transaction(() => {
      store.appendEvents(next.programmeId, state?.version ?? 0, decision.events, next, flagSchedule(next, content))
      if (claim) store.putIdempotent({ ...claim, programmeId: next.programmeId, result: firstResult(next.programmeId, state?.version ?? 0, next.version, []), at })
      gate.logOk(actor, command.type, at, next, state)
    })
  } catch (error) {
    // The same key sent at the same moment from another process: that one won; answer as it did.
    const raced = claim && error instanceof Error && /idempotency/.test(error.message) ? store.getIdempotent(claim.scope, claim.key) : null
    if (claim && raced) return repeatFirst(ctx, gate, actor, command, at, state, claim, raced)
    if (error instanceof ConcurrencyConflict) {
      gate.refuse(actor, command.type, refusal('version-conflict', { programmeId: next.programmeId }), at, state)
    }
    if (error instanceof OpenProgrammeExists) gate.refuse(actor, command.type, refusal('programme-already-active'), at, state)
    throw error
  }
  const run: FlagRun = { delivered: [], failed: [] }
  if (decision.events.length > 0) deliverFor(ctx, next, at, run)
  if (claim && run.delivered.length > 0) store.updateIdempotent(claim.scope, claim.key, firstResult(next.programmeId, state?.version ?? 0, next.version, run.delivered))
  return { programmeId: next.programmeId, version: next.version, events: decision.events, flags: run.delivered }
}

function firstResult(programmeId: string, fromVersion: number, version: number, flags: FlagNotification[]): string {
  return JSON.stringify({ programmeId, fromVersion, version, flags } satisfies FirstResult)
}

/**
 * A retry: the first result again, nothing stored but the audit entry. The same key with a
 * different command is refused (`idempotency-key-reused`), never run.
 */
function repeatFirst(
  ctx: EngineContext,
  gate: Gate,
  actor: Actor,
  command: ProgrammeCommand,
  at: string,
  state: ProgrammeState | null,
  claim: IdempotencyClaim,
  first: { requestHash: string; result: string },
): CommandResult {
  if (first.requestHash !== claim.requestHash) gate.refuse(actor, command.type, refusal('idempotency-key-reused'), at, state)
  const result = JSON.parse(first.result) as FirstResult
  const programme = state ?? ctx.store.getProgramme(result.programmeId)
  gate.logOk(actor, command.type, at, programme)
  const events = ctx.store.readEvents(result.programmeId).slice(result.fromVersion, result.version)
  return { programmeId: result.programmeId, version: result.version, events, flags: result.flags }
}

function runPeopleCommand(ctx: EngineContext, gate: Gate, actor: Actor, command: PeopleCommand, at: string): CommandResult {
  const { store } = ctx
  const { who } = gate.pass(actor, command.type, at)
  if (actor.kind !== 'staff') throw new Error('unreachable: unit commands are staff only')
  const decision = decideUnit(command, {
    actor: { userId: actor.userId, unitId: actor.unitId, personnummer: who.personnummer },
    facts: { grants: store.unitRoles(actor.unitId), personnummerOf: (userId) => store.staffPersonnummer(userId) },
  })
  // Refused before the transaction: a refusal's audit entry must not be rolled back.
  if (!decision.ok) gate.refuse(actor, command.type, decision.refusal, at)
  store.transaction(() => {
    for (const change of decision.changes) apply(store, change, actor.userId, at)
    gate.logOk(actor, command.type, at, null)
  })
  return NOTHING
}

/** Stores one unit change. */
function apply(store: EngineStore, change: UnitChange, by: string, at: string): void {
  switch (change.type) {
    case 'role-granted':
      store.grantRole({ unitId: change.unitId, userId: change.userId, role: change.role, grantedAt: at, grantedBy: by })
      return
    case 'role-withdrawn':
      store.withdrawRole(change.unitId, change.userId, change.role)
      return
    case 'preferences-set':
      store.setPreferences(change.userId, { email: change.email, sms: change.sms })
      return
    default: {
      const never: never = change
      throw new TypeError(`Unknown change ${JSON.stringify(never)}`)
    }
  }
}

function purge(ctx: EngineContext, gate: Gate, actor: Actor, programmeIds: readonly string[], at: string): CommandResult {
  const { store } = ctx
  gate.pass(actor, 'purge-programmes', at)
  if (actor.kind !== 'staff') throw new Error('unreachable: purging is staff only')
  if (!Array.isArray(programmeIds) || programmeIds.length === 0) throw new TypeError('purge-programmes needs programme ids')
  // All or nothing: every programme is checked before any is removed.
  const fresh: ProgrammeState[] = []
  const retried: string[] = []
  for (const id of new Set(programmeIds)) {
    if (!nonEmpty(id)) throw new TypeError('purge-programmes needs programme ids')
    // Purged before by this unit: a retry finishes the job (the compaction) instead of "not found".
    if (store.purgeRecord(id)?.unitId === actor.unitId) {
      retried.push(id)
      continue
    }
    const { state } = gate.pass(actor, 'purge-programmes', at, id)
    if (!state) throw new Error('unreachable')
    if (state.lifecycle.status !== 'ended') gate.refuse(actor, 'purge-programmes', refusal('programme-not-ended', { programmeId: id }), at, state)
    if (localDate(at) < purgeAllowedFrom(state.lifecycle.at, ctx.purge.graceDays)) {
      gate.refuse(actor, 'purge-programmes', refusal('purge-too-early', { programmeId: id }), at, state)
    }
    fresh.push(state)
  }
  store.transaction(() => {
    for (const state of fresh) {
      store.deleteProgramme(state.programmeId)
      // The ledger, in the same transaction: whatever happens next, the next open or command
      // knows a compaction is owed.
      store.recordPurge(state.programmeId, state.unitId, at)
      gate.logOk(actor, 'purge-programmes', at, state)
    }
    for (const id of retried) {
      // The programme is gone; its earlier entries still name the patient.
      const patient = store.listAudit({ programmeId: id }).find((e) => e.patient !== null)?.patient ?? null
      store.appendAudit(auditEntry(actor, { at, programmeId: id, patient, action: 'purge-programmes', access: 'write', outcome: 'ok', refusalCode: null }))
    }
  })
  ctx.purge.afterCommit?.()
  // Rewrites the file so the deleted rows are gone from disk, not just unlinked. When a reader's
  // snapshot keeps the WAL, the ledger stays unfinished and the next command finishes it.
  store.finishPurges(at, { waitForReaders: true })
  return NOTHING
}

/** The first Stockholm day a programme ended at `endedAt` may be purged. */
export function purgeAllowedFrom(endedAt: string, graceDays: number): LocalDate {
  return addDays(localDate(endedAt), graceDays)
}
