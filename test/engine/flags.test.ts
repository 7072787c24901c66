// Flags from the bundle, computed from stored state and the clock in Stockholm calendar days,
// delivered inside the delivery window (default 08:00–20:00) and exactly once through the notifier (default: the outbox), also across restarts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type FlagNotification, openSqliteStore } from '../../src/engine/index.ts'
import { testBundle } from './bundle.ts'
import { BEHANDLARE, SODER_INVANARADMIN, TestClock, patient, sequentialIds, staff, startWithOro, world, versionOf, openTestStore, notSqlite } from './harness.ts'

const fired = (flags: FlagNotification[]) => flags.map((f) => `${f.flagId}${f.moduleId ? `:${f.moduleId}` : ''}→${f.recipient}`)

describe('flags', () => {
  it('given a start, then "programme started" goes to the patient at once, and only once', async () => {
    const w = await world()
    const { flags, programmeId } = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1212' })
    expect(fired(flags)).toEqual(['moment-startat→patient'])
    expect(flags[0]).toMatchObject({ channels: ['patient-app'], title: 'Startat moment', programmeId })
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    expect(await w.store.listOutbox()).toMatchObject([{ flagId: 'moment-startat', channel: 'patient-app', recipient: 'patient' }])
  })

  it('given seven whole calendar days without activity, then the reminder goes out at 08:00 on the eighth day, once per quiet spell', async () => {
    const w = await world() // starts Monday 2025-04-07 09:00
    const p = await startWithOro(w)
    w.clock.set('2025-04-14T06:00:00.000Z') // Monday 14th 08:00: only six whole days have passed
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-15T05:59:00.000Z') // Tuesday 15th 07:59: before the window
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-15T06:00:00.000Z') // Tuesday 15th 08:00: the 8th to the 14th were quiet
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['paminnelse-startat-moment→patient'])
    w.clock.advanceDays(3)
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    await w.engine.execute(patient(), { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' }) // active on the 18th
    w.clock.set('2025-04-25T06:00:00.000Z') // the 25th: the seventh quiet day
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-26T06:00:00.000Z') // the 26th: the 19th to the 25th were quiet
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['paminnelse-startat-moment→patient'])
  })

  it('given a module closing on a date, then the patient is warned three calendar days before, and not after it closed', async () => {
    const w = await world()
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1212' })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro', closesOn: '2025-04-30' }, { moduleId: 'angest', closesOn: '2025-05-02' }], expectedVersion: await versionOf(w, p) })
    w.clock.set('2025-04-26T21:59:00.000Z')
    await w.engine.execute(patient(), { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' }) // keep the reminder away
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-26T22:00:00.000Z') // the 27th, 00:00: due, but at night
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-27T06:00:00.000Z') // the 27th, 08:00
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['modul-avslutas:oro→patient'])
    w.clock.set('2025-04-29T06:00:00.000Z') // the 29th, 08:00
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['modul-avslutas:angest→patient'])
  })

  it('given a moved closing date, then a new warning is due for the new date', async () => {
    const w = await world()
    const p = await startWithOro(w)
    // Delivered with the command that made it due.
    const first = await w.engine.execute(BEHANDLARE, { type: 'change-module-closing-date', programmeId: p, moduleId: 'oro', closesOn: '2025-04-09', expectedVersion: await versionOf(w, p) })
    expect(fired(first.flags)).toEqual(['modul-avslutas:oro→patient'])
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    const second = await w.engine.execute(BEHANDLARE, { type: 'change-module-closing-date', programmeId: p, moduleId: 'oro', closesOn: '2025-04-10', expectedVersion: await versionOf(w, p) })
    expect(fired(second.flags)).toEqual(['modul-avslutas:oro→patient'])
    expect((await w.store.listOutbox()).filter((m) => m.flagId === 'modul-avslutas')).toHaveLength(2)
  })

  it('given day 89, then "PLUS snart slut" goes to the responsible clinician by the channels in their profile', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'set-notification-preferences', email: true, sms: true })
    w.clock.set('2025-07-04T21:59:00.000Z') // 4 July 23:59; ends 6 July
    const early = (await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician')
    expect(early).toEqual([])
    w.clock.set('2025-07-04T22:00:00.000Z') // 5 July 00:00: due, but at night
    expect((await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician')).toEqual([])
    w.clock.set('2025-07-05T06:00:00.000Z') // 5 July 08:00
    const due = (await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician')
    expect(due).toMatchObject([{ flagId: 'plus-snart-slut', recipientRef: 'u-beh', channels: ['email', 'sms'], programmeId: p }])
    expect((await w.store.listOutbox()).filter((m) => m.recipient === 'clinician').map((m) => m.channel)).toEqual(['email', 'sms'])
  })

  it('given a clinician without e-mail or SMS, then the flag is still recorded, in the app', async () => {
    const w = await world()
    await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'set-notification-preferences', email: false, sms: false })
    w.clock.set('2025-07-05T08:00:00.000Z')
    expect((await w.engine.deliverDueFlags()).delivered.find((f) => f.recipient === 'clinician')?.channels).toEqual(['in-app'])
  })

  it('given a pending handover, then the clinician flag waits for the new responsible', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'hand-over', programmeId: p, toUnitId: 'vc-soder', expectedVersion: await versionOf(w, p) })
    w.clock.set('2025-07-05T08:00:00.000Z')
    expect((await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician')).toEqual([])
    const { flags } = await w.engine.execute(SODER_INVANARADMIN, { type: 'accept-handover', programmeId: p, responsibleUserId: 'u-beh-s', expectedVersion: await versionOf(w, p) })
    expect(flags).toMatchObject([{ flagId: 'plus-snart-slut', recipientRef: 'u-beh-s' }])
  })

  it('given an ended or retained programme, then no flags fire', async () => {
    const w = await world()
    const a = await startWithOro(w)
    const b = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1220' })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: a, reason: 'completed', expectedVersion: await versionOf(w, a) })
    await w.engine.execute(BEHANDLARE, { type: 'retain-programme', programmeId: b, until: '2025-12-01', expectedVersion: await versionOf(w, b) })
    w.clock.set('2025-07-05T08:00:00.000Z')
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
  })

  it('given a notifier that fails, then the flag is not recorded and is retried on the next run', async () => {
    const clock = new TestClock()
    const store = await openTestStore()
    let failing = true
    const sent: string[] = []
    const engine = await createEngine({
      store,
      bundle: testBundle(),
      clock: clock.now,
      newId: sequentialIds(),
      notifier: {
        notify: (n) => {
          if (failing) throw new Error('SMS gateway down')
          sent.push(n.flagId)
        },
      },
    })
    await engine.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'u-admin')
    await engine.execute(staff('u-admin', 'vc-norr'), { type: 'grant-role', userId: 'u-beh', role: 'behandlare' })
    await engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1212' })
    expect((await engine.deliverDueFlags()).failed).toMatchObject([{ flagId: 'moment-startat' }])
    failing = false
    expect(fired((await engine.deliverDueFlags()).delivered)).toEqual(['moment-startat→patient'])
    expect((await engine.deliverDueFlags()).delivered).toEqual([])
    expect(sent).toEqual(['moment-startat'])
  })
})

describe('flags across daylight saving (Europe/Stockholm)', () => {
  it('given a start before the spring change, then the reminder goes out at 08:00 on the eighth calendar day, not 168 hours later', async () => {
    const w = await world({ clock: new TestClock('2025-03-27T08:00:00.000Z') }) // Thursday 09:00 CET
    await startWithOro(w)
    w.clock.set('2025-04-03T06:00:00.000Z') // Thursday 3 April 08:00 CEST, the seventh day, 165 hours after the start
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-04T05:59:00.000Z') // Friday 07:59 CEST
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-04-04T06:00:00.000Z') // Friday 4 April 08:00 CEST: 28 March to 3 April were quiet
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['paminnelse-startat-moment→patient'])
  })

  it('given a module closing just after the autumn change, then the warning goes out at 08:00 CET on the change day', async () => {
    const w = await world({ clock: new TestClock('2025-10-20T08:00:00.000Z') })
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1212' })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro', closesOn: '2025-10-29' }], expectedVersion: await versionOf(w, p) })
    w.clock.set('2025-10-25T21:59:00.000Z') // Saturday 23:59 CEST
    await w.engine.execute(patient(), { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' })
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-10-25T22:00:00.000Z') // Sunday 26 October 00:00 CEST (the 25-hour day): due, at night
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-10-26T06:59:00.000Z') // 07:59 CET
    expect((await w.engine.deliverDueFlags()).delivered).toEqual([])
    w.clock.set('2025-10-26T07:00:00.000Z') // 08:00 CET
    expect(fired((await w.engine.deliverDueFlags()).delivered)).toEqual(['modul-avslutas:oro→patient'])
  })

  it('given a programme ending just after the spring change, then "PLUS snart slut" goes out at 08:00 CEST on the change day', async () => {
    const w = await world({ clock: new TestClock('2024-12-31T08:00:00.000Z') }) // ends 2025-03-31
    const p = await startWithOro(w)
    expect((await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })).endsOn).toBe('2025-03-31')
    w.clock.set('2025-03-29T22:59:00.000Z') // Saturday 23:59 CET
    expect((await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician')).toEqual([])
    w.clock.set('2025-03-29T23:00:00.000Z') // Sunday 30 March 00:00 CET (the 23-hour day): due, at night
    expect((await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician')).toEqual([])
    w.clock.set('2025-03-30T05:59:00.000Z') // 07:59 CEST
    expect((await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician')).toEqual([])
    w.clock.set('2025-03-30T06:00:00.000Z') // 08:00 CEST
    expect(fired((await w.engine.deliverDueFlags()).delivered.filter((f) => f.recipient === 'clinician'))).toEqual(['plus-snart-slut→clinician'])
  })

  it('given the autumn change, then days left counts calendar days', async () => {
    const w = await world({ clock: new TestClock('2025-10-20T08:00:00.000Z') })
    const p = await startWithOro(w)
    w.clock.set('2025-10-26T22:59:00.000Z') // Sunday 26th 23:59 CET
    expect(await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })).toMatchObject({ day: 6, daysLeft: 84 })
    w.clock.set('2025-10-26T23:00:00.000Z') // Monday 27th 00:00
    expect(await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })).toMatchObject({ day: 7, daysLeft: 83 })
  })
})

describe.skipIf(notSqlite)('restart (SQLite file)', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('given flags delivered before a restart, when the engine restarts on the same file, then none is delivered twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plus-flags-'))
    dirs.push(dir)
    const path = join(dir, 'plus.db')
    const clock = new TestClock()
    const first = await world({ path, clock })
    await startWithOro(first)
    clock.set('2025-07-05T08:00:00.000Z')
    const before = (await first.engine.deliverDueFlags()).delivered.length
    expect(before).toBeGreaterThan(0)
    const outbox = (await first.store.listOutbox()).length
    await first.engine.close()

    const again = openSqliteStore({ path })
    const second = await createEngine({ store: again, bundle: testBundle(), clock: clock.now, newId: sequentialIds('restart') })
    expect((await second.deliverDueFlags()).delivered).toEqual([])
    expect(await again.listOutbox()).toHaveLength(outbox)
    await second.close()
  })
})
