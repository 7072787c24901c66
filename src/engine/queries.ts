// Queries: what an actor may look at. Every query passes the same permission check as commands
// and is written to the audit log.

/** Everything an actor can ask to see. Results are typed by QueryResults (views.ts). */
export type Query =
  /** Patient: their own programmes that they can still open. */
  | { type: 'patient-programmes' }
  /** Patient: the welcome text, the started modules and their steps. */
  | { type: 'patient-view'; programmeId: string }
  /** Patient or behandlare: the message thread. */
  | { type: 'messages'; programmeId: string }
  /** Patient: download their own answers and messages. */
  | { type: 'patient-export'; programmeId: string }
  /** Behandlare: all modules with the patient's opened steps and submitted forms. */
  | { type: 'programme-tree'; programmeId: string }
  /** Behandlare or invånaradministratör: "Information om momentet". */
  | { type: 'overview'; programmeId: string }
  /** Behandlare: "Hantera händelser": submitted forms (read/unread) and message counts. */
  | { type: 'events'; programmeId: string }
  /** Behandlare: one submitted form with answers, score and band. */
  | { type: 'submission'; programmeId: string; submissionId: string }
  /** Behandlare: programmes where the actor is responsible ("Mina"). */
  | { type: 'list-mine' }
  /** Behandlare or invånaradministratör: the unit's ongoing programmes ("Alla"). */
  | { type: 'list-unit' }
  /** Behandlare or dataadministratör: the unit's ended programmes ("Avslutade"). */
  | { type: 'list-ended' }
  /** Dataadministratör: export the unit's ended programmes. */
  | { type: 'export-ended'; format: 'json' | 'csv' }
  /** Behörighetsadministratör: who holds which role in the unit. */
  | { type: 'unit-roles' }
  /** Any staff member: their own notification settings. */
  | { type: 'notification-preferences' }
  /**
   * Dataadministratör: the unit's audit log (every entry whose unit is the actor's), optionally
   * within [from, to) (ISO 8601). Reading it is itself logged.
   */
  | { type: 'audit-log'; from?: string; to?: string }
  /**
   * Dataadministratör: the recurring log review of the unit: access to one's own personnummer,
   * access to programmes outside one's own list, access after a programme ended.
   */
  | { type: 'log-review'; from?: string; to?: string }
  /** Patient: which care units accessed their data and when (Patientdatalagen 8 kap. 5 §). */
  | { type: 'access-log' }
