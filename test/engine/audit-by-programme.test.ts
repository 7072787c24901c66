// listAudit({ programmeId }) answers from two indexes: the programme index holds every entry but
// the flag deliveries that name their patient (audit migration 3, PostgreSQL migration 2), which
// are read through the patient index. The answer must be exactly the programme's entries, in
// order, as a scan of the whole log gives them: with and without flag deliveries, deliveries
// whose entry names no patient, the same patient in two units, after a purge, and with the other
// filters added.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditFilter, EngineStore } from '../../src/engine/index.ts'
import { BEHANDLARE, DATAADMIN, PNR, PNR12, PNR_B, SODER_BEHANDLARE, type World, notSqlite, openWorld, startWithOro, versionOf, world } from './harness.ts'

/** What listAudit answered before the partial index: the programme's entries from the whole log. */
async function scanned(store: EngineStore, filter: AuditFilter): Promise<unknown[]> {
  return (await store.listAudit()).filter(
    (e) =>
      e.programmeId === filter.programmeId &&
      (filter.patient === undefined || e.patient === filter.patient) &&
      (filter.unitId === undefined || e.unitId === filter.unitId),
  )
}

/**
 * Programmes with and without flag deliveries: p (PNR, vc-norr) and q (PNR_B) get swept flags,
 * s is the same patient as p in vc-soder, p's notifications are read by the host (deliveries
 * without and with a patient), q is ended and purged, and late starts at night after the sweep (no delivery).
 */
async function busyWorld(options: { path?: string } = {}): Promise<{ w: World; programmes: Record<'p' | 'q' | 's' | 'late', string> }> {
  const w = await world(options)
  const p = await startWithOro(w)
  const q = await startWithOro(w, PNR_B)
  const s = (await w.engine.execute(SODER_BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
  for (let day = 0; day < 12; day++) {
    w.clock.advanceDays(1)
    await w.engine.deliverDueFlags()
  }
  for (const message of await w.engine.pendingNotifications('sms-gateway')) {
    await w.engine.notificationRecipient('sms-gateway', message.outboxId)
  }
  await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: q, reason: 'completed', expectedVersion: await versionOf(w, q) })
  w.clock.advanceDays(31)
  await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [q] })
  // At night, outside the delivery window: its start flag waits, so it has no delivery yet.
  w.clock.advanceHours(14)
  const late = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })).programmeId ?? ''
  return { w, programmes: { p, q, s, late } }
}

async function expectSameAnswers(store: EngineStore, programmes: Record<string, string>): Promise<void> {
  for (const programmeId of [...Object.values(programmes), 'no-such-programme']) {
    for (const filter of [
      { programmeId },
      { programmeId, patient: PNR12 },
      { programmeId, unitId: 'vc-norr' },
      { programmeId, unitId: 'vc-soder', patient: PNR12 },
    ]) {
      expect(await store.listAudit(filter), JSON.stringify(filter)).toEqual(await scanned(store, filter))
    }
  }
}

describe('listAudit by programme, with flag deliveries kept out of the programme index', () => {
  it('given programmes with and without flag deliveries, a purge and the same patient in two units, then each answer is the programme\'s entries from the whole log, in order', async () => {
    const { w, programmes } = await busyWorld()
    const all = await w.store.listAudit()
    const deliveries = (id: string, patient: 'named' | 'none') =>
      all.filter((e) => e.programmeId === id && e.action === 'deliver-flag' && (patient === 'named' ? e.patient !== null : e.patient === null)).length
    // The scenario has what the two indexes split: deliveries naming the patient (sweep, the
    // host's recipient look-up), deliveries naming none (the host's pending list), and none.
    expect(deliveries(programmes.p, 'named')).toBeGreaterThan(1)
    expect(deliveries(programmes.p, 'none')).toBeGreaterThan(0)
    expect(deliveries(programmes.q, 'named')).toBeGreaterThan(0)
    expect(deliveries(programmes.s, 'named')).toBeGreaterThan(0)
    expect(deliveries(programmes.late, 'named') + deliveries(programmes.late, 'none')).toBe(0)
    expect((await w.store.listAudit({ programmeId: programmes.p })).map((e) => e.action)).toContain('deliver-flag')
    await expectSameAnswers(w.store, programmes)
    // The purged programme's trail names its patient, as the purge retry looks it up.
    expect((await w.store.listAudit({ programmeId: programmes.q })).find((e) => e.patient !== null)?.patient).toBe('191212121220')
  })
})

describe.skipIf(notSqlite)('listAudit by programme on an audit file from before (SQLite file)', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('given an audit file at version 2 (programme index over every entry), when the store opens it, then the index leaves out named deliveries and the answers stay the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plus-audit-index-'))
    dirs.push(dir)
    const path = join(dir, 'plus.db')
    const { w, programmes } = await busyWorld({ path })
    const before = await w.store.listAudit()
    await w.engine.close()
    const auditPath = join(dir, 'plus-audit.db')
    const indexSql = (db: DatabaseSync) => String((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_by_programme'").get() as { sql: string }).sql)
    const old = new DatabaseSync(auditPath)
    expect(indexSql(old)).toMatch(/WHERE action <> 'deliver-flag' OR patient IS NULL$/)
    // As audit migration 2 left it.
    old.exec(`
      DROP INDEX audit_by_programme;
      CREATE INDEX audit_by_programme ON audit_log (programme_id);
      PRAGMA user_version = 2;
    `)
    old.close()

    const w2 = await openWorld({ path })
    expect((await w2.store.listAudit()).slice(0, before.length)).toEqual(before)
    await expectSameAnswers(w2.store, programmes)
    await w2.engine.close()
    const migrated = new DatabaseSync(auditPath)
    expect(migrated.prepare('PRAGMA user_version').get()).toEqual({ user_version: 3 })
    expect(indexSql(migrated)).toMatch(/WHERE action <> 'deliver-flag' OR patient IS NULL$/)
    // The index holds no delivery entry that names its patient, and every other entry.
    const indexed = (where: string) => Number((migrated.prepare(`SELECT count(*) AS n FROM audit_log INDEXED BY audit_by_programme WHERE programme_id IS NOT NULL AND ${where}`).get() as { n: number }).n)
    const total = (where: string) => Number((migrated.prepare(`SELECT count(*) AS n FROM audit_log NOT INDEXED WHERE programme_id IS NOT NULL AND ${where}`).get() as { n: number }).n)
    expect(indexed("(action <> 'deliver-flag' OR patient IS NULL)")).toBe(total("(action <> 'deliver-flag' OR patient IS NULL)"))
    expect(total("action = 'deliver-flag' AND patient IS NOT NULL")).toBeGreaterThan(0)
    expect(() => migrated.prepare("SELECT count(*) FROM audit_log INDEXED BY audit_by_programme WHERE programme_id IS NOT NULL AND action = 'deliver-flag'").get()).toThrow(/no query solution/)
    migrated.close()
  })
})
