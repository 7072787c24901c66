// The flag schedule the store keeps as an index for the scheduler: after every kind of command,
// content update, migration and delivery, the index lists exactly the undelivered due flags that
// a full scan with dueFlags over every programme's state finds, on every day ahead; and the sweep
// reads only the programmes it names.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import {
  addDays,
  type Command,
  createEngine,
  dueFlags,
  type EngineStore,
  type FlagDeliveryKey,
  localDate,
  MIGRATIONS,
  openSqliteStore,
  startOfLocalDay,
} from '../../src/engine/index.ts'
import { FLAGS, testBundle } from './bundle.ts'
import {
  ADMIN,
  BEHANDLARE,
  BEHANDLARE_2,
  DATAADMIN,
  INVANARADMIN,
  openWorld,
  PNR,
  PNR_B,
  PNR_C,
  SODER_BEHANDLARE,
  SODER_INVANARADMIN,
  patient,
  sequentialIds,
  TestClock,
  type World,
  world,
  UNDO_MIGRATION_6,
  versionOf,
  intercept,
  openTestStore,
  notSqlite,
} from './harness.ts'

const key = (k: FlagDeliveryKey): string => `${k.programmeId}/${k.flagId}/${k.moduleId}/${k.occurrence}`

/** What a full scan finds: every programme's due flags on `day`, less those delivered. */
async function fullScan(w: World, day: string, content = w.engine.content): Promise<string[]> {
  const at = startOfLocalDay(day)
  const found: string[] = []
  for (const state of await w.store.listProgrammes({})) {
    for (const due of dueFlags(state, content, at)) if (!(await w.store.hasFlagDelivery(due.key))) found.push(key(due.key))
  }
  return found.sort()
}

/** What the index lists on `day`. */
async function indexed(store: EngineStore, day: string): Promise<string[]> {
  return (await store.listDueFlagKeys(day)).map(key).sort()
}

/** The index agrees with the full scan on each of the next `days` days. */
async function expectAgreement(w: World, label: string, days = 100, content = w.engine.content): Promise<void> {
  const today = localDate(w.clock.now())
  for (let d = 0; d <= days; d++) {
    const day = addDays(today, d)
    expect(await indexed(w.store, day), `${label}, ${day}`).toEqual(await fullScan(w, day, content))
  }
}

/** A sweep delivers exactly what the full scan finds today, and nothing is left due after it. */
async function expectSweepDeliversFullScan(w: World, label: string): Promise<number> {
  const today = localDate(w.clock.now())
  const expected = await fullScan(w, today)
  const run = await w.engine.deliverDueFlags()
  expect(run.failed, label).toEqual([])
  const delivered = run.delivered.map((f) => `${f.programmeId}/${f.flagId}/${f.moduleId ?? ''}`).sort()
  expect(delivered, label).toEqual(expected.map((k) => k.split('/').slice(0, 3).join('/')).sort())
  expect(await fullScan(w, today), label).toEqual([])
  expect(await indexed(w.store, today), label).toEqual([])
  return delivered.length
}

describe('flag schedule index', () => {
  it('given every kind of command, then after each one the index lists exactly what a full scan finds, on every day ahead', async () => {
    const w = await world()
    const run = async (label: string, actor: Parameters<World['engine']['execute']>[0], command: Command): Promise<string> => {
      const result = await w.engine.execute(actor, command)
      await expectAgreement(w, label)
      return result.programmeId ?? ''
    }
    const p = await run('start-programme', BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const q = await run('start-programme (2)', BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })
    const r = await run('start-programme (3)', BEHANDLARE_2, { type: 'start-programme', personnummer: PNR_C })
    await run('start-modules', BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro', closesOn: '2025-05-10' }, { moduleId: 'angest' }], expectedVersion: await versionOf(w, p) })
    await run('start-modules (2)', BEHANDLARE, { type: 'start-modules', programmeId: q, modules: [{ moduleId: 'oro' }], expectedVersion: await versionOf(w, q) })
    w.clock.advanceDays(2)
    await run('change-module-closing-date', BEHANDLARE, { type: 'change-module-closing-date', programmeId: p, moduleId: 'oro', closesOn: '2025-04-20', expectedVersion: await versionOf(w, p) })
    await run('edit-welcome-text', BEHANDLARE, { type: 'edit-welcome-text', programmeId: p, text: 'Välkommen!', expectedVersion: await versionOf(w, p) })
    w.clock.advanceDays(8)
    expect(await expectSweepDeliversFullScan(w, 'sweep on day 10')).toBeGreaterThan(0)
    await run('open-step', patient(), { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' })
    await run('submit-form', patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'ibland' } })
    const submissionId = (await w.store.getProgramme(p))?.submissions[0]?.submissionId ?? ''
    await run('send-message (patient)', patient(), { type: 'send-message', programmeId: p, text: 'Hej' })
    w.clock.advanceDays(1)
    await run('mark-messages-read (clinician)', BEHANDLARE, { type: 'mark-messages-read', programmeId: p })
    await run('mark-submission-read', BEHANDLARE, { type: 'mark-submission-read', programmeId: p, submissionId })
    await run('send-message (clinician)', BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Hej tillbaka' })
    await run('mark-messages-read (patient)', patient(), { type: 'mark-messages-read', programmeId: p })
    await run('set-mobile-number', patient(), { type: 'set-mobile-number', programmeId: p, mobileNumber: '0701740605' })
    w.clock.advanceDays(9)
    expect(await expectSweepDeliversFullScan(w, 'sweep on day 20')).toBeGreaterThan(0)
    await run('change-responsible', INVANARADMIN, { type: 'change-responsible', programmeId: q, responsibleUserId: 'u-beh2', expectedVersion: await versionOf(w, q) })
    await run('hand-over', BEHANDLARE_2, { type: 'hand-over', programmeId: q, toUnitId: 'vc-soder', expectedVersion: await versionOf(w, q) })
    w.clock.set('2025-07-05T08:00:00.000Z') // the clinician flag of q waits for a responsible
    expect(await expectSweepDeliversFullScan(w, 'sweep while q waits for a handover')).toBeGreaterThan(0)
    await run('accept-handover', SODER_INVANARADMIN, { type: 'accept-handover', programmeId: q, responsibleUserId: 'u-beh-s', expectedVersion: await versionOf(w, q) })
    await run('retain-programme', SODER_BEHANDLARE, { type: 'retain-programme', programmeId: q, until: '2025-08-01', expectedVersion: await versionOf(w, q) })
    await run('end-programme', BEHANDLARE_2, { type: 'end-programme', programmeId: r, reason: 'completed', expectedVersion: await versionOf(w, r) })
    w.clock.advanceDays(30) // the purge's grace period
    await run('purge-programmes', DATAADMIN, { type: 'purge-programmes', programmeIds: [r] })
    await run('end-programme (2)', BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'other-care', expectedVersion: await versionOf(w, p) })
    expect(await indexed(w.store, '2030-01-01')).toEqual([])
  })

  it('given a notifier that fails, then the flag stays on the schedule and the next sweep finds it', async () => {
    const clock = new TestClock()
    const store = await openTestStore()
    let failing = true
    const engine = await createEngine({
      store,
      bundle: testBundle(),
      clock: clock.now,
      newId: sequentialIds(),
      notifier: { notify: () => { if (failing) throw new Error('down') } },
    })
    await engine.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'u-admin')
    await engine.execute(ADMIN, { type: 'grant-role', userId: 'u-beh', role: 'behandlare' })
    const { programmeId } = await engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    expect(await store.listDueFlagKeys('2025-04-07')).toMatchObject([{ programmeId, flagId: 'moment-startat' }])
    expect((await engine.deliverDueFlags()).failed).toHaveLength(1)
    failing = false
    expect((await engine.deliverDueFlags()).delivered).toHaveLength(1)
    expect(await store.listDueFlagKeys('2025-04-07')).toEqual([])
  })

  it('given two programmes, then listScheduledFlagKeys answers the scheduled keys of the programmes asked for, and a delivered key leaves it', async () => {
    const w = await world()
    const ids: string[] = []
    for (const personnummer of [PNR, PNR_B]) ids.push((await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer })).programmeId ?? '')
    const [p, q] = ids as [string, string]
    const flagsOf = (keys: readonly { programmeId: string; flagId: string }[]) => keys.map((k) => `${k.programmeId === p ? 'p' : k.programmeId === q ? 'q' : '?'}:${k.flagId}`)
    const onlyP = await w.store.listScheduledFlagKeys([p])
    expect(flagsOf(onlyP)).toContain('p:paminnelse-startat-moment')
    expect(onlyP.every((k) => k.programmeId === p)).toBe(true)
    const both = await w.store.listScheduledFlagKeys([q, p, 'no-such-programme'])
    expect(flagsOf(both).sort()).toEqual([...flagsOf(onlyP), ...flagsOf(await w.store.listScheduledFlagKeys([q]))].sort())
    expect(await w.store.listScheduledFlagKeys([])).toEqual([])
    w.clock.advanceDays(8) // the reminder after seven whole quiet days
    expect((await w.engine.deliverDueFlags()).delivered).toHaveLength(2)
    const after = flagsOf(await w.store.listScheduledFlagKeys([p, q]))
    expect(after.sort()).toEqual(flagsOf(both).filter((f) => !f.endsWith(':paminnelse-startat-moment')).sort())
  })

  it('given programmes with nothing due, then the sweep reads none of them', async () => {
    const w = await world()
    for (const personnummer of [PNR, PNR_B, PNR_C]) {
      const { programmeId } = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer })
      await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: programmeId ?? '', modules: [{ moduleId: 'oro' }], expectedVersion: await versionOf(w, programmeId ?? '') })
    }
    const reads = { get: 0, list: 0 }
    // Programme states read one by one, or claimed by the sweep; and lists of programmes.
    const counting = intercept(w.store, (ops) => ({
      getProgramme: async (id) => (reads.get++, await ops.getProgramme(id)),
      claimDueProgrammes: async (today, after, limit) => {
        const claimed = await ops.claimDueProgrammes(today, after, limit)
        reads.get += claimed.length
        return claimed
      },
      listProgrammes: async (filter) => (reads.list++, await ops.listProgrammes(filter)),
    }))
    const engine = await createEngine({ store: counting, bundle: testBundle(), clock: w.clock.now, newId: sequentialIds('again') })
    reads.list = 0
    w.clock.advanceDays(3)
    expect((await engine.deliverDueFlags()).delivered).toEqual([])
    expect(reads).toEqual({ get: 0, list: 0 })
    w.clock.advanceDays(5) // the reminder of all three, after seven whole quiet days
    expect((await engine.deliverDueFlags()).delivered).toHaveLength(3)
    expect(reads).toEqual({ get: 3, list: 0 })
  })

  it('given flag definitions that change with a new bundle, then the schedule is rebuilt from them', async () => {
    const w = await world()
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro' }], expectedVersion: await versionOf(w, p) })
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    const q = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: q, modules: [{ moduleId: 'oro', closesOn: '2025-05-01' }], expectedVersion: await versionOf(w, q) })
    const flags = FLAGS.map((f) => (f.trigger === 'inactivity' ? { ...f, days: 3 } : f.trigger === 'module-closing' ? { ...f, days: 10 } : f))
    const bundle = testBundle({ version: '1.1.0', flags })
    const updated = await createEngine({ store: w.store, bundle, clock: w.clock.now, newId: sequentialIds('v2') })
    const v2: World = { ...w, engine: updated }
    await expectAgreement(v2, 'after the update', 100, updated.content)
    expect(await indexed(w.store, '2025-04-11')).toEqual([`${q}/paminnelse-startat-moment//since-2025-04-07`])
  })

  describe.skipIf(notSqlite)('on a database from before the schedule (SQLite file)', () => {
    const dirs: string[] = []
    afterEach(() => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
    })

    it('given running programmes, when the engine opens it, then the migration adds the schedule and the engine fills it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'plus-schedule-'))
      dirs.push(dir)
      const path = join(dir, 'plus.db')
      const clock = new TestClock()
      const before = await world({ path, clock })
      const p = (await before.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
      await before.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro', closesOn: '2025-04-25' }], expectedVersion: await versionOf(before, p) })
      await before.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })
      await before.engine.close()
      // Back to schema version 2, with the programmes and deliveries it had.
      const db = new DatabaseSync(path)
      db.exec(UNDO_MIGRATION_6)
      db.exec(`DROP TABLE flag_schedule; DROP TABLE engine_meta; PRAGMA user_version = 2`)
      db.exec('ALTER TABLE audit_log DROP COLUMN export_format; ALTER TABLE audit_log DROP COLUMN row_count') // migration 5
      db.close()

      const after = await openWorld({ path, clock: new TestClock('2025-04-07T09:00:00.000Z'), ids: sequentialIds('after') })
      expect(new DatabaseSync(path).prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.at(-1)?.version })
      await expectAgreement(after, 'after the migration')
      expect((await indexed(after.store, '2025-04-22')).map((k) => k.split('/')[1])).toEqual(['modul-avslutas', 'paminnelse-startat-moment', 'paminnelse-startat-moment'])
      after.clock.set('2025-04-22T06:00:00.000Z') // 08:00, the delivery window's start
      expect(await expectSweepDeliversFullScan(after, 'first sweep after the migration')).toBe(3)
      await after.engine.close()
    })
  })
})
