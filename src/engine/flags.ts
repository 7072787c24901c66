// Flags ("flaggor"): which notifications are due for a programme, computed from its stored state,
// the bundle's flag definitions and the time. Pure. Days are Stockholm calendar days: a flag
// "three days before" a date is due from local midnight three calendar days earlier, whatever
// the daylight-saving changes in between.
//
// flagSchedule lists every occurrence the state implies with the days it is due on; dueFlags is
// that schedule on one day.
//
// When in the day a flag may go out is a deployment's choice, the delivery window (default
// 08:00–20:00 Stockholm time): nobody gets "three days left" at midnight. A flag that falls due
// at night is simply not delivered until the first sweep inside the window; it stays on the
// schedule, so it still goes out exactly once. The store keeps the undelivered part of the schedule as an index, so
// the scheduler reads only programmes with something due (see deliverDueFlags in engine.ts).
import type { Flag } from '../types/bundle.generated.ts'
import { addDays, type LocalDate, localDate, localTime, startOfLocalDay } from './calendar.ts'
import type { ContentIndex } from './content.ts'
import type { ProgrammeState } from './state.ts'
import type { FlagDeliveryKey } from './store/types.ts'

/** A flag that should have been delivered by now. */
export interface DueFlag {
  key: FlagDeliveryKey
  flag: Flag
  /** Who receives it; for the clinician, the responsible clinician's user id. */
  recipient: { kind: 'patient' } | { kind: 'clinician'; userId: string }
  /** The first Stockholm day on which it is due. */
  dueOn: LocalDate
}

/** One occurrence of a flag that the programme's current state implies, due or not yet. */
export interface ScheduledFlag extends DueFlag {
  /** The first day it is no longer due (a module warning stops when the module closes), or null. */
  until: LocalDate | null
}

/**
 * Every flag occurrence the programme's state implies, with the days it is due on, delivered or
 * not. Empty for a programme that is not running; clinician flags are left out while a handover
 * waits for a responsible clinician.
 */
export function flagSchedule(state: ProgrammeState, content: ContentIndex): ScheduledFlag[] {
  // Flags only concern running programmes: a retained or ended programme gets none.
  if (state.lifecycle.status !== 'active') return []
  const schedule: ScheduledFlag[] = []
  for (const flag of content.bundle.programme.flags) {
    const recipient = flag.recipient === 'patient' ? ({ kind: 'patient' } as const) : clinician(state)
    if (recipient === null) continue // waiting for a handover: no responsible clinician yet
    const add = (dueOn: LocalDate, occurrence: string, moduleId = '', until: LocalDate | null = null): void => {
      schedule.push({ key: { programmeId: state.programmeId, flagId: flag.id, moduleId, occurrence }, flag, recipient, dueOn, until })
    }
    switch (flag.trigger) {
      case 'programme-started':
        add(state.startedOn, 'start')
        break
      case 'inactivity': {
        // "After seven days without activity" means seven whole Stockholm calendar days: the
        // patient last acted on day D, days D+1 to D+7 pass without anything, and the reminder is
        // due on D+8 (from the window's start). So at least seven times 24 hours have passed,
        // whatever the time of the last action and the clock changes in between. Counted from
        // the last activity (or the start); one reminder per quiet spell.
        const since = localDate(state.lastPatientActivityAt ?? state.startedAt)
        add(addDays(since, flag.days + 1), `since-${since}`)
        break
      }
      case 'module-closing':
        for (const module of Object.values(state.modules)) {
          // A module that has already closed needs no warning any more.
          add(addDays(module.closesOn, -flag.days), `closes-${module.closesOn}`, module.moduleId, module.closesOn)
        }
        break
      case 'programme-ending':
        add(addDays(state.endsOn, -flag.days), `ends-${state.endsOn}`)
        break
      default: {
        const never: never = flag.trigger
        throw new TypeError(`Unknown flag trigger ${String(never)}`)
      }
    }
  }
  return schedule
}

/** Whether a scheduled occurrence is due on the Stockholm day `today`. */
export function isDueOn(scheduled: Pick<ScheduledFlag, 'dueOn' | 'until'>, today: LocalDate): boolean {
  return today >= scheduled.dueOn && (scheduled.until === null || today < scheduled.until)
}

/** Every flag due for the programme at `now`, delivered or not. The caller skips delivered keys. */
export function dueFlags(state: ProgrammeState, content: ContentIndex, now: string): DueFlag[] {
  const today = localDate(now)
  return flagSchedule(state, content)
    .filter((scheduled) => isDueOn(scheduled, today))
    .map(({ key, flag, recipient, dueOn }) => ({ key, flag, recipient, dueOn }))
}

function clinician(state: ProgrammeState): { kind: 'clinician'; userId: string } | null {
  return state.responsibleUserId === null ? null : { kind: 'clinician', userId: state.responsibleUserId }
}

/**
 * The hours of the day flags may be delivered, Stockholm wall-clock time `HH:MM`: from `start`
 * (inclusive) to `end` (exclusive), within one calendar day (start before end).
 */
export interface DeliveryWindow {
  start: string
  end: string
}

/** 08:00–20:00: the default humane window. */
export const DEFAULT_DELIVERY_WINDOW: DeliveryWindow = Object.freeze({ start: '08:00', end: '20:00' })

const WALL_CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$/

/** Checks a deployment's window; throws a TypeError (a configuration error) when it is not one. */
export function deliveryWindow(window: DeliveryWindow = DEFAULT_DELIVERY_WINDOW): DeliveryWindow {
  if (window === null || typeof window !== 'object') throw new TypeError('deliveryWindow must be { start, end }')
  const { start, end } = window
  const endOk = end === '24:00' || (typeof end === 'string' && WALL_CLOCK.test(end))
  if (typeof start !== 'string' || !WALL_CLOCK.test(start) || !endOk) {
    throw new TypeError('deliveryWindow start and end must be HH:MM (end may be 24:00)')
  }
  if (start >= end) throw new TypeError('deliveryWindow must start before it ends, within one day')
  return Object.freeze({ start, end })
}

/** Whether flags may be delivered at the instant `now` (Stockholm wall-clock time inside the window). */
export function inDeliveryWindow(now: string | Date, window: DeliveryWindow = DEFAULT_DELIVERY_WINDOW): boolean {
  const time = localTime(now)
  return time >= window.start && time < window.end
}

/**
 * The first instant at or after `now` inside the window, ISO 8601 UTC: when a flag due now will
 * go out, provided the host's scheduler runs then. For hosts that plan their scheduler runs.
 */
export function nextDeliveryAt(now: string | Date, window: DeliveryWindow = DEFAULT_DELIVERY_WINDOW): string {
  const instant = typeof now === 'string' ? new Date(now) : now
  if (inDeliveryWindow(instant, window)) return instant.toISOString()
  const today = localDate(instant)
  const day = localTime(instant) < window.start ? today : addDays(today, 1)
  const [hours = 0, minutes = 0] = window.start.split(':').map(Number)
  // On the days the clocks change, local time is an hour ahead of or behind the time elapsed
  // since midnight: of the instants an hour either side, the earliest that reads `start` or later.
  const elapsed = Date.parse(startOfLocalDay(day)) + (hours * 60 + minutes) * 60_000
  for (const shift of [-1, 0, 1]) {
    const at = new Date(elapsed + shift * 3_600_000)
    if (localDate(at) === day && localTime(at) >= window.start) return at.toISOString()
  }
  throw new Error('unreachable: the window start exists on every day')
}
