// The gate: identifies the actor, checks the permission table, finds the programme; every
// refusal is in the audit log (committed with Gate.run's transaction) before it reaches the caller.
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../src/engine/core/run-command.ts'
import { BEHANDLARE, PNR, patient, refusedWith, staff } from '../harness.ts'
import { rooms } from './rooms.ts'

describe('gate', () => {
  it('given a behandlare, when they pass for start-programme, then they pass with their roles and nothing is logged yet', async () => {
    const { ctx, gate } = await rooms()
    const passed = await gate.run((g) => g.pass(BEHANDLARE, 'start-programme', ctx.now()))
    expect(passed).toEqual({ who: { roles: ['behandlare'], patient: null, personnummer: expect.stringMatching(/^19900101\d{4}$/) }, state: null })
    expect(await ctx.store.listAudit()).toEqual([])
  })

  it('given a patient, then the gate knows them by their 12-digit personnummer', async () => {
    const { ctx, gate } = await rooms()
    expect(await gate.run((g) => g.who(patient('191212121212'), ctx.now()))).toEqual({ roles: [], patient: '191212121212', personnummer: '191212121212' })
  })

  it('given a user without the role, when they pass, then it is refused and logged', async () => {
    const { ctx, gate } = await rooms()
    expect(await refusedWith(() => gate.run((g) => g.pass(staff('u-admin'), 'start-programme', ctx.now())))).toBe('role-missing')
    expect(await ctx.store.listAudit()).toMatchObject([{ action: 'start-programme', actorId: 'u-admin', outcome: 'refused', refusalCode: 'role-missing' }])
  })

  it('given a programme, when its behandlare passes for it, then the gate hands over its state', async () => {
    const { ctx, gate } = await rooms()
    const { programmeId } = await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    expect((await gate.run((g) => g.pass(BEHANDLARE, 'overview', ctx.now(), programmeId ?? ''))).state?.programmeId).toBe(programmeId)
  })

  it.each([null, 'staff', { kind: 'staff', userId: '', unitId: 'vc-norr' }, { kind: 'staff', userId: 'u-beh', unitId: 'vc-norr', personnummer: '19900101-1016' }, { kind: 'patient', personnummer: '19121212-1213' }, { kind: 'system', process: '' }, { kind: 'robot' }])(
    'given a malformed actor %j, then it is a TypeError (a host bug), not a refusal',
    async (actor) => {
      const { ctx, gate } = await rooms()
      await expect(gate.run((g) => g.pass(actor as never, 'list-mine', ctx.now()))).rejects.toThrow(TypeError)
    },
  )
})
