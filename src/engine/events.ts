// Events: what happened to a programme. They are stored in order per programme and folded into
// the state by evolve.ts. They hold patient data (answers, messages) and are removed by a purge.
import type { Answers } from '../scoring/index.ts'
import type { LocalDate } from './calendar.ts'
import type { EndReason } from './end-reasons.ts'
import type { ActorRef } from './roles.ts'

/** Fields every event carries. */
interface EventBase {
  /** When it happened, ISO 8601 UTC. */
  at: string
  by: ActorRef
}

/** One event of a programme's history. */
export type ProgrammeEvent = EventBase &
  (
    | {
        type: 'programme-started'
        programmeId: string
        unitId: string
        /** The patient's personnummer, 12 digits. */
        patient: string
        responsibleUserId: string
        /** The bundle's content version the programme runs on. */
        contentVersion: string
        startedOn: LocalDate
        /** The day the programme's duration is over (start + durationDays). */
        endsOn: LocalDate
      }
    | { type: 'modules-started'; modules: { moduleId: string; closesOn: LocalDate }[] }
    | { type: 'module-closing-date-changed'; moduleId: string; closesOn: LocalDate }
    | { type: 'welcome-text-edited'; text: string }
    | { type: 'step-opened'; stepId: string; moduleId: string }
    | {
        type: 'form-submitted'
        submissionId: string
        formId: string
        stepId: string
        moduleId: string
        answers: Answers
        /** Computed by the shared scoring code at submission time. */
        score: number | null
        bandLabel: string | null
        /** The content version the form was answered on. */
        contentVersion: string
      }
    | { type: 'submission-read'; submissionId: string }
    | { type: 'message-sent'; messageId: string; from: 'patient' | 'clinician'; text: string }
    | { type: 'messages-read'; reader: 'patient' | 'clinician'; messageIds: string[] }
    | { type: 'mobile-number-set'; mobileNumber: string | null }
    | { type: 'responsible-changed'; responsibleUserId: string }
    | { type: 'handed-over'; fromUnitId: string; toUnitId: string }
    | { type: 'handover-accepted'; responsibleUserId: string }
    | { type: 'programme-retained'; until: LocalDate }
    | { type: 'programme-ended'; reason: EndReason }
    | { type: 'content-updated'; fromVersion: string; toVersion: string }
  )

/** The event types, for exhaustive handling. */
export type ProgrammeEventType = ProgrammeEvent['type']

/** An event without the fields every event carries (`at`, `by`). */
export type ProgrammeEventPayload = ProgrammeEvent extends infer E ? (E extends ProgrammeEvent ? Omit<E, 'at' | 'by'> : never) : never
