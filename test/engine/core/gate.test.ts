// The gate: identifies the actor, checks the permission table, finds the programme; every
// refusal is in the audit log before it is thrown.
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../src/engine/core/run-command.ts'
import { BEHANDLARE, PNR, patient, refusedWith, staff } from '../harness.ts'
import { rooms } from './rooms.ts'

describe('gate', () => {
  it('given a behandlare, when they pass for start-programme, then they pass with their roles and nothing is logged yet', () => {
    const { ctx, gate } = rooms()
    const passed = gate.pass(BEHANDLARE, 'start-programme', ctx.now())
    expect(passed).toEqual({ who: { roles: ['behandlare'], patient: null, personnummer: expect.stringMatching(/^19900101\d{4}$/) }, state: null })
    expect(ctx.store.listAudit()).toEqual([])
  })

  it('given a patient, then the gate knows them by their 12-digit personnummer', () => {
    const { ctx, gate } = rooms()
    expect(gate.who(patient('191212121212'), ctx.now())).toEqual({ roles: [], patient: '191212121212', personnummer: '191212121212' })
  })

  it('given a user without the role, when they pass, then it is refused and logged', () => {
    const { ctx, gate } = rooms()
    expect(refusedWith(() => gate.pass(staff('u-admin'), 'start-programme', ctx.now()))).toBe('role-missing')
    expect(ctx.store.listAudit()).toMatchObject([{ action: 'start-programme', actorId: 'u-admin', outcome: 'refused', refusalCode: 'role-missing' }])
  })

  it('given a programme, when its behandlare passes for it, then the gate hands over its state', () => {
    const { ctx, gate } = rooms()
    const { programmeId } = runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    expect(gate.pass(BEHANDLARE, 'overview', ctx.now(), programmeId ?? '').state?.programmeId).toBe(programmeId)
  })

  it.each([null, 'staff', { kind: 'staff', userId: '', unitId: 'vc-norr' }, { kind: 'staff', userId: 'u-beh', unitId: 'vc-norr', personnummer: '19900101-1016' }, { kind: 'patient', personnummer: '19121212-1213' }, { kind: 'system', process: '' }, { kind: 'robot' }])(
    'given a malformed actor %j, then it is a TypeError (a host bug), not a refusal',
    (actor) => {
      const { ctx, gate } = rooms()
      expect(() => gate.pass(actor as never, 'list-mine', ctx.now())).toThrow(TypeError)
    },
  )
})
