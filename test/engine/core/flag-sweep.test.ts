// The flag sweep: exactly once per key, a throwing notifier loses only its own flag.
import { describe, expect, it } from 'vitest'
import { createContext } from '../../../src/engine/core/context.ts'
import { sweepFlags } from '../../../src/engine/core/flag-sweep.ts'
import { createGate } from '../../../src/engine/core/gate.ts'
import { runCommand } from '../../../src/engine/core/run-command.ts'
import { openSqliteStore } from '../../../src/engine/index.ts'
import { testBundle } from '../bundle.ts'
import { BEHANDLARE, PNR, sequentialIds, TestClock, openTestStore } from '../harness.ts'
import { rooms } from './rooms.ts'

describe('sweepFlags', () => {
  it('given a programme nobody touches, when the sweep runs on day 7 twice, then the inactivity reminder goes out once', async () => {
    const { ctx, gate, clock } = await rooms()
    await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    clock.advanceDays(8)
    const first = await sweepFlags(ctx)
    expect(first.delivered.map((f) => f.trigger)).toContain('inactivity')
    expect((await sweepFlags(ctx)).delivered).toEqual([])
  })

  it('given a notifier that throws, then the flag is reported failed and delivered on a later run', async () => {
    const clock = new TestClock()
    const store = await openTestStore()
    let broken = true
    const ctx = createContext({ store, bundle: testBundle(), clock: clock.now, newId: sequentialIds(), notifier: { notify: () => { if (broken) throw new Error('down') } } })
    const at = ctx.now()
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, at)
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-beh', role: 'behandlare', grantedAt: at, grantedBy: 'system' })
    const gate = createGate(store)
    await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const failed = await sweepFlags(ctx)
    expect(failed.failed.length).toBeGreaterThan(0)
    broken = false
    expect((await sweepFlags(ctx)).delivered.length).toBe(failed.failed.length)
  })
})
