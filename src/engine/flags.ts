// Flags ("flaggor"): which notifications are due for a programme, computed from its stored state,
// the bundle's flag definitions and the time. Pure. Days are Stockholm calendar days: a flag
// "three days before" a date is due from local midnight three calendar days earlier, whatever
// the daylight-saving changes in between.
//
// flagSchedule lists every occurrence the state implies with the days it is due on; dueFlags is
// that schedule on one day. The store keeps the undelivered part of the schedule as an index, so
// the scheduler reads only programmes with something due (see deliverDueFlags in engine.ts).
import type { Flag } from '../types/bundle.generated.ts'
import { addDays, type LocalDate, localDate } from './calendar.ts'
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
        // Counted from the last activity (or the start); one reminder per quiet spell.
        const since = localDate(state.lastPatientActivityAt ?? state.startedAt)
        add(addDays(since, flag.days), `since-${since}`)
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
