// What the audit log shows: the unit's log for the dataadministratör, the recurring log review
// and the patient's extract (which care units accessed their data and when). Pure: the engine
// reads the entries (role-checked) and logs the reading.
import type { Action } from './permissions.ts'
import type { StoredAuditEntry, Unit } from './store/types.ts'

/** Actions aimed at one programme: the accesses the log review looks at one by one. */
export const PROGRAMME_ACTIONS: ReadonlySet<string> = new Set<Action>([
  'start-programme',
  'start-modules',
  'change-module-closing-date',
  'edit-welcome-text',
  'send-message',
  'mark-messages-read',
  'mark-submission-read',
  'change-responsible',
  'hand-over',
  'accept-handover',
  'retain-programme',
  'end-programme',
  'messages',
  'programme-tree',
  'overview',
  'events',
  'submission',
])

/** Why an entry is in the log review. */
export type ReviewFindingKind =
  /** A staff member accessed (or tried to access) a programme with their own personnummer. */
  | 'own-personnummer'
  /** A staff member opened a programme they were not responsible for (not on their "Mina" list). */
  | 'outside-own-list'
  /** A staff member opened a programme after it had ended. */
  | 'after-end'

/** One entry the reviewer should look at, and why. */
export interface ReviewFinding {
  kind: ReviewFindingKind
  entry: StoredAuditEntry
}

/** The log review of a set of entries, in log order; an entry may be found for several reasons. */
export function logReview(entries: readonly StoredAuditEntry[]): ReviewFinding[] {
  const findings: ReviewFinding[] = []
  for (const entry of entries) {
    if (entry.actorKind !== 'staff') continue
    if (entry.patient !== null && entry.actorPersonnummer !== null && entry.patient === entry.actorPersonnummer) {
      findings.push({ kind: 'own-personnummer', entry })
    }
    if (!PROGRAMME_ACTIONS.has(entry.action) || entry.outcome !== 'ok') continue
    if (entry.actorResponsible === false) findings.push({ kind: 'outside-own-list', entry })
    if (entry.programmeStatus === 'ended') findings.push({ kind: 'after-end', entry })
  }
  return findings
}

/** One access in a patient's extract. */
export interface AccessLogEntry {
  /** When, ISO 8601 UTC. */
  at: string
  unitId: string
  /** The unit's name, or null when the unit is unknown to this engine. */
  unitName: string | null
  access: 'read' | 'write'
}

/**
 * The patient's extract: every access to their data by staff of a care unit, in time order.
 * Refused attempts reached no data and are left out; so are the patient's own actions and the
 * engine's processes (flags).
 */
export function patientAccessLog(entries: readonly StoredAuditEntry[], unit: (unitId: string) => Unit | null): AccessLogEntry[] {
  return entries
    .filter((e) => e.actorKind === 'staff' && e.outcome === 'ok' && e.unitId !== null)
    .map((e) => ({ at: e.at, unitId: e.unitId ?? '', unitName: unit(e.unitId ?? '')?.name ?? null, access: e.access }))
}

/** Whether an entry lies within [from, to) (ISO 8601 UTC strings; either may be absent). */
export function withinPeriod(entry: Pick<StoredAuditEntry, 'at'>, from: string | undefined, to: string | undefined): boolean {
  return (from === undefined || entry.at >= from) && (to === undefined || entry.at < to)
}
