// decideUnit(command, context) → changes or a refusal, for the commands about a care unit's
// people (grant and withdraw roles, notification settings). Pure, like decide.ts: what it needs to
// know about the unit comes in as facts. Permission (the actor's own role) has been checked by the
// gate; decideUnit enforces the unit's rules, including separation of duties.
import type { UnitCommand } from './commands.ts'
import { type Refusal, refusal } from './refusals.ts'
import { isRole, type Role } from './roles.ts'
import type { RoleGrant } from './store/types.ts'

/** Roles that reach patient content. A behörighetsadministratör may hold none of them in the same unit. */
export const PATIENT_CONTENT_ROLES: readonly Role[] = ['behandlare', 'invanaradministrator', 'dataadministrator']

/** The unit commands decideUnit handles (purge is a programme matter, run by the command room). */
export type PeopleCommand = Exclude<UnitCommand, { type: 'purge-programmes' }>

/** One change to a unit's people, applied by the engine in one transaction with its audit entry. */
export type UnitChange =
  | { type: 'role-granted'; unitId: string; userId: string; role: Role }
  | { type: 'role-withdrawn'; unitId: string; userId: string; role: Role }
  | { type: 'preferences-set'; userId: string; email: boolean; sms: boolean }

/** What decideUnit may know about the unit. */
export interface UnitFacts {
  /** Every role grant of the unit. */
  grants: readonly RoleGrant[]
  /** The personnummer a user id has acted with (their SITHS identity), or null when never seen. */
  personnummerOf?(userId: string): string | null
}

/** Everything decideUnit needs besides the command. */
export interface UnitDecideContext {
  /** The acting staff member, the unit they are logged in to and their personnummer (12 digits), if known. */
  actor: { userId: string; unitId: string; personnummer?: string | null }
  facts: UnitFacts
}

/** The outcome of a unit command. */
export type UnitDecision = { ok: true; changes: UnitChange[] } | { ok: false; refusal: Refusal }

/** Decides a unit command. Throws a TypeError on a malformed command (a host bug). */
export function decideUnit(command: PeopleCommand, ctx: UnitDecideContext): UnitDecision {
  const refuse = (code: Refusal['code']): UnitDecision => ({ ok: false, refusal: refusal(code) })
  const { unitId, userId: actorId } = ctx.actor
  const rolesOf = (userId: string): Role[] => ctx.facts.grants.filter((g) => g.userId === userId).map((g) => g.role)
  switch (command.type) {
    case 'grant-role':
    case 'withdraw-role': {
      if (typeof command.userId !== 'string' || command.userId.trim() === '') return refuse('invalid-user')
      if (!isRole(command.role)) throw new TypeError(`Unknown role ${String(command.role)}`)
      const held = rolesOf(command.userId)
      if (command.type === 'grant-role') {
        // Separation of duties: nobody widens their own access.
        if (command.userId === actorId) return refuse('own-account')
        // Another account of the same person (the same personnummer) is still their own.
        const holder = ctx.facts.personnummerOf?.(command.userId) ?? null
        if (holder !== null && holder === ctx.actor.personnummer) return refuse('own-account')
        if (held.includes(command.role)) return refuse('role-already-granted')
        // The one who hands out access never reaches patient content in the same unit, and
        // someone who reaches patient content does not hand out access there.
        const conflicts =
          command.role === 'behorighetsadministrator'
            ? held.some((r) => PATIENT_CONTENT_ROLES.includes(r))
            : held.includes('behorighetsadministrator')
        if (conflicts) return refuse('role-conflict')
        return { ok: true, changes: [{ type: 'role-granted', unitId, userId: command.userId, role: command.role }] }
      }
      if (!held.includes(command.role)) return refuse('role-not-granted')
      const admins = ctx.facts.grants.filter((g) => g.role === 'behorighetsadministrator')
      if (command.role === 'behorighetsadministrator' && admins.length <= 1) return refuse('last-administrator')
      return { ok: true, changes: [{ type: 'role-withdrawn', unitId, userId: command.userId, role: command.role }] }
    }
    case 'set-notification-preferences': {
      if (typeof command.email !== 'boolean' || typeof command.sms !== 'boolean') throw new TypeError('email and sms must be booleans')
      return { ok: true, changes: [{ type: 'preferences-set', userId: actorId, email: command.email, sms: command.sms }] }
    }
    default: {
      const never: never = command
      throw new TypeError(`Unknown command ${JSON.stringify(never)}`)
    }
  }
}
