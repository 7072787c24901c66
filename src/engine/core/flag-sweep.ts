// The flag sweep: delivers the flags a programme's state makes due, exactly once each, and the
// scheduler's run over every programme with something due (claimed from the store's flag schedule).
import { auditEntry } from '../audit.ts'
import { localDate } from '../calendar.ts'
import { dueFlags, inDeliveryWindow } from '../flags.ts'
import { type FlagNotification, flagNotification, outboxRowsOf } from '../notifier.ts'
import type { Actor } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import type { FlagDelivery, FlagDeliveryKey, NotificationPreferences, OutboxMessage, StoreTransaction } from '../store/types.ts'
import type { EngineContext, FlagRun } from './context.ts'

/** Programmes per commit in the flag sweep: bounds how long the sweep holds the write lock. */
export const SWEEP_CHUNK = 500

const FLAGS: Actor = { kind: 'system', process: 'flags' }

/**
 * Delivers the flags due for one programme at `at` that were not delivered before, in `tx`. Each
 * flag has its own savepoint, so a notifier that throws loses only its own flag (reported in
 * `run.failed`); exactly-once rests on recordFlagDelivery, which refuses a key delivered before.
 */
export async function deliverFor(ctx: EngineContext, tx: StoreTransaction, state: ProgrammeState, at: string, run: FlagRun): Promise<void> {
  const { content, notifier } = ctx
  // Outside the delivery window nothing goes out; it stays due for the window's first sweep.
  if (!inDeliveryWindow(at, ctx.policy.deliveryWindow)) return
  for (const due of dueFlags(state, content, at)) {
    if (await tx.hasFlagDelivery(due.key)) continue
    try {
      const delivered = await tx.transaction(async (flag) => {
        if (!(await flag.recordFlagDelivery(due.key, at))) return null
        const preferences = due.recipient.kind === 'clinician' ? await flag.getPreferences(due.recipient.userId) : null
        const notification = flagNotification(due, state, preferences, at)
        await notifier.notify(notification, flag)
        await flag.appendAudit(
          auditEntry(FLAGS, {
            at,
            programmeId: state.programmeId,
            programme: state,
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

/**
 * Delivers the flags due for a chunk of claimed programmes at `at`, as deliverFor does for each,
 * when the notifier is the outbox notifier (its rows are then the whole notification): every flag
 * of the chunk goes to the store in one deliverFlags call, instead of a savepoint and half a dozen
 * statements per flag. Exactly-once still rests on the delivery key (a key delivered before gets
 * no outbox row and no audit entry). Runs in the chunk's transaction itself, without a savepoint:
 * a savepoint would make SQLite copy every page the batch changes to its sub-journal, as many
 * bytes again as the batch writes to the WAL. If the batch fails, it throws BatchFailed and the
 * caller rolls the chunk's transaction back and delivers the chunk again flag by flag.
 */
async function deliverBatch(
  ctx: EngineContext,
  tx: StoreTransaction,
  states: readonly ProgrammeState[],
  at: string,
  run: FlagRun,
  outboxRows: (notification: FlagNotification) => OutboxMessage[],
): Promise<void> {
  const notifications: FlagNotification[] = []
  let delivered: boolean[]
  try {
    // Read once per clinician rather than once per flag.
    const preferences = new Map<string, NotificationPreferences>()
    const deliveries: FlagDelivery[] = []
    // A programme's state names every occurrence due today, delivered or not (most were, on
    // earlier days); the schedule holds exactly the undelivered ones. Only those get a
    // notification, outbox rows and an audit entry built: the rest would be refused by their
    // delivery key anyway, after all that work.
    const scheduled = new Set((await tx.listScheduledFlagKeys(states.map((state) => state.programmeId))).map(keyText))
    for (const state of states) {
      for (const due of dueFlags(state, ctx.content, at)) {
        if (!scheduled.has(keyText(due.key))) continue
        let chosen: NotificationPreferences | null = null
        if (due.recipient.kind === 'clinician') {
          chosen = preferences.get(due.recipient.userId) ?? null
          if (chosen === null) {
            chosen = await tx.getPreferences(due.recipient.userId)
            preferences.set(due.recipient.userId, chosen)
          }
        }
        const notification = flagNotification(due, state, chosen, at)
        notifications.push(notification)
        deliveries.push({
          key: due.key,
          at,
          outbox: outboxRows(notification),
          audit: auditEntry(FLAGS, { at, programmeId: state.programmeId, programme: state, action: 'deliver-flag', access: 'write', outcome: 'ok', refusalCode: null }),
        })
      }
    }
    delivered = deliveries.length === 0 ? [] : await tx.deliverFlags(deliveries)
  } catch (error) {
    throw new BatchFailed(error)
  }
  delivered.forEach((fresh, i) => {
    if (fresh) run.delivered.push(notifications[i]!)
  })
}

/** A delivery key as one string (its parts never hold U+0000). */
function keyText(key: FlagDeliveryKey): string {
  return `${key.programmeId}\u0000${key.flagId}\u0000${key.moduleId}\u0000${key.occurrence}`
}

/** A chunk's batch failed (reads included): its transaction is taken back, and it goes flag by flag. */
class BatchFailed extends Error {
  constructor(cause: unknown) {
    super('The flag batch of a sweep chunk failed', { cause })
  }
}

/**
 * Delivers every flag that is due and not yet delivered. The store's flag schedule names the
 * programmes with an undelivered flag due today; each one's state then decides, as for a single
 * programme, exactly what goes out. Programmes are claimed in id order, SWEEP_CHUNK per
 * transaction (one commit, and disk sync, per chunk rather than per flag), each chunk after the
 * last id of the one before: a programme whose due keys cannot go out yet (a clinician flag
 * waiting for a responsible) is passed once, not claimed again and again. If a chunk's commit
 * fails, none of it was delivered: its flags are reported failed and retried on the next run.
 */
export async function sweepFlags(ctx: EngineContext): Promise<FlagRun> {
  const { store } = ctx
  const at = ctx.now()
  const run: FlagRun = { delivered: [], failed: [] }
  if (!inDeliveryWindow(at, ctx.policy.deliveryWindow)) return run
  const today = localDate(at)
  // With the outbox notifier a chunk goes as one batch; any other notifier is the host's code,
  // which may throw per flag, so flag by flag (deliverFor) at once.
  const outboxRows = outboxRowsOf(ctx.notifier)
  let after: string | null = null
  for (;;) {
    let chunk: FlagRun = { delivered: [], failed: [] }
    const claim: { states: ProgrammeState[] | null } = { states: null }
    const attempt = (batch: boolean): Promise<void> => {
      chunk = { delivered: [], failed: [] }
      claim.states = null
      return store.transaction(async (tx) => {
        const states = await tx.claimDueProgrammes(today, after, SWEEP_CHUNK)
        claim.states = states
        if (batch && outboxRows !== null) await deliverBatch(ctx, tx, states, at, chunk, outboxRows)
        else for (const state of states) await deliverFor(ctx, tx, state, at, chunk)
      })
    }
    try {
      try {
        await attempt(true)
      } catch (error) {
        // The batch's transaction is rolled back; the chunk again, claimed anew, flag by flag, so a
        // failing flag loses only itself.
        if (!(error instanceof BatchFailed)) throw error
        await attempt(false)
      }
      run.delivered.push(...chunk.delivered)
      run.failed.push(...chunk.failed)
    } catch (error) {
      // The claim itself failed: there is nothing to report by flag, and nothing to go on from.
      if (claim.states === null) throw error
      run.failed.push(...chunk.failed, ...chunk.delivered.map((f) => ({ programmeId: f.programmeId, flagId: f.flagId, error })))
    }
    const page = claim.states ?? []
    if (page.length < SWEEP_CHUNK) return run
    after = page.at(-1)?.programmeId ?? null
  }
}
