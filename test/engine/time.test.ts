// Time as a patient lives it: flags go out inside the deployment's delivery window (default
// 08:00–20:00 Stockholm time), "seven days without activity" is seven whole calendar days across
// both daylight-saving changes, retention has an upper bound, and unit ids are safe names.
import { describe, expect, it } from 'vitest'
import {
  createEngine,
  DEFAULT_DELIVERY_WINDOW,
  type DeliveryWindow,
  type FlagNotification,
  inDeliveryWindow,
  nextDeliveryAt,
  openSqliteStore,
} from '../../src/engine/index.ts'
import { testBundle } from './bundle.ts'
import { ADMIN, BEHANDLARE, PNR, patient, refusedWith, sequentialIds, TestClock, world, type World, versionOf, openTestStore } from './harness.ts'

/** A world whose engine has the given policies, with vc-norr and its behandlare. */
async function worldWith(options: { deliveryWindow?: DeliveryWindow; maxRetentionDays?: number }, clock = new TestClock()): Promise<World> {
  const store = await openTestStore()
  const ids = sequentialIds()
  const engine = await createEngine({ store, bundle: testBundle(), clock: clock.now, newId: ids, ...options })
  await engine.createUnit({ unitId: 'vc-norr', name: 'Vårdcentralen Norr' }, 'u-admin')
  await engine.execute(ADMIN, { type: 'grant-role', userId: 'u-beh', role: 'behandlare' })
  return { engine, store, clock, ids }
}

const fired = (flags: FlagNotification[]): string[] => flags.map((f) => f.flagId)

describe('the delivery window', () => {
  it('given a programme started at 21:30, when the command runs, then its "started" flag waits; the sweep at 00:05 sends nothing; the sweep at 08:00 sends it once', async () => {
    const w = await world({ clock: new TestClock('2025-04-07T19:30:00.000Z') }) // 21:30 Stockholm (summer time)
    const started = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    expect(started.flags).toEqual([])
    expect(await w.store.listOutbox()).toEqual([])
    w.clock.set('2025-04-07T22:05:00.000Z') // 00:05 on the 8th
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-08T05:59:00.000Z') // 07:59
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-08T06:00:00.000Z') // 08:00
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['moment-startat'])
    w.clock.set('2025-04-08T06:15:00.000Z')
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    expect((await w.store.listOutbox()).map((m) => m.flagId)).toEqual(['moment-startat'])
  })

  it('given a module closing in three days, when the sweeps run through the night, then the warning goes out at 08:00, not at midnight', async () => {
    const w = await world()
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro', closesOn: '2025-04-20' }], expectedVersion: await versionOf(w, p) })
    w.clock.set('2025-04-16T22:00:00.000Z') // 00:00 on the 17th, the day the warning is due
    for (let hour = 0; hour < 8; hour++) {
      expect(fired((await w.engine.deliverDueFlags()).delivered), `at ${hour}:00`).toEqual([])
      w.clock.advanceHours(1)
    }
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toContain('modul-avslutas')
    w.clock.advanceHours(1)
    expect(fired((await w.engine.deliverDueFlags()).delivered)).not.toContain('modul-avslutas')
  })

  it('given the window ends at 20:00, when the sweep runs at 20:00 on the day a flag falls due, then it waits for 08:00 the next day', async () => {
    const w = await world({ clock: new TestClock('2025-04-07T18:00:00.000Z') }) // 20:00
    await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-07T17:59:00.000Z') // 19:59 (the clock may be moved back in a test)
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['moment-startat'])
  })

  it('given a deployment window of 07:00–21:30, when a flag is due at 21:15, then it goes out; at 21:30 it would not', async () => {
    const w = await worldWith({ deliveryWindow: { start: '07:00', end: '21:30' } }, new TestClock('2025-04-07T19:15:00.000Z'))
    expect(fired((await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).flags)).toEqual(['moment-startat'])
    expect(inDeliveryWindow('2025-04-07T19:30:00.000Z', { start: '07:00', end: '21:30' })).toBe(false)
    expect(inDeliveryWindow('2025-04-07T05:00:00.000Z', { start: '07:00', end: '21:30' })).toBe(true)
  })

  it.each([
    [{ start: '20:00', end: '08:00' }],
    [{ start: '8:00', end: '20:00' }],
    [{ start: '08:00', end: '24:01' }],
    [{ start: '08:00', end: '08:00' }],
    [{ start: '25:00', end: '26:00' }],
  ])('given the window %j, when the engine is created, then it is a configuration error', async (deliveryWindow) => {
    await expect(worldWith({ deliveryWindow })).rejects.toThrow(TypeError)
  })

  it('defaults to 08:00–20:00 Stockholm time, in summer and in winter', () => {
    expect(DEFAULT_DELIVERY_WINDOW).toEqual({ start: '08:00', end: '20:00' })
    expect(inDeliveryWindow('2025-07-01T06:00:00.000Z')).toBe(true) // 08:00 CEST
    expect(inDeliveryWindow('2025-07-01T05:59:00.000Z')).toBe(false)
    expect(inDeliveryWindow('2025-01-15T07:00:00.000Z')).toBe(true) // 08:00 CET
    expect(inDeliveryWindow('2025-01-15T06:59:00.000Z')).toBe(false)
    expect(inDeliveryWindow('2025-01-15T18:59:00.000Z')).toBe(true) // 19:59 CET
    expect(inDeliveryWindow('2025-01-15T19:00:00.000Z')).toBe(false)
  })

  it.each([
    ['2025-03-29T23:30:00.000Z', '2025-03-30T06:00:00.000Z'], // 00:30 on the night clocks go forward → 08:00 CEST
    ['2025-10-25T23:30:00.000Z', '2025-10-26T07:00:00.000Z'], // 01:30 CEST on the night clocks go back → 08:00 CET
    ['2025-04-07T19:00:00.000Z', '2025-04-08T06:00:00.000Z'], // 21:00 → tomorrow 08:00
    ['2025-04-07T10:00:00.000Z', '2025-04-07T10:00:00.000Z'], // inside: now
  ])('given %s, when is the next delivery, then %s', (now, next) => {
    expect(nextDeliveryAt(now)).toBe(next)
  })
})

describe('seven days without activity: seven whole calendar days', () => {
  /** Starts a programme at `startAt` and runs the sweep every hour for `days`; the inactivity reminders sent. */
  async function reminders(startAt: string, days: number): Promise<string[]> {
    const w = await world({ clock: new TestClock(startAt) })
    await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const out: string[] = []
    for (let h = 1; h <= days * 24; h++) {
      w.clock.advanceHours(1)
      for (const f of (await w.engine.deliverDueFlags()).delivered) if (f.trigger === 'inactivity') out.push(f.at)
    }
    return out
  }

  it('given the last activity at 21:00 on Saturday before the clocks go forward, then the reminder goes out on the morning of the eighth day, at least 7 × 24 hours later', async () => {
    // Started (the programme's first activity) 2025-03-29 21:00 CET; the clocks go forward on the 30th.
    const sent = await reminders('2025-03-29T20:00:00.000Z', 12)
    expect(sent).toEqual(['2025-04-06T06:00:00.000Z']) // 08:00 CEST on the eighth day, not on the seventh
    const at = sent[0] ?? ''
    expect(Date.parse(at) - Date.parse('2025-03-29T20:00:00.000Z')).toBeGreaterThanOrEqual(7 * 24 * 3_600_000)
  })

  it('given the last activity at 21:00 on Saturday before the clocks go back, then the reminder goes out on the eighth day, at least 7 × 24 hours later', async () => {
    const sent = await reminders('2025-10-25T19:00:00.000Z', 12) // 21:00 CEST; the clocks go back on the 26th
    expect(sent).toEqual(['2025-11-02T07:00:00.000Z']) // 08:00 CET on the eighth day
    const at = sent[0] ?? ''
    expect(Date.parse(at) - Date.parse('2025-10-25T19:00:00.000Z')).toBeGreaterThanOrEqual(7 * 24 * 3_600_000)
  })

  it('given activity on day 3, when the days pass, then the quiet spell is counted again from day 3 and the first reminder never goes out', async () => {
    const w = await world()
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
    const sent: string[] = []
    for (let d = 1; d <= 14; d++) {
      w.clock.advanceDays(1)
      if (d === 3) await w.engine.execute(patient(), { type: 'set-mobile-number', programmeId: p, mobileNumber: '0701740605' })
      for (const f of (await w.engine.deliverDueFlags()).delivered) if (f.trigger === 'inactivity') sent.push(f.at.slice(0, 10))
    }
    // Started 2025-04-07, active 2025-04-10: whole quiet days 11th–17th, reminder on the 18th.
    expect(sent).toEqual(['2025-04-18'])
  })
})

describe('retention has an upper bound', () => {
  async function started(w: World): Promise<string> {
    return (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
  }

  it('given the default bound of 365 days, when a clinician retains until 365 days ahead, then it is accepted; 366 days is refused', async () => {
    const w = await world()
    const p = await started(w)
    expect(await refusedWith(async () => w.engine.execute(BEHANDLARE, { type: 'retain-programme', programmeId: p, until: '2026-04-08', expectedVersion: await versionOf(w, p) }))).toBe('retention-too-long')
    expect((await w.store.getProgramme(p))?.lifecycle.status).toBe('active')
    await w.engine.execute(BEHANDLARE, { type: 'retain-programme', programmeId: p, until: '2026-04-07', expectedVersion: await versionOf(w, p) })
    expect((await w.store.getProgramme(p))?.lifecycle).toMatchObject({ status: 'retained', until: '2026-04-07' })
  })

  it('given a deployment bound of 30 days, when a clinician retains for 31, then it is refused and the refusal is logged', async () => {
    const w = await worldWith({ maxRetentionDays: 30 })
    const p = await started(w)
    expect(await refusedWith(async () => w.engine.execute(BEHANDLARE, { type: 'retain-programme', programmeId: p, until: '2025-05-08', expectedVersion: await versionOf(w, p) }))).toBe('retention-too-long')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'retain-programme', outcome: 'refused', refusalCode: 'retention-too-long' })
    await w.engine.execute(BEHANDLARE, { type: 'retain-programme', programmeId: p, until: '2025-05-07', expectedVersion: await versionOf(w, p) })
  })

  it.each([0, -1, 1.5, Number.NaN])('given the bound %s, when the engine is created, then it is a configuration error', async (maxRetentionDays) => {
    await expect(worldWith({ maxRetentionDays })).rejects.toThrow(TypeError)
  })
})

describe('unit ids', () => {
  it.each(['../vc', 'vc/norr', 'vc\\norr', 'vc norr', '.vc', '-vc', 'vc\u0000', 'vård', 'x'.repeat(65), 'vc.norr'])(
    'given the unit id %j, when the unit is created, then it is refused with invalid-unit-id',
    async (unitId) => {
      const w = await world()
      expect(await refusedWith(() => w.engine.createUnit({ unitId, name: 'Enhet' }, 'u-x'))).toBe('invalid-unit-id')
      expect(await w.store.getUnit(unitId)).toBeNull()
    },
  )

  it.each(['vc-ost', 'SE2321000016-15D3', 'unit_7', 'x'.repeat(64)])('given the unit id %j, when the unit is created, then it is accepted', async (unitId) => {
    const w = await world()
    await w.engine.createUnit({ unitId, name: 'Enhet' }, 'u-x')
    expect(await w.store.getUnit(unitId)).toMatchObject({ unitId })
  })
})
