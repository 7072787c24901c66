// plus/engine: the PLUS programme engine. Runs the workflow of 1177 Stöd och behandling on a
// compiled content bundle: roles and units, programmes, modules, forms, messages, flags,
// ending, handover, purge, export and the audit log.

export { createEngine } from './engine.ts'
export type { CommandResult, Engine, EngineHooks, EngineOptions, ExportSummary, FlagRun, QueryResults } from './engine.ts'
export { DEFAULT_PURGE_GRACE_DAYS } from './core/context.ts'
export { MAX_IDEMPOTENCY_KEY_LENGTH } from './core/idempotency.ts'
export { checkText } from './text.ts'
export type { CheckedText, TextProblem } from './text.ts'
export { logReview, patientAccessLog } from './audit-views.ts'
export type { AccessLogEntry, ReviewFinding, ReviewFindingKind } from './audit-views.ts'

export type { Command, ModuleStart, ProgrammeCommand, UnitCommand } from './commands.ts'
export type { Query } from './queries.ts'
export type { ProgrammeEvent, ProgrammeEventPayload, ProgrammeEventType } from './events.ts'
export type { Lifecycle, Message, ProgrammeState, StartedModule, Submission } from './state.ts'

export { decide, actorRef, MAX_MESSAGE_LENGTH, MAX_WELCOME_LENGTH, VERSIONED } from './decide.ts'
export type { Decision, DecideContext, DecideFacts } from './decide.ts'
export { evolve, evolveAll } from './evolve.ts'
export { decideUnit, PATIENT_CONTENT_ROLES } from './decide-unit.ts'
export type { PeopleCommand, UnitChange, UnitDecideContext, UnitDecision, UnitFacts } from './decide-unit.ts'
export { isOpenToPatient, patientAccessOn } from './lifecycle.ts'
export type { PatientAccess } from './lifecycle.ts'

export { authorize, PERMISSIONS } from './permissions.ts'
export type { AccessRule, Action, Target } from './permissions.ts'
export { ROLES, ROLE_LABELS, isRole } from './roles.ts'
export type { Actor, ActorRef, Role } from './roles.ts'
export { EngineRefusal, REFUSAL_CODES, refusal } from './refusals.ts'
export type { Refusal, RefusalCode } from './refusals.ts'
export { END_REASONS, isEndReason } from './end-reasons.ts'
export type { EndReason } from './end-reasons.ts'

export { parsePersonnummer, normalisePersonnummer, luhnCheckDigit, tenDigitForm, looksLikePersonnummer } from '../identity/personnummer.ts'
export type { Personnummer, PersonnummerProblem, PersonnummerResult } from '../identity/personnummer.ts'
export { normaliseMobileNumber } from './phone.ts'
export { TIME_ZONE, addDays, daysBetween, isLocalDate, localDate, localTime, startOfLocalDay } from './calendar.ts'
export type { LocalDate } from './calendar.ts'

export { indexContent, orderedModules } from './content.ts'
export type { ContentIndex, FormEntry, StepEntry } from './content.ts'
export { DEFAULT_DELIVERY_WINDOW, inDeliveryWindow, nextDeliveryAt } from './flags.ts'
export type { DeliveryWindow } from './flags.ts'
export { DEFAULT_MAX_RETENTION_DAYS } from './policy.ts'
export { isSafeUnitId } from './unit-id.ts'
export { dueFlags, flagSchedule, isDueOn } from './flags.ts'
export type { DueFlag, ScheduledFlag } from './flags.ts'
export { programmeTimeline, untouchedProgramme } from './timeline.ts'
export type { ModuleClosing, TimelineEvent } from './timeline.ts'
export { outboxNotifier } from './notifier.ts'
export type { Channel, FlagNotification, NotificationRecipient, Notifier } from './notifier.ts'
export { csvCell, csvRow, exportFileName, exportProgramme, patientExport, unitExportChunks, unitExportFile } from './export.ts'
export type { ExportFile, ExportFormat, ExportHeader, ExportTally, ExportedProgramme, PatientExport, UnitExport } from './export.ts'
export type {
  AnswerView,
  EventsView,
  MessageView,
  ModuleView,
  Overview,
  PatientProgrammeSummary,
  PatientView,
  ProgrammeListRow,
  ProgrammeTree,
  StepView,
  SubmissionSummary,
  SubmissionView,
  WelcomeView,
} from './views.ts'

export { openSqliteStore, DEFAULT_PREFERENCES } from './store/sqlite.ts'
export type { SqliteStoreOptions } from './store/sqlite.ts'
export { MIGRATIONS } from './store/migrations.ts'
export type { Migration } from './store/migrations.ts'
export { ConcurrencyConflict, IdempotencyKeyExists, OpenProgrammeExists } from './store/types.ts'
export type {
  AuditEntry,
  AuditFilter,
  EngineStore,
  IdempotencyEntry,
  PurgeRecord,
  FlagDelivery,
  FlagDeliveryKey,
  FlagScheduleEntry,
  NotificationPreferences,
  OutboxMessage,
  ProgrammeFilter,
  RoleGrant,
  StoredAuditEntry,
  StoreOperations,
  StoreTransaction,
  Unit,
} from './store/types.ts'
