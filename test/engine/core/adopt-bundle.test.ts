// Adopting a bundle: running programmes move to its version; a reused version is refused.
import { describe, expect, it } from 'vitest'
import { adoptBundle, flagScheduleBasis } from '../../../src/engine/core/adopt-bundle.ts'
import { runCommand } from '../../../src/engine/core/run-command.ts'
import { indexContent } from '../../../src/engine/index.ts'
import { testBundle } from '../bundle.ts'
import { BEHANDLARE, PNR, PNR_B } from '../harness.ts'
import { rooms } from './rooms.ts'

describe('adoptBundle', () => {
  it('given a running programme on 1.0.0, when 1.1.0 is adopted, then it moves with a content-updated event and the schedule basis is recorded', async () => {
    const { ctx, gate } = await rooms()
    const { programmeId } = await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const next = testBundle({ version: '1.1.0' })
    await adoptBundle(ctx.store, next, indexContent(next), ctx.now())
    expect((await ctx.store.getProgramme(programmeId ?? ''))?.contentVersion).toBe('1.1.0')
    expect((await ctx.store.readEvents(programmeId ?? '')).at(-1)).toMatchObject({ type: 'content-updated', fromVersion: '1.0.0', toVersion: '1.1.0' })
    expect(await ctx.store.getFlagScheduleBasis()).toBe(flagScheduleBasis(indexContent(next)))
  })

  it('given programmes on two versions, then the store hands over only those on another version than the one adopted, and adopting moves exactly those', async () => {
    const { ctx, gate } = await rooms()
    const a = (await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
    const v11 = testBundle({ version: '1.1.0' })
    await adoptBundle(ctx.store, v11, indexContent(v11), ctx.now())
    // The context still runs on 1.0.0: a programme started now is on 1.0.0 while a is on 1.1.0.
    const b = (await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })).programmeId ?? ''
    const ids = async (version: string) => (await ctx.store.listProgrammes({ contentVersionNot: version })).map((p) => p.programmeId).sort()
    expect(await ids('1.1.0')).toEqual([b])
    expect(await ids('1.0.0')).toEqual([a])
    expect(await ids('9.9.9')).toEqual([a, b].sort())
    await adoptBundle(ctx.store, v11, indexContent(v11), ctx.now())
    expect((await ctx.store.getProgramme(b))?.contentVersion).toBe('1.1.0')
    expect((await ctx.store.readEvents(a)).filter((e) => e.type === 'content-updated')).toHaveLength(1)
    expect(await ids('1.1.0')).toEqual([])
  })

  it('given a stored version, when different content comes with the same version, then it is refused and nothing moves', async () => {
    const { ctx } = await rooms()
    const same = testBundle({ durationDays: 60 })
    await adoptBundle(ctx.store, testBundle(), indexContent(testBundle()), ctx.now())
    await expect(adoptBundle(ctx.store, same, indexContent(same), ctx.now())).rejects.toThrow(/new version/)
  })
})
