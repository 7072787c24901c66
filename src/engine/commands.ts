// Commands: what an actor asks the engine to do. Each is checked against the permission table
// (permissions.ts) and then decided (decide.ts) against the programme's current state.
import type { Answers } from '../scoring/index.ts'
import type { LocalDate } from './calendar.ts'
import type { EndReason } from './end-reasons.ts'
import type { Role } from './roles.ts'

/** Optimistic concurrency, required: the programme version the actor's screen was based on. */
interface Versioned {
  /** When the programme has moved on since, the command is refused (`version-conflict`). */
  expectedVersion: number
}

/**
 * For commands a client may send twice (a retry after a lost answer): the same key again returns
 * the first result and stores nothing new. A key is the client's, unique per actor (e.g. a UUID).
 */
interface Idempotent {
  idempotencyKey?: string
}

/** A module to start, with its closing date (defaults to the programme's last day). */
export interface ModuleStart {
  moduleId: string
  /** The first day the module is closed, `YYYY-MM-DD` in Stockholm. */
  closesOn?: LocalDate
}

/** Commands about one programme, decided by decide.ts. */
export type ProgrammeCommand =
  /** Behandlare: start PLUS for a patient. The actor becomes the responsible clinician. */
  | ({ type: 'start-programme'; personnummer: string } & Idempotent)
  /** Behandlare: start one or more upcoming modules. */
  | ({ type: 'start-modules'; programmeId: string; modules: ModuleStart[] } & Versioned)
  /** Behandlare: move a started module's closing date. */
  | ({ type: 'change-module-closing-date'; programmeId: string; moduleId: string; closesOn: LocalDate } & Versioned)
  /** Behandlare: replace the welcome text of this programme. */
  | ({ type: 'edit-welcome-text'; programmeId: string; text: string } & Versioned)
  /** Patient: open a step of a started module. */
  | { type: 'open-step'; programmeId: string; stepId: string }
  /** Patient: submit a form once; the answers are validated and scored. */
  | ({ type: 'submit-form'; programmeId: string; formId: string; answers: Answers } & Idempotent)
  /** Patient (to the responsible clinician) or behandlare (an answer): write a message. */
  | ({ type: 'send-message'; programmeId: string; text: string } & Idempotent)
  /** Patient or behandlare: mark the other party's messages read. */
  | { type: 'mark-messages-read'; programmeId: string }
  /** Behandlare: mark a submitted form read ("Hantera händelser"). */
  | { type: 'mark-submission-read'; programmeId: string; submissionId: string }
  /** Patient: give, change or remove their mobile number. */
  | { type: 'set-mobile-number'; programmeId: string; mobileNumber: string | null }
  /** Invånaradministratör: appoint another behandlare of the unit as responsible. */
  | ({ type: 'change-responsible'; programmeId: string; responsibleUserId: string } & Versioned)
  /** Behandlare: hand the programme over to another care unit. */
  | ({ type: 'hand-over'; programmeId: string; toUnitId: string } & Versioned)
  /** Invånaradministratör of the receiving unit: accept a handover and appoint the responsible. */
  | ({ type: 'accept-handover'; programmeId: string; responsibleUserId: string } & Versioned)
  /** Behandlare: keep the programme readable for the patient until a date ("vidmakthålla"). */
  | ({ type: 'retain-programme'; programmeId: string; until: LocalDate } & Versioned)
  /** Behandlare: end the programme with a reason; the patient loses access. */
  | ({ type: 'end-programme'; programmeId: string; reason: EndReason } & Versioned & Idempotent)

/** Commands about a care unit, its people and their settings. */
export type UnitCommand =
  /** Behörighetsadministratör: give a user a role in the administrator's unit. */
  | { type: 'grant-role'; userId: string; role: Role }
  /** Behörighetsadministratör: take a role away. */
  | { type: 'withdraw-role'; userId: string; role: Role }
  /** Any staff member: choose how flags reach them. */
  | { type: 'set-notification-preferences'; email: boolean; sms: boolean }
  /** Dataadministratör: purge ended programmes of the unit ("gallra"). */
  | { type: 'purge-programmes'; programmeIds: string[] }

/** Everything an actor can ask the engine to do. */
export type Command = ProgrammeCommand | UnitCommand
