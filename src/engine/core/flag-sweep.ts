// The flag sweep: delivers the flags a programme's state makes due, exactly once each, and the
// scheduler's run over every programme with something due (read from the store's flag schedule).
import { auditEntry } from '../audit.ts'
import { localDate } from '../calendar.ts'
import { dueFlags, inDeliveryWindow } from '../flags.ts'
import { flagNotification } from '../notifier.ts'
import type { Actor } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import type { EngineContext, FlagRun } from './context.ts'

/** Programmes per commit in the flag sweep: bounds how long the sweep holds the write lock. */
export const SWEEP_CHUNK = 500

const FLAGS: Actor = { kind: 'system', process: 'flags' }

/** Delivers the flags due for one programme at `at` that were not delivered before. */
export function deliverFor(ctx: EngineContext, state: ProgrammeState, at: string, run: FlagRun): void {
  const { store, content, notifier } = ctx
  // Outside the delivery window nothing goes out; it stays due for the window's first sweep.
  if (!inDeliveryWindow(at, ctx.policy.deliveryWindow)) return
  for (const due of dueFlags(state, content, at)) {
    if (store.hasFlagDelivery(due.key)) continue
    try {
      const delivered = store.transaction(() => {
        if (!store.recordFlagDelivery(due.key, at)) return null
        const preferences = due.recipient.kind === 'clinician' ? store.getPreferences(due.recipient.userId) : null
        const notification = flagNotification(due, state, preferences, at)
        notifier.notify(notification)
        store.appendAudit(
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

/** Delivers every flag that is due and not yet delivered. */
export function sweepFlags(ctx: EngineContext): FlagRun {
  const { store } = ctx
  const at = ctx.now()
  const run: FlagRun = { delivered: [], failed: [] }
  if (!inDeliveryWindow(at, ctx.policy.deliveryWindow)) return run
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
        for (const state of states.slice(first, first + SWEEP_CHUNK)) deliverFor(ctx, state, at, chunk)
      })
      run.delivered.push(...chunk.delivered)
      run.failed.push(...chunk.failed)
    } catch (error) {
      run.failed.push(...chunk.failed, ...chunk.delivered.map((f) => ({ programmeId: f.programmeId, flagId: f.flagId, error })))
    }
  }
  return run
}
