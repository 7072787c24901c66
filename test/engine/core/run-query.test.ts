// The query room: gate, the patient's lifecycle check, the view, one audit entry per programme shown.
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../src/engine/core/run-command.ts'
import { runQuery } from '../../../src/engine/core/run-query.ts'
import { BEHANDLARE, PNR, patient, refusedWith } from '../harness.ts'
import { rooms } from './rooms.ts'

describe('runQuery', () => {
  it('given two programmes of the behandlare, when they list theirs, then both are shown and each read is logged', async () => {
    const { ctx, gate } = await rooms()
    await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1220' })
    const rows = await runQuery(ctx, gate, BEHANDLARE, { type: 'list-mine' })
    expect(rows).toHaveLength(2)
    expect((await ctx.store.listAudit()).filter((e) => e.action === 'list-mine')).toHaveLength(2)
  })

  it('given an ended programme, when the patient opens it, then it is closed to them', async () => {
    const { ctx, gate } = await rooms()
    const { programmeId } = await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const p = programmeId ?? ''
    await runCommand(ctx, gate, BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: 1 })
    expect(await refusedWith(() => runQuery(ctx, gate, patient(), { type: 'patient-view', programmeId: p }))).toBe('programme-closed')
    expect(await runQuery(ctx, gate, patient(), { type: 'patient-programmes' })).toEqual([])
  })

  it('given a query that is not one, then it is a TypeError', async () => {
    const { ctx, gate } = await rooms()
    await expect(runQuery(ctx, gate, BEHANDLARE, { type: 'everything' } as never)).rejects.toThrow(TypeError)
  })
})
