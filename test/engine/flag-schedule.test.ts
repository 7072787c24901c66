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
} from './harness.ts'

const key = (k: FlagDeliveryKey): string => `${k.programmeId}/${k.flagId}/${k.moduleId}/${k.occurrence}`

/** What a full scan finds: every programme's due flags on `day`, less those delivered. */
function fullScan(w: World, day: string, content = w.engine.content): string[] {
  const at = startOfLocalDay(day)
  return w.store
    .listProgrammes({})
    .flatMap((state) => dueFlags(state, content, at))
    .filter((due) => !w.store.hasFlagDelivery(due.key))
    .map((due) => key(due.key))
    .sort()
}

/** What the index lists on `day`. */
function indexed(store: EngineStore, day: string): string[] {
  return store.listDueFlagKeys(day).map(key).sort()
}

/** The index agrees with the full scan on each of the next `days` days. */
function expectAgreement(w: World, label: string, days = 100, content = w.engine.content): void {
  const today = localDate(w.clock.now())
  for (let d = 0; d <= days; d++) {
    const day = addDays(today, d)
    expect(indexed(w.store, day), `${label}, ${day}`).toEqual(fullScan(w, day, content))
  }
}

/** A sweep delivers exactly what the full scan finds today, and nothing is left due after it. */
function expectSweepDeliversFullScan(w: World, label: string): number {
  const today = localDate(w.clock.now())
  const expected = fullScan(w, today)
  const run = w.engine.deliverDueFlags()
  expect(run.failed, label).toEqual([])
  const delivered = run.delivered.map((f) => `${f.programmeId}/${f.flagId}/${f.moduleId ?? ''}`).sort()
  expect(delivered, label).toEqual(expected.map((k) => k.split('/').slice(0, 3).join('/')).sort())
  expect(fullScan(w, today), label).toEqual([])
  expect(indexed(w.store, today), label).toEqual([])
  return delivered.length
}

describe('flag schedule index', () => {
  it('given every kind of command, then after each one the index lists exactly what a full scan finds, on every day ahead', () => {
    const w = world()
    const run = (label: string, actor: Parameters<World['engine']['execute']>[0], command: Command): string => {
      const result = w.engine.execute(actor, command)
      expectAgreement(w, label)
      return result.programmeId ?? ''
    }
    const p = run('start-programme', BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const q = run('start-programme (2)', BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })
    const r = run('start-programme (3)', BEHANDLARE_2, { type: 'start-programme', personnummer: PNR_C })
    run('start-modules', BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro', closesOn: '2025-05-10' }, { moduleId: 'angest' }], expectedVersion: versionOf(w, p) })
    run('start-modules (2)', BEHANDLARE, { type: 'start-modules', programmeId: q, modules: [{ moduleId: 'oro' }], expectedVersion: versionOf(w, q) })
    w.clock.advanceDays(2)
    run('change-module-closing-date', BEHANDLARE, { type: 'change-module-closing-date', programmeId: p, moduleId: 'oro', closesOn: '2025-04-20', expectedVersion: versionOf(w, p) })
    run('edit-welcome-text', BEHANDLARE, { type: 'edit-welcome-text', programmeId: p, text: 'Välkommen!', expectedVersion: versionOf(w, p) })
    w.clock.advanceDays(8)
    expect(expectSweepDeliversFullScan(w, 'sweep on day 10')).toBeGreaterThan(0)
    run('open-step', patient(), { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' })
    run('submit-form', patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'ibland' } })
    const submissionId = w.store.getProgramme(p)?.submissions[0]?.submissionId ?? ''
    run('send-message (patient)', patient(), { type: 'send-message', programmeId: p, text: 'Hej' })
    w.clock.advanceDays(1)
    run('mark-messages-read (clinician)', BEHANDLARE, { type: 'mark-messages-read', programmeId: p })
    run('mark-submission-read', BEHANDLARE, { type: 'mark-submission-read', programmeId: p, submissionId })
    run('send-message (clinician)', BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Hej tillbaka' })
    run('mark-messages-read (patient)', patient(), { type: 'mark-messages-read', programmeId: p })
    run('set-mobile-number', patient(), { type: 'set-mobile-number', programmeId: p, mobileNumber: '0701740605' })
    w.clock.advanceDays(9)
    expect(expectSweepDeliversFullScan(w, 'sweep on day 20')).toBeGreaterThan(0)
    run('change-responsible', INVANARADMIN, { type: 'change-responsible', programmeId: q, responsibleUserId: 'u-beh2', expectedVersion: versionOf(w, q) })
    run('hand-over', BEHANDLARE_2, { type: 'hand-over', programmeId: q, toUnitId: 'vc-soder', expectedVersion: versionOf(w, q) })
    w.clock.set('2025-07-05T08:00:00.000Z') // the clinician flag of q waits for a responsible
    expect(expectSweepDeliversFullScan(w, 'sweep while q waits for a handover')).toBeGreaterThan(0)
    run('accept-handover', SODER_INVANARADMIN, { type: 'accept-handover', programmeId: q, responsibleUserId: 'u-beh-s', expectedVersion: versionOf(w, q) })
    run('retain-programme', SODER_BEHANDLARE, { type: 'retain-programme', programmeId: q, until: '2025-08-01', expectedVersion: versionOf(w, q) })
    run('end-programme', BEHANDLARE_2, { type: 'end-programme', programmeId: r, reason: 'completed', expectedVersion: versionOf(w, r) })
    w.clock.advanceDays(30) // the purge's grace period
    run('purge-programmes', DATAADMIN, { type: 'purge-programmes', programmeIds: [r] })
    run('end-programme (2)', BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'other-care', expectedVersion: versionOf(w, p) })
    expect(indexed(w.store, '2030-01-01')).toEqual([])
  })

  it('given a notifier that fails, then the flag stays on the schedule and the next sweep finds it', () => {
    const clock = new TestClock()
    const store = openSqliteStore({ path: ':memory:' })
    let failing = true
    const engine = createEngine({
      store,
      bundle: testBundle(),
      clock: clock.now,
      newId: sequentialIds(),
      notifier: { notify: () => { if (failing) throw new Error('down') } },
    })
    engine.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'u-admin')
    engine.execute(ADMIN, { type: 'grant-role', userId: 'u-beh', role: 'behandlare' })
    const { programmeId } = engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    expect(store.listDueFlagKeys('2025-04-07')).toMatchObject([{ programmeId, flagId: 'moment-startat' }])
    expect(engine.deliverDueFlags().failed).toHaveLength(1)
    failing = false
    expect(engine.deliverDueFlags().delivered).toHaveLength(1)
    expect(store.listDueFlagKeys('2025-04-07')).toEqual([])
  })

  it('given programmes with nothing due, then the sweep reads none of them', () => {
    const w = world()
    for (const personnummer of [PNR, PNR_B, PNR_C]) {
      const { programmeId } = w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer })
      w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: programmeId ?? '', modules: [{ moduleId: 'oro' }], expectedVersion: versionOf(w, programmeId ?? '') })
    }
    const reads = { get: 0, list: 0 }
    const counting: EngineStore = {
      ...w.store,
      getProgramme: (id) => (reads.get++, w.store.getProgramme(id)),
      listProgrammes: (filter) => (reads.list++, w.store.listProgrammes(filter)),
    }
    const engine = createEngine({ store: counting, bundle: testBundle(), clock: w.clock.now, newId: sequentialIds('again') })
    reads.list = 0
    w.clock.advanceDays(3)
    expect(engine.deliverDueFlags().delivered).toEqual([])
    expect(reads).toEqual({ get: 0, list: 0 })
    w.clock.advanceDays(5) // the reminder of all three, after seven whole quiet days
    expect(engine.deliverDueFlags().delivered).toHaveLength(3)
    expect(reads).toEqual({ get: 3, list: 0 })
  })

  it('given flag definitions that change with a new bundle, then the schedule is rebuilt from them', () => {
    const w = world()
    const p = w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR }).programmeId ?? ''
    w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro' }], expectedVersion: versionOf(w, p) })
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: versionOf(w, p) })
    const q = w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_B }).programmeId ?? ''
    w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: q, modules: [{ moduleId: 'oro', closesOn: '2025-05-01' }], expectedVersion: versionOf(w, q) })
    const flags = FLAGS.map((f) => (f.trigger === 'inactivity' ? { ...f, days: 3 } : f.trigger === 'module-closing' ? { ...f, days: 10 } : f))
    const bundle = testBundle({ version: '1.1.0', flags })
    const updated = createEngine({ store: w.store, bundle, clock: w.clock.now, newId: sequentialIds('v2') })
    const v2: World = { ...w, engine: updated }
    expectAgreement(v2, 'after the update', 100, updated.content)
    expect(indexed(w.store, '2025-04-11')).toEqual([`${q}/paminnelse-startat-moment//since-2025-04-07`])
  })

  describe('on a database from before the schedule', () => {
    const dirs: string[] = []
    afterEach(() => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
    })

    it('given running programmes, when the engine opens it, then the migration adds the schedule and the engine fills it', () => {
      const dir = mkdtempSync(join(tmpdir(), 'plus-schedule-'))
      dirs.push(dir)
      const path = join(dir, 'plus.db')
      const clock = new TestClock()
      const before = world({ path, clock })
      const p = before.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR }).programmeId ?? ''
      before.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'oro', closesOn: '2025-04-25' }], expectedVersion: versionOf(before, p) })
      before.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })
      before.engine.close()
      // Back to schema version 2, with the programmes and deliveries it had.
      const db = new DatabaseSync(path)
      db.exec(UNDO_MIGRATION_6)
      db.exec(`DROP TABLE flag_schedule; DROP TABLE engine_meta; PRAGMA user_version = 2`)
      db.exec('ALTER TABLE audit_log DROP COLUMN export_format; ALTER TABLE audit_log DROP COLUMN row_count') // migration 5
      db.close()

      const after = openWorld({ path, clock: new TestClock('2025-04-07T09:00:00.000Z'), ids: sequentialIds('after') })
      expect(new DatabaseSync(path).prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.at(-1)?.version })
      expectAgreement(after, 'after the migration')
      expect(indexed(after.store, '2025-04-22').map((k) => k.split('/')[1])).toEqual(['modul-avslutas', 'paminnelse-startat-moment', 'paminnelse-startat-moment'])
      after.clock.set('2025-04-22T06:00:00.000Z') // 08:00, the delivery window's start
      expect(expectSweepDeliversFullScan(after, 'first sweep after the migration')).toBe(3)
      after.engine.close()
    })
  })
})
