// The command room: gate, decide, store with its audit entry in one transaction, then flags.
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../src/engine/core/run-command.ts'
import { BEHANDLARE, PNR, refusedWith, staff } from '../harness.ts'
import { rooms } from './rooms.ts'

describe('runCommand', () => {
  it('given a behandlare, when they start a programme, then its events, the audit entry and the start flag are stored together', async () => {
    const { ctx, gate } = await rooms()
    const result = await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    expect(result.version).toBe(1)
    expect(await ctx.store.readEvents(result.programmeId ?? '')).toMatchObject([{ type: 'programme-started' }])
    expect((await ctx.store.listAudit()).filter((e) => e.action === 'start-programme')).toMatchObject([{ outcome: 'ok', programmeId: result.programmeId }])
    expect(result.flags.map((f) => f.trigger)).toContain('programme-started')
  })

  it('given a refused decision, then nothing is stored but the refusal is logged', async () => {
    const { ctx, gate } = await rooms()
    const { programmeId } = await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const p = programmeId ?? ''
    expect(await refusedWith(() => runCommand(ctx, gate, BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [], expectedVersion: 1 }))).toBe('no-modules')
    expect((await ctx.store.getProgramme(p))?.version).toBe(1)
    expect((await ctx.store.listAudit()).at(-1)).toMatchObject({ action: 'start-modules', outcome: 'refused', refusalCode: 'no-modules' })
  })

  it('given an administrator, when they grant a role, then the unit decider\'s change is stored with who granted it', async () => {
    const { ctx, gate } = await rooms()
    await runCommand(ctx, gate, staff('u-admin'), { type: 'grant-role', userId: 'u-inv', role: 'invanaradministrator' })
    expect(await ctx.store.unitRoles('vc-norr')).toContainEqual(expect.objectContaining({ userId: 'u-inv', role: 'invanaradministrator', grantedBy: 'u-admin' }))
  })

  it('given an unknown command type, then it is a TypeError', async () => {
    const { ctx, gate } = await rooms()
    await expect(runCommand(ctx, gate, BEHANDLARE, { type: 'launch' } as never)).rejects.toThrow(TypeError)
  })
})
