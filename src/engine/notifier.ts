// How flags leave the engine. The default notifier writes them to the outbox table in the same
// transaction that records the delivery, so a flag is delivered exactly once even across
// restarts; the host sends what is in the outbox and marks it sent.
//
// No notification holds a personnummer: a leaked outbox row must identify no one. The patient is
// named by the programme's id (an opaque UUID); the host asks the engine who that is when it
// sends (engine.notificationRecipient, a logged read) and looks up the address in its own
// records. The clinician is named by their user id (HSA-id), which is not patient data.
import type { FlagTrigger } from '../types/bundle.generated.ts'
import type { LocalDate } from './calendar.ts'
import type { DueFlag } from './flags.ts'
import type { ProgrammeState } from './state.ts'
import type { NotificationPreferences, OutboxMessage, StoreTransaction } from './store/types.ts'

/** A channel a notification goes out on. */
export type Channel = OutboxMessage['channel']

/** One flag to deliver. Title and text come from the bundle and carry no patient data. */
export interface FlagNotification {
  programmeId: string
  flagId: string
  trigger: FlagTrigger
  /** The module, for module-closing flags. */
  moduleId: string | null
  recipient: 'patient' | 'clinician'
  /**
   * Whom to address, opaque to anyone without the engine: the clinician's user id, or for the
   * patient the programme id (resolved by engine.notificationRecipient). Never a personnummer.
   */
  recipientRef: string
  /** patient-app for the patient; the clinician's chosen e-mail and/or SMS, else in-app. */
  channels: Channel[]
  title: string
  text: string
  dueOn: LocalDate
  /** When the engine delivered it, ISO 8601 UTC. */
  at: string
}

/**
 * Receives flags. Called inside the store transaction that records the delivery, which it gets as
 * `tx`: what it writes through `tx` is part of the delivery. If notify throws (or its promise
 * rejects), the delivery is rolled back and retried on the next run. A notifier that talks to the
 * outside world directly cannot be part of that transaction, and holds it open while it waits;
 * prefer the outbox.
 */
export interface Notifier {
  notify(notification: FlagNotification, tx: StoreTransaction): void | Promise<void>
}

/**
 * The notification for a due flag: to the patient in their app, to the clinician by the channels
 * in their profile (`preferences`, null for the patient), in the app when they chose none.
 */
export function flagNotification(due: DueFlag, state: ProgrammeState, preferences: NotificationPreferences | null, at: string): FlagNotification {
  const channels: Channel[] =
    preferences === null ? ['patient-app'] : [...(preferences.email ? (['email'] as const) : []), ...(preferences.sms ? (['sms'] as const) : [])]
  return {
    programmeId: state.programmeId,
    flagId: due.flag.id,
    trigger: due.flag.trigger,
    moduleId: due.key.moduleId === '' ? null : due.key.moduleId,
    recipient: due.recipient.kind,
    recipientRef: due.recipient.kind === 'clinician' ? due.recipient.userId : state.programmeId,
    channels: channels.length > 0 ? channels : ['in-app'],
    title: due.flag.title,
    text: due.flag.text,
    dueOn: due.dueOn,
    at,
  }
}

/**
 * The outbox rows of the notifiers outboxNotifier made: the sweep writes them itself, many flags
 * in one store call (deliverFlags), since such a notifier only writes those rows through `tx`.
 */
const OUTBOX_ROWS = new WeakMap<Notifier, (notification: FlagNotification) => OutboxMessage[]>()

/** The default notifier: one outbox row per channel, written in the delivery's transaction. */
export function outboxNotifier(newId: () => string): Notifier {
  const rows = (n: FlagNotification): OutboxMessage[] =>
    n.channels.map((channel) => ({
      outboxId: newId(),
      createdAt: n.at,
      programmeId: n.programmeId,
      flagId: n.flagId,
      recipient: n.recipient,
      recipientRef: n.recipientRef,
      channel,
      title: n.title,
      text: n.text,
      sentAt: null,
    }))
  const notifier: Notifier = {
    async notify(n, tx) {
      for (const message of rows(n)) await tx.addOutbox(message)
    },
  }
  OUTBOX_ROWS.set(notifier, rows)
  return notifier
}

/**
 * For a notifier made by outboxNotifier, the outbox rows it would write for a notification (fresh
 * ids each call); null for any other notifier, whose notify must be called.
 */
export function outboxRowsOf(notifier: Notifier): ((notification: FlagNotification) => OutboxMessage[]) | null {
  return OUTBOX_ROWS.get(notifier) ?? null
}

/** Whom an outbox message is for, as engine.notificationRecipient tells the host. */
export type NotificationRecipient =
  | { recipient: 'patient'; programmeId: string; personnummer: string }
  | { recipient: 'clinician'; userId: string }
