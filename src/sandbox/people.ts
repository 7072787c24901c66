// The sandbox's people: two care units with one user per role, and three test patients with
// Skatteverket's published test personnummer (the 1912-12-12 series the engine's tests use);
// staff have test numbers of their own (1990-01-01 series).
// No other personnummer is accepted anywhere in the sandbox.
import type { Role } from './engine-adapter.ts'

/** A care unit of the sandbox. */
export interface SandboxUnit {
  unitId: string
  name: string
}

/** A staff member: one role in one unit (the first administrator of a unit is set up by the host). */
export interface StaffPerson {
  kind: 'staff'
  id: string
  name: string
  /** What they do at the unit, as the guide's role table gives examples. */
  title: string
  unitId: string
  role: Role
  /**
   * Their personnummer, as the SITHS login gives it to the engine: Skatteverket test numbers of
   * the 1990-01-01 series, distinct from the test patients' (the engine refuses staff access to a
   * programme of their own number).
   */
  personnummer: string
}

/** A test patient. */
export interface PatientPerson {
  kind: 'patient'
  id: string
  name: string
  /** Skatteverket's test personnummer, `ÅÅÅÅMMDD-NNNN`. */
  personnummer: string
}

export type Person = StaffPerson | PatientPerson

export const HOME_UNIT: SandboxUnit = { unitId: 'vc-provby', name: 'Vårdcentralen Provby' }
/** A second unit, so that a programme can be handed over. */
export const OTHER_UNIT: SandboxUnit = { unitId: 'vc-testa', name: 'Vårdcentralen Testa' }
export const UNITS: readonly SandboxUnit[] = [HOME_UNIT, OTHER_UNIT]

export const STAFF: readonly StaffPerson[] = [
  { kind: 'staff', id: 'anna', name: 'Anna Ek', title: 'sjuksköterska', unitId: HOME_UNIT.unitId, role: 'behandlare', personnummer: '19900101-1015' },
  { kind: 'staff', id: 'bo', name: 'Bo Lind', title: 'psykolog', unitId: HOME_UNIT.unitId, role: 'behandlare', personnummer: '19900101-1023' },
  { kind: 'staff', id: 'maria', name: 'Maria Holm', title: 'administratör', unitId: HOME_UNIT.unitId, role: 'behorighetsadministrator', personnummer: '19900101-1031' },
  { kind: 'staff', id: 'ingrid', name: 'Ingrid Sjö', title: 'kurator', unitId: HOME_UNIT.unitId, role: 'invanaradministrator', personnummer: '19900101-1049' },
  { kind: 'staff', id: 'dag', name: 'Dag Strand', title: 'administratör', unitId: HOME_UNIT.unitId, role: 'dataadministrator', personnummer: '19900101-1056' },
  { kind: 'staff', id: 'david', name: 'David Berg', title: 'psykolog', unitId: OTHER_UNIT.unitId, role: 'behandlare', personnummer: '19900101-1064' },
  { kind: 'staff', id: 'mats', name: 'Mats Dal', title: 'administratör', unitId: OTHER_UNIT.unitId, role: 'behorighetsadministrator', personnummer: '19900101-1072' },
  { kind: 'staff', id: 'irene', name: 'Irene Vik', title: 'sjuksköterska', unitId: OTHER_UNIT.unitId, role: 'invanaradministrator', personnummer: '19900101-1080' },
]

export const PATIENTS: readonly PatientPerson[] = [
  { kind: 'patient', id: 'tolvan', name: 'Tolvan Tolvansson', personnummer: '19121212-1212' },
  { kind: 'patient', id: 'greta', name: 'Greta Provsson', personnummer: '19121212-1220' },
  { kind: 'patient', id: 'sven', name: 'Sven Testman', personnummer: '19121212-1238' },
]

export const PEOPLE: readonly Person[] = [...STAFF, ...PATIENTS]

/** The person acting when nobody has been chosen yet: the first behandlare. */
export const DEFAULT_PERSON_ID = 'anna'

export function personById(id: string | undefined): Person | null {
  return PEOPLE.find((p) => p.id === id) ?? null
}

export function unitName(unitId: string): string {
  return UNITS.find((u) => u.unitId === unitId)?.name ?? unitId
}

export function staffName(userId: string | null): string {
  if (userId === null) return 'ingen än'
  return STAFF.find((s) => s.id === userId)?.name ?? userId
}

/** The 12 digits of a personnummer in any spelling the sandbox accepts, or null. */
function digits(value: string): string | null {
  const d = value.replace(/[\s-]/g, '')
  return /^\d{12}$/.test(d) ? d : null
}

/**
 * The test patient with this personnummer (12 digits, with or without the dash), or null for any
 * other number: the sandbox accepts only its own test patients.
 */
export function testPatient(personnummer: string): PatientPerson | null {
  const d = digits(personnummer.trim())
  if (d === null) return null
  return PATIENTS.find((p) => p.personnummer.replace('-', '') === d) ?? null
}
