// The audit log the law asks for: who, which unit, when, what and which patient, never clinical
// text; append-only in its own file; read through role-checked, logged queries; the patient's
// extract; the recurring log review.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../../src/engine/index.ts'
import {
  ADMIN,
  BEHANDLARE,
  BEHANDLARE_2,
  DATAADMIN,
  INVANARADMIN,
  PNR,
  PNR12,
  PNR_B,
  SODER_DATAADMIN,
  UNDO_MIGRATION_6,
  patient,
  refusedWith,
  staff,
  startWithOro,
  world,
  notSqlite,
} from './harness.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plus-audit-'))
  dirs.push(dir)
  return join(dir, 'plus.db')
}

// SQLite's audit log lives in a file of its own; PostgreSQL's (a table with append-only
// triggers) is tested in test/engine/postgres/audit.test.ts.
describe.skipIf(notSqlite)('audit log: the store keeps it append-only (SQLite file)', () => {
  it('given entries in the audit file, when anyone updates or deletes one with SQL, then the database refuses', async () => {
    const path = tempPath()
    const w = await world({ path })
    await startWithOro(w)
    await w.engine.close()
    const db = new DatabaseSync(join(path, '..', 'plus-audit.db'))
    const count = () => Number((db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n)
    const before = count()
    expect(before).toBeGreaterThan(0)
    expect(() => db.exec("UPDATE audit_log SET actor_id = 'someone-else'")).toThrow(/append-only/)
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/)
    expect(() => db.exec('DELETE FROM audit_log WHERE seq = 1')).toThrow(/append-only/)
    expect(count()).toBe(before)
    // Appending is what it is for.
    db.exec("INSERT INTO audit_log (at, actor_kind, action, access, outcome) VALUES ('2025-04-07T07:00:00.000Z', 'system', 'create-unit', 'write', 'ok')")
    expect(count()).toBe(before + 1)
    db.close()
  })

  it('given a database whose audit file has gone missing, when the store opens it, then it refuses rather than start a new, empty log', async () => {
    const path = tempPath()
    const w = await world({ path })
    await startWithOro(w)
    await w.engine.close()
    const audit = join(path, '..', 'plus-audit.db')
    for (const file of [audit, `${audit}-wal`, `${audit}-shm`]) rmSync(file, { force: true })
    expect(() => openSqliteStore({ path })).toThrow(/audit log file/)
    // With an existing audit file named explicitly (auditPath), it opens.
    const elsewhere = tempPath()
    const fresh = await world({ path: elsewhere })
    await fresh.engine.close()
    await expect(openSqliteStore({ path, auditPath: join(elsewhere, '..', 'plus-audit.db') }).close()).resolves.toBeUndefined()
  })

  it('given the engine store, then the log is not in the programme database at all', async () => {
    const path = tempPath()
    const w = await world({ path })
    await startWithOro(w)
    await w.engine.close()
    const db = new DatabaseSync(path)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'audit_log'").all()).toEqual([])
    db.close()
  })

  it('given a database from before (schema 5), when the store opens it, then the old entries move to the audit file with their patient', async () => {
    const path = tempPath()
    const w = await world({ path })
    const p = await startWithOro(w)
    await w.engine.close()
    const db = new DatabaseSync(path)
    db.exec(UNDO_MIGRATION_6)
    db.exec(`INSERT INTO audit_log (at, actor_kind, actor_id, unit_id, programme_id, action, access, outcome)
             VALUES ('2025-01-01T08:00:00.000Z', 'staff', 'u-old', 'vc-norr', '${p}', 'overview', 'read', 'ok')`)
    db.close()
    const store = openSqliteStore({ path })
    const moved = (await store.listAudit({ programmeId: p })).find((e) => e.actorId === 'u-old')
    expect(moved).toMatchObject({ at: '2025-01-01T08:00:00.000Z', unitId: 'vc-norr', patient: PNR12, action: 'overview' })
    await store.close()
  })
})

describe.skipIf(notSqlite)('audit log: a crash between the two files is not silent (SQLite file)', () => {
  const counted = (path: string) => {
    const db = new DatabaseSync(path)
    const row = db.prepare("SELECT value FROM engine_meta WHERE key = 'audit-txn'").get() as { value: string } | undefined
    db.close()
    return Number(row?.value ?? 0)
  }

  it('given ordinary work, then the programme database counts exactly the transactions the log has, and no gap is reported', async () => {
    const path = tempPath()
    const w = await world({ path })
    await startWithOro(w)
    await w.engine.query(BEHANDLARE, { type: 'list-mine' })
    await w.engine.close()
    const log = new DatabaseSync(join(path, '..', 'plus-audit.db'))
    const { txn } = log.prepare('SELECT max(txn) AS txn FROM audit_log').get() as { txn: number }
    log.close()
    expect(txn).toBeGreaterThan(5)
    expect(counted(path)).toBe(txn)
    const reopened = openSqliteStore({ path })
    expect((await reopened.listAudit()).filter((e) => e.action === 'audit-gap')).toEqual([])
    await reopened.close()
  })

  it('given the programme database committed a transaction whose entries never reached the log, when the store opens, then it records the gap once', async () => {
    const path = tempPath()
    const w = await world({ path })
    await startWithOro(w)
    await w.engine.close()
    // As if the process died after the programme database's commit and before the audit file's.
    const db = new DatabaseSync(path)
    db.exec("UPDATE engine_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'audit-txn'")
    db.close()
    const reopened = openSqliteStore({ path })
    expect((await reopened.listAudit()).filter((e) => e.action === 'audit-gap')).toMatchObject([{ actorKind: 'system', actorId: 'store', outcome: 'ok' }])
    await reopened.close()
    const again = openSqliteStore({ path })
    expect((await again.listAudit()).filter((e) => e.action === 'audit-gap')).toHaveLength(1)
    await again.close()
  })

  it('given an entry written in a savepoint that is rolled back, while the transaction commits, then no gap is reported', async () => {
    const path = tempPath()
    const store = openSqliteStore({ path })
    const entry = { at: '2025-04-07T07:00:00.000Z', actorKind: 'system', actorId: 'test', actorPersonnummer: null, unitId: null, programmeId: null, patient: null, programmeStatus: null, actorResponsible: null, action: 'create-unit', access: 'write', outcome: 'ok', refusalCode: null } as const
    await store.transaction(async (tx) => {
      try {
        await tx.transaction(async (sp) => {
          await sp.appendAudit(entry)
          throw new Error('rolled back')
        })
      } catch {
        // the savepoint and its entry are gone; the transaction goes on
      }
      await tx.setPreferences('u-beh', { email: false, sms: true })
    })
    await store.close()
    const reopened = openSqliteStore({ path })
    expect(await reopened.listAudit()).toEqual([])
    await reopened.close()
  })
})

describe('audit log: every entry names the patient', () => {
  it('given refusals for a programme of another unit, then the entry names its patient and the real reason', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await refusedWith(() => w.engine.query(staff('u-beh-s', 'vc-soder'), { type: 'overview', programmeId: p }))
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ actorId: 'u-beh-s', unitId: 'vc-soder', patient: PNR12, refusalCode: 'other-unit', outcome: 'refused' })
  })

  it('given a purge, then the entries about the programme are still there, with the patient', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: (await w.store.getProgramme(p))?.version ?? 0 })
    w.clock.advanceDays(31)
    await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [p] })
    const trail = await w.store.listAudit({ programmeId: p })
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['start-programme', 'start-modules', 'end-programme', 'purge-programmes']))
    expect(trail.every((e) => e.patient === PNR12)).toBe(true)
  })
})

describe('reading the log', () => {
  it('given a dataadministratör, when they read the log, then they get their unit\'s entries only and the reading is logged', async () => {
    const w = await world()
    await startWithOro(w)
    const log = await w.engine.query(DATAADMIN, { type: 'audit-log' })
    expect(log.length).toBeGreaterThan(0)
    expect(log.every((e) => e.unitId === 'vc-norr')).toBe(true)
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'audit-log', actorId: 'u-data', outcome: 'ok', access: 'read' })
    const soder = await w.engine.query(SODER_DATAADMIN, { type: 'audit-log' })
    expect(soder.every((e) => e.unitId === 'vc-soder')).toBe(true)
  })

  it('given a period, then only entries within it are shown', async () => {
    const w = await world()
    await startWithOro(w)
    w.clock.advanceDays(2)
    await w.engine.query(BEHANDLARE, { type: 'list-mine' })
    const from = new Date(Date.parse('2025-04-08T00:00:00.000Z')).toISOString()
    const log = await w.engine.query(DATAADMIN, { type: 'audit-log', from })
    expect(log.map((e) => e.action)).toEqual(['list-mine'])
    await expect(w.engine.query(DATAADMIN, { type: 'audit-log', from: 'igår' })).rejects.toThrow(TypeError)
  })

  it.each([
    ['behörighetsadministratör', ADMIN],
    ['behandlare', BEHANDLARE],
    ['invånaradministratör', INVANARADMIN],
  ])('given a %s, when they ask for the log or the review, then it is refused (role-missing) and logged', async (_, actor) => {
    const w = await world()
    expect(await refusedWith(() => w.engine.query(actor, { type: 'audit-log' }))).toBe('role-missing')
    expect(await refusedWith(() => w.engine.query(actor, { type: 'log-review' }))).toBe('role-missing')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'log-review', outcome: 'refused', refusalCode: 'role-missing' })
  })
})

describe("the patient's extract (PDL 8 kap. 5 §)", () => {
  it('given staff of two units read the programme, then the patient sees which units and when, not who, and not refused attempts', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })
    await w.engine.execute(BEHANDLARE, { type: 'hand-over', programmeId: p, toUnitId: 'vc-soder', expectedVersion: (await w.store.getProgramme(p))?.version ?? 0 })
    w.clock.advanceHours(1)
    await w.engine.query(staff('u-inv-s', 'vc-soder'), { type: 'overview', programmeId: p })
    await refusedWith(() => w.engine.query(BEHANDLARE_2, { type: 'overview', programmeId: p }))
    const extract = await w.engine.query(patient(), { type: 'access-log' })
    expect(new Set(extract.map((a) => a.unitId))).toEqual(new Set(['vc-norr', 'vc-soder']))
    expect(extract.at(-1)).toEqual({ at: '2025-04-07T08:00:00.000Z', unitId: 'vc-soder', unitName: 'Vårdcentralen Söder', access: 'read' })
    expect(JSON.stringify(extract)).not.toMatch(/u-beh|u-inv/)
    // u-beh2's refused attempt (vc-norr, 08:00) reached no data.
    expect(extract.filter((a) => a.unitId === 'vc-norr' && a.at === '2025-04-07T08:00:00.000Z')).toEqual([])
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'access-log', actorKind: 'patient', patient: PNR12, outcome: 'ok' })
  })

  it("given another patient's programme, then it is not in this patient's extract", async () => {
    const w = await world()
    const other = await startWithOro(w, PNR_B)
    await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: other })
    expect(await w.engine.query(patient(PNR), { type: 'access-log' })).toEqual([])
  })
})

describe('the log review', () => {
  it('given a behandlare who opens a programme with their own personnummer, then it is refused and the review shows it', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const self = staff('u-beh2', 'vc-norr', PNR)
    expect(await refusedWith(() => w.engine.query(self, { type: 'overview', programmeId: p }))).toBe('own-personnummer')
    const review = await w.engine.query(DATAADMIN, { type: 'log-review' })
    expect(review.filter((f) => f.kind === 'own-personnummer').map((f) => [f.entry.actorId, f.entry.programmeId, f.entry.outcome])).toEqual([['u-beh2', p, 'refused']])
  })

  it('given a behandlare who opens a colleague\'s programme, then the review shows access outside their own list', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })
    await w.engine.query(BEHANDLARE_2, { type: 'programme-tree', programmeId: p })
    const outside = (await w.engine.query(DATAADMIN, { type: 'log-review' })).filter((f) => f.kind === 'outside-own-list')
    expect(outside.map((f) => [f.entry.actorId, f.entry.action])).toEqual([['u-beh2', 'programme-tree']])
  })

  it('given a programme that has ended, when a behandlare opens it afterwards, then the review shows access after the end', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: (await w.store.getProgramme(p))?.version ?? 0 })
    w.clock.advanceDays(3)
    await w.engine.query(BEHANDLARE, { type: 'events', programmeId: p })
    const after = (await w.engine.query(DATAADMIN, { type: 'log-review' })).filter((f) => f.kind === 'after-end')
    expect(after.map((f) => [f.entry.actorId, f.entry.action])).toEqual([['u-beh', 'events']])
  })

  it('given only ordinary work by the responsible clinician, then the review is empty', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })
    await w.engine.query(BEHANDLARE, { type: 'events', programmeId: p })
    expect(await w.engine.query(DATAADMIN, { type: 'log-review' })).toEqual([])
  })
})
