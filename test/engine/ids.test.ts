// Time-ordered ids (ids.ts): what the outbox's rows are numbered with unless the host gives ids.
import { describe, expect, it } from 'vitest'
import { createContext } from '../../src/engine/core/context.ts'
import { sweepFlags } from '../../src/engine/core/flag-sweep.ts'
import { createGate } from '../../src/engine/core/gate.ts'
import { runCommand } from '../../src/engine/core/run-command.ts'
import { timeOrderedIds } from '../../src/engine/ids.ts'
import { testBundle } from './bundle.ts'
import { BEHANDLARE, PNR, PNR_B, PNR_C, TestClock, openTestStore } from './harness.ts'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The milliseconds an id carries (its first 48 bits). */
const millisecondsOf = (id: string): number => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)

describe('timeOrderedIds', () => {
  it('given a clock, then each id is a version-7 UUID carrying its millisecond', () => {
    const at = Date.parse('2025-09-15T06:00:00.123Z')
    const ids = timeOrderedIds(() => new Date(at))
    const id = ids()
    expect(id).toMatch(UUID_V7)
    expect(millisecondsOf(id)).toBe(at)
  })

  it('given a clock that stands still, goes back and moves on, then every id is greater than the one before, as a string', () => {
    const clock = new TestClock('2025-09-15T06:00:00.000Z')
    const ids = timeOrderedIds(clock.now)
    const made: string[] = []
    for (let i = 0; i < 5000; i++) made.push(ids()) // one millisecond: more than the counter holds
    clock.set('2025-09-14T06:00:00.000Z')
    for (let i = 0; i < 10; i++) made.push(ids())
    clock.set('2025-09-16T06:00:00.000Z')
    for (let i = 0; i < 10; i++) made.push(ids())
    for (const id of made) expect(id).toMatch(UUID_V7)
    expect(new Set(made).size).toBe(made.length)
    expect([...made].sort()).toEqual(made)
    // the counter ran out within the millisecond: the source moved on by one, not back
    expect(millisecondsOf(made[4999]!)).toBe(Date.parse('2025-09-15T06:00:00.000Z') + 1)
    expect(millisecondsOf(made[5009]!)).toBe(Date.parse('2025-09-15T06:00:00.000Z') + 1)
    expect(millisecondsOf(made.at(-1)!)).toBe(Date.parse('2025-09-16T06:00:00.000Z'))
  })

  it('given two sources at the same millisecond, then their ids differ', () => {
    const at = new Date('2025-09-15T06:00:00.000Z')
    const a = timeOrderedIds(() => at)
    const b = timeOrderedIds(() => at)
    const ids = new Set<string>()
    for (let i = 0; i < 1000; i++) ids.add(a()).add(b())
    expect(ids.size).toBe(2000)
  })
})

describe('the outbox ids of an engine given no ids', () => {
  it('given the sweep writes outbox rows, then they are time-ordered UUIDs that grow in the order the rows were written', async () => {
    const clock = new TestClock()
    const store = await openTestStore()
    const ctx = createContext({ store, bundle: testBundle(), clock: clock.now })
    const at = ctx.now()
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, at)
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-beh', role: 'behandlare', grantedAt: at, grantedBy: 'system' })
    await store.setPreferences('u-beh', { email: true, sms: true })
    const gate = createGate(store)
    for (const personnummer of [PNR, PNR_B, PNR_C]) await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer })
    clock.advanceDays(89)
    const run = await sweepFlags(ctx)
    const outbox = await store.listOutbox() // in the order written
    expect(outbox.length).toBeGreaterThan(run.delivered.length) // the clinician's two channels
    const ids = outbox.map((m) => m.outboxId)
    for (const id of ids) expect(id).toMatch(UUID_V7)
    expect([...ids].sort()).toEqual(ids)
    // each carries the millisecond its row was made (the engine's clock)
    for (const m of outbox) expect(millisecondsOf(m.outboxId)).toBe(Date.parse(m.createdAt))
    expect(outbox.filter((m) => m.createdAt === ctx.now()).length).toBeGreaterThan(run.delivered.length)
    // programme ids stay random (version 4): they would tell when a programme started
    const programmes = await store.listProgrammes({})
    for (const p of programmes) expect(p.programmeId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/)
    await store.close()
  })
})
