// The gate ("authorise"): every command and query passes it first. It identifies the actor,
// checks the permission table (permissions.ts) and, for an action aimed at one programme, that
// the programme is one the actor may reach. Every refusal is written to the audit log before it
// is thrown; every allowed access is logged by the room that performs it.
import { auditEntry } from '../audit.ts'
import { localDate } from '../calendar.ts'
import { type Action, authorize, PERMISSIONS, type Target } from '../permissions.ts'
import { parsePersonnummer } from '../../identity/personnummer.ts'
import { EngineRefusal, type Refusal, refusal } from '../refusals.ts'
import type { Actor, Role } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import type { EngineStore } from '../store/types.ts'
import { nonEmpty } from './context.ts'

/** Who the actor is: their roles in their unit (staff) or their personnummer (patient). */
export interface Who {
  roles: Role[]
  /** The patient actor's personnummer, 12 digits; null for staff and the system. */
  patient: string | null
}

/** The gate's answer when it lets an action through. */
export interface Passed {
  who: Who
  /** The programme the action is aimed at, or null for actions not aimed at one. */
  state: ProgrammeState | null
}

/** The gate of one engine. */
export interface Gate {
  /** Identifies the actor. Throws a TypeError on a malformed actor (a host bug). */
  who(actor: Actor, at: string): Who
  /**
   * Lets the action through or refuses it (logged, thrown). With a programme id, the programme
   * must exist and be the actor's to reach.
   */
  pass(actor: Actor, action: Action, at: string, programmeId?: string): Passed
  /** Logs a refusal and throws it. */
  refuse(actor: Actor, action: Action, refused: Refusal, at: string, target?: ProgrammeState | null): never
  /** Logs an allowed access. */
  logOk(actor: Actor, action: Action, at: string, programme: ProgrammeState | null): void
}

/** Creates the gate over a store. */
export function createGate(store: EngineStore): Gate {
  function who(actor: Actor, at: string): Who {
    if (actor === null || typeof actor !== 'object') throw new TypeError('Expected an actor')
    switch (actor.kind) {
      case 'staff':
        if (!nonEmpty(actor.userId) || !nonEmpty(actor.unitId)) throw new TypeError('A staff actor needs userId and unitId')
        return { roles: store.rolesOf(actor.userId, actor.unitId), patient: null }
      case 'patient': {
        const parsed = typeof actor.personnummer === 'string' ? parsePersonnummer(actor.personnummer, localDate(at)) : null
        // The host authenticated the patient; an invalid number is a host bug. Never echo it.
        if (!parsed?.ok) throw new TypeError('A patient actor needs a valid personnummer')
        return { roles: [], patient: parsed.personnummer.value }
      }
      case 'system':
        if (!nonEmpty(actor.process)) throw new TypeError('A system actor needs a process name')
        return { roles: [], patient: null }
      default:
        throw new TypeError('Unknown actor kind')
    }
  }

  function refuse(actor: Actor, action: Action, refused: Refusal, at: string, target?: ProgrammeState | null): never {
    store.appendAudit(
      auditEntry(actor, {
        at,
        programmeId: target?.programmeId ?? refused.programmeId ?? null,
        programmeUnitId: target?.unitId ?? null,
        action,
        access: PERMISSIONS[action].access,
        outcome: 'refused',
        refusalCode: refused.code,
      }),
    )
    throw new EngineRefusal(refused)
  }

  function logOk(actor: Actor, action: Action, at: string, programme: ProgrammeState | null): void {
    store.appendAudit(
      auditEntry(actor, {
        at,
        programmeId: programme?.programmeId ?? null,
        programmeUnitId: programme?.unitId ?? null,
        action,
        access: PERMISSIONS[action].access,
        outcome: 'ok',
        refusalCode: null,
      }),
    )
  }

  function pass(actor: Actor, action: Action, at: string, programmeId?: string): Passed {
    const identified = who(actor, at)
    const base = { roles: identified.roles, patient: identified.patient, target: null, ...(programmeId === undefined ? {} : { programmeId }) }
    const denied = authorize(actor, action, base)
    if (denied) refuse(actor, action, denied, at)
    if (programmeId === undefined) return { who: identified, state: null }
    if (!nonEmpty(programmeId)) throw new TypeError(`${action} needs a programmeId`)
    const state = store.getProgramme(programmeId)
    if (!state) refuse(actor, action, refusal('programme-not-found', { programmeId }), at)
    const target: Target = { unitId: state.unitId, patient: state.patient }
    const deniedHere = authorize(actor, action, { ...base, target })
    if (deniedHere) refuse(actor, action, deniedHere, at, state)
    return { who: identified, state }
  }

  return { who, pass, refuse, logOk }
}
