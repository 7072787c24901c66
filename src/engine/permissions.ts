// The one place that decides who may do what. Every command and query passes through
// `authorize` before anything else happens; a refusal is logged by the caller.
import type { Command } from './commands.ts'
import type { Query } from './queries.ts'
import { type Refusal, refusal } from './refusals.ts'
import type { Actor, Role } from './roles.ts'

/** Every command and query type. */
export type Action = Command['type'] | Query['type']

/** Who may perform an action, and whether it reads or writes patient data. */
export interface AccessRule {
  /** Staff roles (in the actor's unit) that allow it. */
  staff: readonly Role[]
  /** Whether the patient may do it on their own programme. */
  patient: boolean
  /** Whether the host's own processes may do it. */
  system: boolean
  access: 'read' | 'write'
}

const ALL_ROLES: readonly Role[] = ['behorighetsadministrator', 'behandlare', 'invanaradministrator', 'dataadministrator']

const rule = (staff: readonly Role[], access: 'read' | 'write', patient = false): AccessRule => ({
  staff,
  patient,
  system: false,
  access,
})

/** The permission table, from the roles in 1177 Stöd och behandling. */
export const PERMISSIONS: Readonly<Record<Action, AccessRule>> = {
  // Programme commands
  'start-programme': rule(['behandlare'], 'write'),
  'start-modules': rule(['behandlare'], 'write'),
  'change-module-closing-date': rule(['behandlare'], 'write'),
  'edit-welcome-text': rule(['behandlare'], 'write'),
  'open-step': rule([], 'write', true),
  'submit-form': rule([], 'write', true),
  'send-message': rule(['behandlare'], 'write', true),
  'mark-messages-read': rule(['behandlare'], 'write', true),
  'mark-submission-read': rule(['behandlare'], 'write'),
  'set-mobile-number': rule([], 'write', true),
  'change-responsible': rule(['invanaradministrator'], 'write'),
  'hand-over': rule(['behandlare'], 'write'),
  'accept-handover': rule(['invanaradministrator'], 'write'),
  'retain-programme': rule(['behandlare'], 'write'),
  'end-programme': rule(['behandlare'], 'write'),
  // Unit commands
  'grant-role': rule(['behorighetsadministrator'], 'write'),
  'withdraw-role': rule(['behorighetsadministrator'], 'write'),
  'set-notification-preferences': rule(ALL_ROLES, 'write'),
  'purge-programmes': rule(['dataadministrator'], 'write'),
  // Queries
  'patient-programmes': rule([], 'read', true),
  'patient-view': rule([], 'read', true),
  messages: rule(['behandlare'], 'read', true),
  'patient-export': rule([], 'read', true),
  'programme-tree': rule(['behandlare'], 'read'),
  overview: rule(['behandlare', 'invanaradministrator'], 'read'),
  events: rule(['behandlare'], 'read'),
  submission: rule(['behandlare'], 'read'),
  'list-mine': rule(['behandlare'], 'read'),
  'list-unit': rule(['behandlare', 'invanaradministrator'], 'read'),
  'list-ended': rule(['behandlare', 'dataadministrator'], 'read'),
  'export-ended': rule(['dataadministrator'], 'read'),
  'unit-roles': rule(['behorighetsadministrator'], 'read'),
  'notification-preferences': rule(ALL_ROLES, 'read'),
  // The audit log names patients, so it is patient data: the dataadministratör reads and reviews
  // it, never the behörighetsadministratör (who must not reach patient data).
  'audit-log': rule(['dataadministrator'], 'read'),
  'log-review': rule(['dataadministrator'], 'read'),
  'access-log': rule([], 'read', true),
}

/** What an action is aimed at, when it is aimed at one programme. */
export interface Target {
  /** The unit the programme belongs to. */
  unitId: string
  /** The programme's patient, 12 digits. */
  patient: string
}

/**
 * Decides whether the actor may perform the action. `roles` are the roles a staff actor holds in
 * the unit they are logged in to; `patient` is the patient actor's normalised personnummer (null
 * when it is not valid); `target` is the programme, when the action is aimed at one.
 */
export function authorize(
  actor: Actor,
  action: Action,
  facts: { roles: readonly Role[]; patient: string | null; target: Target | null; programmeId?: string },
): Refusal | null {
  const allowed = PERMISSIONS[action]
  const at = facts.programmeId === undefined ? {} : { programmeId: facts.programmeId }
  switch (actor.kind) {
    case 'system':
      return allowed.system ? null : refusal('role-missing', at)
    case 'patient':
      if (!allowed.patient) return refusal('role-missing', { ...at, roles: [...allowed.staff] })
      if (facts.target !== null && (facts.patient === null || facts.target.patient !== facts.patient)) {
        return refusal('not-own-programme', at)
      }
      return null
    case 'staff': {
      if (!allowed.staff.some((role) => facts.roles.includes(role))) {
        return refusal('role-missing', { ...at, roles: [...allowed.staff] })
      }
      if (facts.target !== null && facts.target.unitId !== actor.unitId) return refusal('other-unit', at)
      return null
    }
    default: {
      const never: never = actor
      throw new TypeError(`Unknown actor ${JSON.stringify(never)}`)
    }
  }
}
