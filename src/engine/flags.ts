// Flags ("flaggor"): which notifications are due for a programme, computed from its stored state,
// the bundle's flag definitions and the time. Pure. Days are Stockholm calendar days: a flag
// "three days before" a date is due from local midnight three calendar days earlier, whatever
// the daylight-saving changes in between.
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

/** Every flag due for the programme at `now`, delivered or not. The caller skips delivered keys. */
export function dueFlags(state: ProgrammeState, content: ContentIndex, now: string): DueFlag[] {
  // Flags only concern running programmes: a retained or ended programme gets none.
  if (state.lifecycle.status !== 'active') return []
  const today = localDate(now)
  const due: DueFlag[] = []
  for (const flag of content.bundle.programme.flags) {
    const recipient = flag.recipient === 'patient' ? ({ kind: 'patient' } as const) : clinician(state)
    if (recipient === null) continue // waiting for a handover: no responsible clinician yet
    const add = (dueOn: LocalDate, occurrence: string, moduleId = ''): void => {
      if (today >= dueOn) due.push({ key: { programmeId: state.programmeId, flagId: flag.id, moduleId, occurrence }, flag, recipient, dueOn })
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
          if (today < module.closesOn) add(addDays(module.closesOn, -flag.days), `closes-${module.closesOn}`, module.moduleId)
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
  return due
}

function clinician(state: ProgrammeState): { kind: 'clinician'; userId: string } | null {
  return state.responsibleUserId === null ? null : { kind: 'clinician', userId: state.responsibleUserId }
}
