// Builds audit entries. The audit log records who (user id, or "the patient" without their
// personnummer), which unit, which programme, what and when — never clinical text.
import type { Actor } from './roles.ts'
import type { AuditEntry } from './store/types.ts'

/** Who and which unit, as the audit log records an actor. */
export function auditActor(actor: Actor): Pick<AuditEntry, 'actorKind' | 'actorId' | 'unitId'> {
  switch (actor.kind) {
    case 'staff':
      return { actorKind: 'staff', actorId: actor.userId, unitId: actor.unitId }
    case 'patient':
      return { actorKind: 'patient', actorId: null, unitId: null }
    case 'system':
      return { actorKind: 'system', actorId: actor.process, unitId: null }
    default: {
      const never: never = actor
      throw new TypeError(`Unknown actor ${JSON.stringify(never)}`)
    }
  }
}

/** A complete audit entry; the unit falls back to the programme's unit for patients and the system. */
export function auditEntry(
  actor: Actor,
  fields: Omit<AuditEntry, 'actorKind' | 'actorId' | 'unitId'> & { programmeUnitId?: string | null },
): AuditEntry {
  const who = auditActor(actor)
  const { programmeUnitId, ...rest } = fields
  return { ...who, unitId: who.unitId ?? programmeUnitId ?? null, ...rest }
}
