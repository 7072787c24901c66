// Who acts: staff members hold roles in care units; the patient acts on their own programme; the
// host's scheduler acts as the system.

/** A role in a care unit, as in 1177 Stöd och behandling. */
export type Role =
  /** Behörighetsadministratör: grants and withdraws roles within the unit. */
  | 'behorighetsadministrator'
  /** Behandlare: starts, updates, ends and hands over programmes; answers messages. */
  | 'behandlare'
  /** Invånaradministratör: changes the responsible clinician; receives handed-over programmes. */
  | 'invanaradministrator'
  /** Dataadministratör: purges ended programmes and exports data. */
  | 'dataadministrator'

/** Every role, in the order the seed lists them. */
export const ROLES: readonly Role[] = ['behorighetsadministrator', 'behandlare', 'invanaradministrator', 'dataadministrator']

/** The Swedish name of each role, as clinicians know it. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  behorighetsadministrator: 'Behörighetsadministratör',
  behandlare: 'Behandlare',
  invanaradministrator: 'Invånaradministratör',
  dataadministrator: 'Dataadministratör',
}

/** The acting user, passed with every command and query. The host has authenticated them. */
export type Actor =
  /**
   * A staff member logged in to one care unit (SITHS); their roles there are looked up. Their
   * personnummer comes from the same identity (any accepted spelling): nobody may open or start
   * a programme for themselves.
   */
  | { kind: 'staff'; userId: string; unitId: string; personnummer: string }
  /** The patient (invånare), identified by their personnummer (any accepted spelling). */
  | { kind: 'patient'; personnummer: string }
  /** The host's own processes: the flag scheduler and setting up units. */
  | { kind: 'system'; process: string }

/** How an event records who acted. A patient is recorded without their personnummer. */
export type ActorRef =
  | { kind: 'staff'; userId: string; unitId: string }
  | { kind: 'patient' }
  | { kind: 'system'; process: string }

/** True when the value is a known role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}
