// Flag deliveries live in the flag schedule (migration 9 on SQLite, 3 on PostgreSQL): a key's row
// is either scheduled (due_on, until) or delivered (delivered_at, no due day), and the delivered
// row is the exactly-once record until the programme is purged. On both stores: delivering,
// rescheduling and purging; on a SQLite file from before, the migration folds the old
// flag_deliveries table into the schedule.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { auditEntry } from '../../src/engine/audit.ts'
import { evolveAll, type FlagDelivery, type FlagDeliveryKey, MIGRATIONS, openSqliteStore } from '../../src/engine/index.ts'
import { BEHANDLARE, notSqlite, openTestStore, openWorld, startWithOro, TestClock, UNDO_MIGRATION_9, world } from './harness.ts'
import { STARTED } from './spec.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const AT = '2025-04-08T06:00:00.000Z'
const key = (flagId: string, moduleId = ''): FlagDeliveryKey => ({ programmeId: 'p-1', flagId, moduleId, occurrence: 'x' })
const delivery = (k: FlagDeliveryKey, at = AT): FlagDelivery => ({
  key: k,
  at,
  outbox: [],
  audit: auditEntry({ kind: 'system', process: 'flags' }, { at, programmeId: k.programmeId, programme: null, action: 'deliver-flag', access: 'write', outcome: 'ok', refusalCode: null }),
})
const flagIds = (keys: FlagDeliveryKey[]) => keys.map((k) => k.flagId)

describe('flag deliveries in the schedule', () => {
  it('given scheduled keys, then a delivered key stays delivered through every rewrite of the schedule, is never due again, and goes with the programme', async () => {
    const store = await openTestStore()
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, AT)
    const schedule = [
      { key: key('a'), dueOn: '2025-04-07', until: null },
      { key: key('b'), dueOn: '2025-04-07', until: null },
      { key: key('m', 'oro'), dueOn: '2025-04-07', until: '2025-04-20' },
    ]
    await store.appendEvents('p-1', 0, [STARTED], evolveAll([STARTED])!, schedule)
    expect(flagIds(await store.listDueFlagKeys('2025-04-08'))).toEqual(['a', 'b', 'm'])

    // a scheduled key, then a key that was never scheduled, each given twice
    expect(await store.recordFlagDelivery(key('a'), AT)).toBe(true)
    expect(await store.recordFlagDelivery(key('a'), 'later')).toBe(false)
    expect(await store.deliverFlags([delivery(key('b')), delivery(key('z')), delivery(key('b')), delivery(key('a')), delivery(key('z'))])).toEqual([true, true, false, false, false])
    for (const flagId of ['a', 'b', 'z']) expect(await store.hasFlagDelivery(key(flagId)), flagId).toBe(true)
    expect(await store.hasFlagDelivery(key('m', 'oro'))).toBe(false)
    expect(flagIds(await store.listDueFlagKeys('2025-04-08'))).toEqual(['m'])

    // The schedule is rewritten without the delivered keys, then with all of them due later:
    // the delivered ones stay delivered and never come back.
    await store.replaceFlagSchedule('p-1', [schedule[2]!])
    for (const flagId of ['a', 'b', 'z']) expect(await store.hasFlagDelivery(key(flagId)), `${flagId} after a rewrite without it`).toBe(true)
    await store.replaceFlagSchedule('p-1', [
      ...['a', 'b', 'z', 'c'].map((flagId) => ({ key: key(flagId), dueOn: '2025-04-10', until: null })),
      { ...schedule[2]!, dueOn: '2025-04-09' },
    ])
    expect(flagIds(await store.listDueFlagKeys('2025-04-08'))).toEqual([])
    expect(flagIds(await store.listDueFlagKeys('2025-04-10'))).toEqual(['c', 'm'])
    for (const flagId of ['a', 'b', 'z']) expect(await store.recordFlagDelivery(key(flagId), 'again'), flagId).toBe(false)
    expect(await store.deliverFlags([delivery(key('c')), delivery(key('a'))])).toEqual([true, false])
    expect(flagIds(await store.listDueFlagKeys('2025-04-10'))).toEqual(['m'])

    await store.deleteProgramme('p-1')
    for (const flagId of ['a', 'b', 'c', 'z']) expect(await store.hasFlagDelivery(key(flagId)), `${flagId} after the purge`).toBe(false)
    expect(await store.listDueFlagKeys('2025-04-10')).toEqual([])
  })

  it('given two transactions delivering overlapping batches at once, then each key is new in one of them only', async () => {
    const store = await openTestStore()
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, AT)
    await store.appendEvents('p-1', 0, [STARTED], evolveAll([STARTED])!, ['a', 'b'].map((flagId) => ({ key: key(flagId), dueOn: '2025-04-07', until: null })))
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let delivered!: () => void
    const first = new Promise<void>((resolve) => (delivered = resolve))
    const a = store.transaction(async (tx) => {
      const mine = await tx.deliverFlags([delivery(key('b')), delivery(key('a'))])
      delivered()
      await held
      return mine
    })
    await first
    // On PostgreSQL the second waits for the first's rows, then finds them delivered; SQLite's
    // transactions take turns.
    const b = store.transaction((tx) => tx.deliverFlags([delivery(key('a')), delivery(key('c')), delivery(key('b'))]))
    release()
    expect([await a, await b]).toEqual([
      [true, true],
      [false, true, false],
    ])
    expect(await store.listDueFlagKeys('2025-04-08')).toEqual([])
  })
})

describe.skipIf(notSqlite)('flag deliveries in the schedule (SQLite file)', () => {
  it('given a database from before (schema 8, deliveries in their own table), when the store opens it, then every delivery becomes its key\'s delivered row and the schedule keeps the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plus-deliveries-'))
    dirs.push(dir)
    const path = join(dir, 'plus.db')
    const clock = new TestClock()
    const w = await world({ path, clock })
    const p = await startWithOro(w)
    clock.set('2025-04-15T06:00:00.000Z') // 08:00 on the 15th: the inactivity reminder
    expect((await w.engine.deliverDueFlags()).delivered.length).toBeGreaterThan(0)
    await w.engine.close()

    const rows = (db: DatabaseSync, sql: string) => db.prepare(sql).all().map((row) => ({ ...row }))
    const db = new DatabaseSync(path)
    db.exec(UNDO_MIGRATION_9)
    // A key both scheduled and delivered (the old tables allowed it): one delivered row after.
    db.exec(`INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, due_on, until)
             SELECT programme_id, flag_id, module_id, occurrence, '2025-04-07', '2025-05-01' FROM flag_deliveries LIMIT 1`)
    const deliveries = rows(db, 'SELECT * FROM flag_deliveries ORDER BY programme_id, flag_id, module_id, occurrence')
    const both = rows(db, 'SELECT programme_id, flag_id, module_id, occurrence FROM flag_schedule JOIN flag_deliveries USING (programme_id, flag_id, module_id, occurrence)')
    const scheduled = rows(
      db,
      `SELECT * FROM flag_schedule s WHERE NOT EXISTS (SELECT 1 FROM flag_deliveries d WHERE d.programme_id = s.programme_id AND d.flag_id = s.flag_id
         AND d.module_id = s.module_id AND d.occurrence = s.occurrence) ORDER BY programme_id, flag_id, module_id, occurrence`,
    )
    db.close()
    expect(deliveries.length).toBeGreaterThan(0)
    expect(both).toHaveLength(1)
    expect(scheduled.length).toBeGreaterThan(0)

    await openSqliteStore({ path }).close()
    const after = new DatabaseSync(path)
    try {
      expect(after.prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.at(-1)?.version })
      expect(rows(after, "SELECT name FROM sqlite_master WHERE name LIKE 'flag%' ORDER BY name")).toEqual([{ name: 'flag_schedule' }, { name: 'flag_schedule_by_due' }])
      expect(String((after.prepare("SELECT sql FROM sqlite_master WHERE name = 'flag_schedule_by_due'").get() as { sql: string }).sql)).toMatch(/WHERE delivered_at IS NULL$/)
      expect(rows(after, 'SELECT programme_id, flag_id, module_id, occurrence, delivered_at FROM flag_schedule WHERE delivered_at IS NOT NULL ORDER BY 1, 2, 3, 4')).toEqual(deliveries)
      expect(rows(after, 'SELECT count(*) AS n FROM flag_schedule WHERE delivered_at IS NOT NULL AND (due_on IS NOT NULL OR until IS NOT NULL)')).toEqual([{ n: 0 }])
      expect(rows(after, 'SELECT programme_id, flag_id, module_id, occurrence, due_on, until FROM flag_schedule WHERE delivered_at IS NULL ORDER BY 1, 2, 3, 4')).toEqual(scheduled)
      // a row is scheduled or delivered, never neither
      expect(() => after.exec(`INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence) VALUES ('${p}', 'f', '', 'x')`)).toThrow(/CHECK constraint/)
    } finally {
      after.close()
    }

    // The engine goes on from there: what was delivered is not delivered again.
    const reopened = await openWorld({ path, clock })
    for (const d of deliveries) {
      const k = { programmeId: String(d.programme_id), flagId: String(d.flag_id), moduleId: String(d.module_id), occurrence: String(d.occurrence) }
      expect(await reopened.store.hasFlagDelivery(k)).toBe(true)
    }
    expect((await reopened.engine.deliverDueFlags()).delivered).toEqual([])
    await reopened.engine.execute(BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Hej' })
    expect((await reopened.engine.deliverDueFlags()).delivered).toEqual([])
    await reopened.engine.close()
  })
})
