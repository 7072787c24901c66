// Purge ("gallra"): after a dataadministratör purges ended programmes, nothing identifying the
// patient or their answers and messages remains in the database file or its -wal and -shm files,
// also when the process dies between the commit and the compaction, and when another connection
// holds a read snapshot during the purge. The audit log (its own file) keeps that it happened.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, openSqliteStore } from '../../src/engine/index.ts'
import { testBundle } from './bundle.ts'
import { BEHANDLARE, DATAADMIN, PNR_C, SODER_DATAADMIN, TestClock, patient, refusedWith, sequentialIds, startWithOro, world } from './harness.ts'

const PURGED_PNR = '191212121246' // Skatteverket test series, Luhn checked
const KEPT_PNR = '191212121238'
const ANSWER = 'Zyxorostid-efter-middagen-unik'
const MESSAGE = 'Qwmeddelande-till-behandlaren-unik'
const MOBILE = '+46701740699'
const KEPT_ANSWER = 'Kvarsvar-som-inte-gallras'
const KEPT_MESSAGE = 'Kvarmeddelande-som-inte-gallras'
const SECRETS = [PURGED_PNR, ANSWER, MESSAGE, MOBILE]

/** The raw bytes of the database file and its -wal and -shm files, as latin1 text. */
function rawBytes(path: string): string {
  const files = [path, `${path}-wal`, `${path}-shm`].filter((f) => existsSync(f))
  return files.map((f) => readFileSync(f).toString('latin1')).join('\n')
}

/** The strings as they may sit in the file: UTF-8 bytes read as latin1. */
const asStored = (s: string) => Buffer.from(s, 'utf8').toString('latin1')

/** Which of the purged patient's secrets are still somewhere in the files. */
const leftIn = (path: string): string[] => {
  const bytes = rawBytes(path)
  return SECRETS.filter((secret) => bytes.includes(asStored(secret)))
}

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Two programmes with answers, messages and mobile numbers; `purged` ended 30 days ago. */
function filledWorld() {
  const dir = mkdtempSync(join(tmpdir(), 'plus-purge-'))
  dirs.push(dir)
  const path = join(dir, 'plus.db')
  const w = world({ path })
  const purged = startWithOro(w, PURGED_PNR)
  const kept = startWithOro(w, KEPT_PNR)
  for (const [p, who, answer, message, mobile] of [
    [purged, PURGED_PNR, ANSWER, MESSAGE, '070-174 06 99'],
    [kept, KEPT_PNR, KEPT_ANSWER, KEPT_MESSAGE, '070-174 06 98'],
  ] as const) {
    w.engine.execute(patient(who), { type: 'submit-form', programmeId: p, formId: 'oro-uppgift', answers: { 'oro-nar': answer } })
    w.engine.execute(patient(who), { type: 'send-message', programmeId: p, text: message })
    w.engine.execute(patient(who), { type: 'set-mobile-number', programmeId: p, mobileNumber: mobile })
  }
  w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: purged, reason: 'completed', expectedVersion: w.store.getProgramme(purged)?.version ?? 0 })
  w.clock.advanceDays(30)
  return { w, path, purged, kept }
}

describe('purge', () => {
  it('given an ended programme past its grace period, when purged, then its personnummer, answers, messages and phone number are gone from the files', () => {
    const { w, path, purged, kept } = filledWorld()
    w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(w.store.getProgramme(purged)).toBeNull()
    expect(w.store.readEvents(purged)).toEqual([])
    expect(w.store.purgeRecord(purged)).toMatchObject({ unitId: 'vc-norr', compactedAt: expect.any(String) })
    w.engine.close()

    expect(leftIn(path)).toEqual([])
    // The check can see data: the programme that was not purged is still there.
    const bytes = rawBytes(path)
    expect(bytes.includes(KEPT_PNR)).toBe(true)
    expect(bytes.includes(asStored(KEPT_ANSWER))).toBe(true)
    expect(bytes.includes(asStored(KEPT_MESSAGE))).toBe(true)

    const reopened = openSqliteStore({ path })
    expect(reopened.getProgramme(kept)?.patient).toBe(KEPT_PNR)
    const trail = reopened.listAudit({ programmeId: purged })
    expect(trail.at(-1)).toMatchObject({ action: 'purge-programmes', actorId: 'u-data', unitId: 'vc-norr', patient: PURGED_PNR, outcome: 'ok' })
    expect(trail.length).toBeGreaterThan(5)
    reopened.close()
  })

  it('given an ongoing programme, then purging it is refused and nothing is removed', () => {
    const { w, purged, kept } = filledWorld()
    expect(refusedWith(() => w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged, kept] }))).toBe('programme-not-ended')
    expect(w.store.getProgramme(purged)).not.toBeNull()
    w.engine.close()
  })

  it('given another unit, then its dataadministratör gets not-found, as for a programme that never existed', () => {
    const { w, purged } = filledWorld()
    expect(refusedWith(() => w.engine.execute(SODER_DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] }))).toBe('not-found')
    expect(w.store.listAudit().at(-1)).toMatchObject({ outcome: 'refused', refusalCode: 'other-unit', patient: PURGED_PNR })
    w.engine.close()
  })

  it('given a purged programme, then queries find nothing, and a retried purge by its unit completes instead of answering not-found', () => {
    const { w, purged } = filledWorld()
    w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(refusedWith(() => w.engine.query(BEHANDLARE, { type: 'overview', programmeId: purged }))).toBe('not-found')
    expect(w.store.listAudit().at(-1)).toMatchObject({ refusalCode: 'programme-purged' })
    expect(w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })).toMatchObject({ programmeId: null })
    expect(w.store.listAudit().at(-1)).toMatchObject({ action: 'purge-programmes', outcome: 'ok', programmeId: purged, patient: PURGED_PNR })
    expect(refusedWith(() => w.engine.execute(SODER_DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] }))).toBe('not-found')
    expect(w.engine.query(DATAADMIN, { type: 'list-ended' })).toEqual([])
    w.engine.close()
  })
})

describe('purge grace period', () => {
  it('given a programme ended 29 days ago, then purging is refused (purge-too-early); on day 30 it is allowed', () => {
    const w = world()
    const p = startWithOro(w, PNR_C)
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: w.store.getProgramme(p)?.version ?? 0 })
    w.clock.advanceDays(29)
    expect(refusedWith(() => w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [p] }))).toBe('purge-too-early')
    expect(w.store.getProgramme(p)).not.toBeNull()
    w.clock.advanceDays(1)
    w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [p] })
    expect(w.store.getProgramme(p)).toBeNull()
  })

  it('given a deployment with a grace period of 0 days, then an ended programme may be purged the same day; a negative one is a configuration error', () => {
    const clock = new TestClock()
    const store = openSqliteStore({ path: ':memory:' })
    const engine = createEngine({ store, bundle: testBundle(), clock: clock.now, newId: sequentialIds(), purgeGraceDays: 0 })
    engine.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'u-admin')
    engine.execute({ kind: 'staff', userId: 'u-admin', unitId: 'vc-norr', personnummer: '19900101-1015' }, { type: 'grant-role', userId: 'u-beh', role: 'behandlare' })
    engine.execute({ kind: 'staff', userId: 'u-admin', unitId: 'vc-norr', personnummer: '19900101-1015' }, { type: 'grant-role', userId: 'u-data', role: 'dataadministrator' })
    const { programmeId } = engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_C })
    const p = programmeId ?? ''
    engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: 1 })
    engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [p] })
    expect(store.getProgramme(p)).toBeNull()
    expect(() => createEngine({ store: openSqliteStore({ path: ':memory:' }), bundle: testBundle(), clock: clock.now, purgeGraceDays: -1 })).toThrow(TypeError)
  })
})

describe('purge survives faults', () => {
  it('given the process is killed (SIGKILL) between the commit and the compaction, when the engine opens the file again, then it finishes the purge', async () => {
    const { w, path, purged } = filledWorld()
    const now = w.clock.now().toISOString()
    w.engine.close()

    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/purge-child.ts', import.meta.url)), path, purged, now], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const said = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('\n')) resolve(out.trim())
      })
      child.on('exit', (code) => reject(new Error(`child exited (${code}) before committing: ${stderr}`)))
    })
    expect(said).toBe('committed')
    const killed = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    child.kill('SIGKILL')
    expect(await killed).toBe('SIGKILL')

    // The crash left the bytes on disk (the fault is real), and the ledger says a compaction is owed.
    expect(leftIn(path).length).toBeGreaterThan(0)
    // (Kept open: closing the last connection would make SQLite checkpoint by itself.)
    const peek = openSqliteStore({ path })
    expect(peek.getProgramme(purged)).toBeNull()
    expect(peek.purgeRecord(purged)).toMatchObject({ compactedAt: null })
    expect(leftIn(path).length).toBeGreaterThan(0)

    // The next open finishes it: the bytes are gone while the engine is open.
    const reopened = createEngine({ store: openSqliteStore({ path }), bundle: testBundle(), clock: () => new Date(now) })
    expect(leftIn(path)).toEqual([])
    reopened.close()
    peek.close()
    expect(leftIn(path)).toEqual([])
    const check = openSqliteStore({ path })
    expect(check.purgeRecord(purged)?.compactedAt).toBe(now)
    expect(check.hasUnfinishedPurge()).toBe(false)
    check.close()
  })

  it('given another connection holds a read snapshot during the purge, then the next command after it lets go finishes the purge', () => {
    const { w, path, purged } = filledWorld()
    const reader = new DatabaseSync(path)
    reader.exec('BEGIN')
    expect(reader.prepare('SELECT count(*) AS n FROM programmes').get()).toEqual({ n: 2 })

    w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(w.store.getProgramme(purged)).toBeNull()
    // The reader still sees its snapshot, so the old pages had to stay on disk for it.
    expect(reader.prepare('SELECT count(*) AS n FROM programmes').get()).toEqual({ n: 2 })
    expect(w.store.hasUnfinishedPurge()).toBe(true)
    expect(leftIn(path).length).toBeGreaterThan(0)
    // Commands go on while the reader holds on; the purge stays owed, not falsely marked done.
    w.engine.execute(BEHANDLARE, { type: 'set-notification-preferences', email: false, sms: false })
    expect(w.store.hasUnfinishedPurge()).toBe(true)
    expect(w.store.purgeRecord(purged)?.compactedAt).toBeNull()

    reader.exec('COMMIT')
    reader.close()
    // Any next command finishes the job first.
    w.engine.execute(BEHANDLARE, { type: 'set-notification-preferences', email: true, sms: false })
    expect(leftIn(path)).toEqual([])
    expect(w.store.hasUnfinishedPurge()).toBe(false)
    w.engine.close()
    expect(leftIn(path)).toEqual([])
  })
})

describe('a dataadministratör reads without marking', () => {
  it("given unread messages and submissions, when the dataadministratör exports and purges, then nothing is marked read in the other programmes", () => {
    const { w, kept } = filledWorld()
    const before = w.store.getProgramme(kept)
    w.engine.query(DATAADMIN, { type: 'list-ended' })
    w.engine.query(DATAADMIN, { type: 'export-ended', format: 'csv' })
    w.engine.query(DATAADMIN, { type: 'export-ended', format: 'json' })
    const after = w.store.getProgramme(kept)
    expect(after?.messages.map((m) => m.readAt)).toEqual(before?.messages.map((m) => m.readAt))
    expect(after?.submissions.map((s) => s.readAt)).toEqual(before?.submissions.map((s) => s.readAt))
    expect(after?.version).toBe(before?.version)
    expect(w.store.listAudit().filter((e) => e.actorId === 'u-data' && e.access === 'write')).toEqual([])
    w.engine.close()
  })
})
