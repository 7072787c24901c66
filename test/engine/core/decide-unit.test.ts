// Given the unit's grants / when a unit command / then changes or a refusal, over decideUnit.
import { describe, expect, it } from 'vitest'
import { decideUnit, type PeopleCommand, type RoleGrant, type Role } from '../../../src/engine/index.ts'

const ADMIN = { userId: 'u-admin', unitId: 'vc-norr' }
const grant = (userId: string, role: Role): RoleGrant => ({ unitId: 'vc-norr', userId, role, grantedAt: '2025-04-07T07:00:00.000Z', grantedBy: 'system' })
const BASE = [grant('u-admin', 'behorighetsadministrator'), grant('u-beh', 'behandlare')]

function given(grants: RoleGrant[], actor = ADMIN) {
  return {
    when(command: PeopleCommand) {
      const decision = decideUnit(command, { actor, facts: { grants } })
      return {
        then: (changes: unknown[]) => expect(decision).toEqual({ ok: true, changes }),
        thenRefused: (code: string) => expect(decision.ok ? 'accepted' : decision.refusal.code).toBe(code),
      }
    },
  }
}

describe('decideUnit', () => {
  it('given a unit, when a role is granted to another user, then it is granted in the actor\'s unit', () => {
    given(BASE).when({ type: 'grant-role', userId: 'u-ny', role: 'behandlare' }).then([{ type: 'role-granted', unitId: 'vc-norr', userId: 'u-ny', role: 'behandlare' }])
  })
  it.each(['behandlare', 'behorighetsadministrator', 'dataadministrator'] as Role[])('given an administrator, when they grant themselves %s, then it is refused (own-account)', (role) => {
    given(BASE).when({ type: 'grant-role', userId: 'u-admin', role }).thenRefused('own-account')
  })
  it.each(['behandlare', 'invanaradministrator', 'dataadministrator'] as Role[])('given another administrator, when they are granted %s, then it is refused (role-conflict)', (role) => {
    given([...BASE, grant('u-admin2', 'behorighetsadministrator')]).when({ type: 'grant-role', userId: 'u-admin2', role }).thenRefused('role-conflict')
  })
  it('given a behandlare, when they are made administrator, then it is refused (role-conflict)', () => {
    given(BASE).when({ type: 'grant-role', userId: 'u-beh', role: 'behorighetsadministrator' }).thenRefused('role-conflict')
  })
  it('given a held role, when granted again, then it is refused', () => {
    given(BASE).when({ type: 'grant-role', userId: 'u-beh', role: 'behandlare' }).thenRefused('role-already-granted')
  })
  it('given an empty user id, then it is refused', () => {
    given(BASE).when({ type: 'grant-role', userId: ' ', role: 'behandlare' }).thenRefused('invalid-user')
  })
  it('given a role not held, when withdrawn, then it is refused', () => {
    given(BASE).when({ type: 'withdraw-role', userId: 'u-beh', role: 'dataadministrator' }).thenRefused('role-not-granted')
  })
  it('given one administrator, when the role is withdrawn, then it is refused (last-administrator)', () => {
    given(BASE).when({ type: 'withdraw-role', userId: 'u-admin', role: 'behorighetsadministrator' }).thenRefused('last-administrator')
  })
  it('given two administrators, when one withdraws their own role, then it is withdrawn', () => {
    given([...BASE, grant('u-admin2', 'behorighetsadministrator')])
      .when({ type: 'withdraw-role', userId: 'u-admin', role: 'behorighetsadministrator' })
      .then([{ type: 'role-withdrawn', unitId: 'vc-norr', userId: 'u-admin', role: 'behorighetsadministrator' }])
  })
  it('given anyone, when they set their preferences, then they are set for the actor only', () => {
    given(BASE, { userId: 'u-beh', unitId: 'vc-norr' })
      .when({ type: 'set-notification-preferences', email: false, sms: true })
      .then([{ type: 'preferences-set', userId: 'u-beh', email: false, sms: true }])
  })
  it('given an unknown role or non-boolean preferences, then it is a TypeError (host bug)', () => {
    expect(() => decideUnit({ type: 'grant-role', userId: 'u-x', role: 'kung' as Role }, { actor: ADMIN, facts: { grants: BASE } })).toThrow(TypeError)
    expect(() => decideUnit({ type: 'set-notification-preferences', email: 'ja' as never, sms: true }, { actor: ADMIN, facts: { grants: BASE } })).toThrow(TypeError)
  })
})

describe('decideUnit: another account of the same person', () => {
  const MINE = '199001011015'
  it('given a user id known to act with the administrator\'s own personnummer, when the administrator grants it a role, then it is refused (own-account)', () => {
    const decision = decideUnit(
      { type: 'grant-role', userId: 'u-admin-alt', role: 'behandlare' },
      { actor: { ...ADMIN, personnummer: MINE }, facts: { grants: BASE, personnummerOf: (u) => (u === 'u-admin-alt' ? MINE : null) } },
    )
    expect(decision.ok ? 'accepted' : decision.refusal.code).toBe('own-account')
  })
  it('given a user id never seen, then the grant goes ahead', () => {
    const decision = decideUnit(
      { type: 'grant-role', userId: 'u-ny', role: 'behandlare' },
      { actor: { ...ADMIN, personnummer: MINE }, facts: { grants: BASE, personnummerOf: () => null } },
    )
    expect(decision.ok).toBe(true)
  })
})
