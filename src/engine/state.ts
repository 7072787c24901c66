// The state of one programme, folded from its events (evolve.ts). Plain JSON.
import type { Answers } from '../scoring/index.ts'
import type { LocalDate } from './calendar.ts'
import type { EndReason } from './end-reasons.ts'

/** Where the programme is in its life. */
export type Lifecycle =
  | { status: 'active' }
  /** "Vidmakthålla": the patient may only read, until (not including) `until`. */
  | { status: 'retained'; since: string; until: LocalDate }
  /** Ended: the patient has no access; a dataadministratör may purge it. */
  | { status: 'ended'; at: string; reason: EndReason; byUserId: string | null }

/** A module the behandlare has started. Modules not in the map are upcoming. */
export interface StartedModule {
  moduleId: string
  startedAt: string
  /** The first day the module is closed: the patient can read but not submit from then on. */
  closesOn: LocalDate
}

/** A submitted form. */
export interface Submission {
  submissionId: string
  formId: string
  stepId: string
  moduleId: string
  submittedAt: string
  answers: Answers
  score: number | null
  bandLabel: string | null
  contentVersion: string
  /** When a clinician first opened it, or null while unread. */
  readAt: string | null
}

/** A message between the patient and the clinicians. */
export interface Message {
  messageId: string
  from: 'patient' | 'clinician'
  /** The clinician who wrote it, or null for the patient. */
  authorUserId: string | null
  text: string
  sentAt: string
  /** When the other party read it, or null. */
  readAt: string | null
}

/** One programme ("moment"). */
export interface ProgrammeState {
  programmeId: string
  /** The care unit the programme belongs to now. */
  unitId: string
  /** The patient's personnummer, 12 digits. */
  patient: string
  /** The responsible clinician (behandlare), or null while a handover waits to be accepted. */
  responsibleUserId: string | null
  startedAt: string
  startedOn: LocalDate
  endsOn: LocalDate
  /** The bundle content version the programme runs on now. */
  contentVersion: string
  /** The content version it was started on. */
  startedOnContentVersion: string
  /**
   * The behandlare's own welcome text (plain text), or null while the programme shows the
   * bundle's formatted default (the current content's, so content fixes reach it).
   */
  welcomeText: string | null
  lifecycle: Lifecycle
  modules: Record<string, StartedModule>
  /** Steps the patient has opened: step id → first time opened. */
  openedSteps: Record<string, string>
  submissions: Submission[]
  messages: Message[]
  /** The patient's mobile number (+46…), if they gave one. */
  mobileNumber: string | null
  /** The last time the patient did anything in the programme, or null. */
  lastPatientActivityAt: string | null
  /** A handover waiting for the receiving unit, or null. */
  pendingHandover: { fromUnitId: string; at: string } | null
  /** How many events the programme has: the version concurrent updates are checked against. */
  version: number
}
