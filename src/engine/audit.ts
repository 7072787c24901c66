// Builds audit entries. HSLF-FS 2016:40 4 kap. 9 § asks each entry to say what was done, in which
// care unit, when, by whom and to which patient's data: so an entry names the acting user (and
// their personnummer, as their SITHS identity carries it) and the patient (personnummer), and
// never holds clinical text (answers, messages, welcome texts). What the log-review report needs
// is recorded at the time of access: the programme's status and whether the actor was its
// responsible clinician.
import { parsePersonnummer } from '../identity/personnummer.ts'
import { localDate } from './calendar.ts'
import type { Actor } from './roles.ts'
import type { ProgrammeState } from './state.ts'
import type { AuditEntry } from './store/types.ts'

/** Who and which unit, as the audit log records an actor. */
export function auditActor(actor: Actor, at: string): Pick<AuditEntry, 'actorKind' | 'actorId' | 'unitId' | 'actorPersonnummer'> {
  switch (actor.kind) {
    case 'staff':
      return { actorKind: 'staff', actorId: actor.userId, unitId: actor.unitId, actorPersonnummer: personnummerOf(actor.personnummer, at) }
    case 'patient':
      return { actorKind: 'patient', actorId: null, unitId: null, actorPersonnummer: personnummerOf(actor.personnummer, at) }
    case 'system':
      return { actorKind: 'system', actorId: actor.process, unitId: null, actorPersonnummer: null }
    default: {
      const never: never = actor
      throw new TypeError(`Unknown actor ${JSON.stringify(never)}`)
    }
  }
}

/** What a caller gives; the rest is derived from the actor and the programme. */
export type AuditFields = Omit<AuditEntry, 'actorKind' | 'actorId' | 'unitId' | 'actorPersonnummer' | 'patient' | 'programmeStatus' | 'actorResponsible'> & {
  /** The programme's unit, used when the actor has none (patients, the system). */
  programmeUnitId?: string | null
  /** The programme the entry concerns (after a change, as changed). */
  programme?: ProgrammeState | null
  /** The programme as the actor found it, when a change made `programme`: status and responsibility are taken from it. */
  before?: ProgrammeState | null
  /** The patient concerned, when there is no programme to take it from (12 digits). */
  patient?: string | null
}

/**
 * A complete audit entry. The unit falls back to the programme's unit for patients and the
 * system; the patient is the programme's, else the given one, else the patient actor.
 */
export function auditEntry(actor: Actor, fields: AuditFields): AuditEntry {
  const who = auditActor(actor, fields.at)
  const { programmeUnitId, programme, before, patient, ...rest } = fields
  const found = before ?? programme
  return {
    ...who,
    ...rest,
    unitId: who.unitId ?? programmeUnitId ?? programme?.unitId ?? null,
    programmeId: rest.programmeId ?? programme?.programmeId ?? null,
    patient: programme?.patient ?? patient ?? (actor.kind === 'patient' ? who.actorPersonnummer : null),
    programmeStatus: found?.lifecycle.status ?? null,
    actorResponsible: found && actor.kind === 'staff' ? found.responsibleUserId === actor.userId : null,
  }
}

/** The last number read, at the last time: a list logs one entry per row with the same actor and time. */
let last: { value: unknown; at: string; result: string | null } | null = null

function personnummerOf(value: unknown, at: string): string | null {
  if (last !== null && last.value === value && last.at === at) return last.result
  const parsed = parsePersonnummer(value, localDate(at))
  const result = parsed.ok ? parsed.personnummer.value : null
  last = { value, at, result }
  return result
}
