// What the programme's lifecycle allows the patient on a given Stockholm day. The one place that
// answers "is the programme open to the patient today": the gate, the patient's list of
// programmes, the decider and the views all ask it.
import type { LocalDate } from './calendar.ts'
import type { ProgrammeState } from './state.ts'

/**
 * The patient's access to their programme on a day: `open` (active), `read-only` (retained and
 * the retention date not reached) or `closed` (ended, or retained up to and including today).
 */
export type PatientAccess = 'open' | 'read-only' | 'closed'

/** The patient's access to the programme on the Stockholm day `today`. */
export function patientAccessOn(state: Pick<ProgrammeState, 'lifecycle'>, today: LocalDate): PatientAccess {
  const { lifecycle } = state
  switch (lifecycle.status) {
    case 'active':
      return 'open'
    case 'retained':
      // `until` is the first day the patient can no longer read.
      return today < lifecycle.until ? 'read-only' : 'closed'
    case 'ended':
      return 'closed'
    default: {
      const never: never = lifecycle
      throw new TypeError(`Unknown lifecycle ${JSON.stringify(never)}`)
    }
  }
}

/** Whether the patient can open the programme at all on `today` (read or write). */
export function isOpenToPatient(state: Pick<ProgrammeState, 'lifecycle'>, today: LocalDate): boolean {
  return patientAccessOn(state, today) !== 'closed'
}
