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
import { BEHANDLARE, DATAADMIN, PNR_C, SODER_DATAADMIN, TestClock, patient, refusedWith, sequentialIds, startWithOro, world, openTestStore, notSqlite } from './harness.ts'

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

/**
 * Two programmes with answers, messages and mobile numbers; `purged` ended 30 days ago. On a
 * SQLite file (`{ file: true }`, for the byte scans) or the project's store.
 */
async function filledWorld(options: { file?: boolean } = {}) {
  let path = ''
  if (options.file) {
    const dir = mkdtempSync(join(tmpdir(), 'plus-purge-'))
    dirs.push(dir)
    path = join(dir, 'plus.db')
  }
  const w = await world(options.file ? { path } : {})
  const purged = await startWithOro(w, PURGED_PNR)
  const kept = await startWithOro(w, KEPT_PNR)
  for (const [p, who, answer, message, mobile] of [
    [purged, PURGED_PNR, ANSWER, MESSAGE, '070-174 06 99'],
    [kept, KEPT_PNR, KEPT_ANSWER, KEPT_MESSAGE, '070-174 06 98'],
  ] as const) {
    await w.engine.execute(patient(who), { type: 'submit-form', programmeId: p, formId: 'oro-uppgift', answers: { 'oro-nar': answer } })
    await w.engine.execute(patient(who), { type: 'send-message', programmeId: p, text: message })
    await w.engine.execute(patient(who), { type: 'set-mobile-number', programmeId: p, mobileNumber: mobile })
  }
  await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: purged, reason: 'completed', expectedVersion: (await w.store.getProgramme(purged))?.version ?? 0 })
  w.clock.advanceDays(30)
  return { w, path, purged, kept }
}

// What PostgreSQL keeps after a purge is searched in test/engine/postgres/purge.test.ts.
describe.skipIf(notSqlite)('purge (SQLite file)', () => {
  it('given an ended programme past its grace period, when purged, then its personnummer, answers, messages and phone number are gone from the files', async () => {
    const { w, path, purged, kept } = await filledWorld({ file: true })
    await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(await w.store.getProgramme(purged)).toBeNull()
    expect(await w.store.readEvents(purged)).toEqual([])
    expect(await w.store.purgeRecord(purged)).toMatchObject({ unitId: 'vc-norr', compactedAt: expect.any(String) })
    await w.engine.close()

    expect(leftIn(path)).toEqual([])
    // The check can see data: the programme that was not purged is still there.
    const bytes = rawBytes(path)
    expect(bytes.includes(KEPT_PNR)).toBe(true)
    expect(bytes.includes(asStored(KEPT_ANSWER))).toBe(true)
    expect(bytes.includes(asStored(KEPT_MESSAGE))).toBe(true)

    const reopened = openSqliteStore({ path })
    expect((await reopened.getProgramme(kept))?.patient).toBe(KEPT_PNR)
    const trail = await reopened.listAudit({ programmeId: purged })
    expect(trail.at(-1)).toMatchObject({ action: 'purge-programmes', actorId: 'u-data', unitId: 'vc-norr', patient: PURGED_PNR, outcome: 'ok' })
    expect(trail.length).toBeGreaterThan(5)
    await reopened.close()
  })
})

describe('purge', () => {
  it('given an ended programme past its grace period, when purged, then it is gone from the store, the ledger says compacted, and the other programme stays', async () => {
    const { w, purged, kept } = await filledWorld()
    await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(await w.store.getProgramme(purged)).toBeNull()
    expect(await w.store.readEvents(purged)).toEqual([])
    expect(await w.store.purgeRecord(purged)).toMatchObject({ unitId: 'vc-norr', compactedAt: expect.any(String) })
    expect((await w.store.getProgramme(kept))?.patient).toBe(KEPT_PNR)
    expect((await w.store.listAudit({ programmeId: purged })).at(-1)).toMatchObject({ action: 'purge-programmes', patient: PURGED_PNR, outcome: 'ok' })
  })

  it('given an ongoing programme, then purging it is refused and nothing is removed', async () => {
    const { w, purged, kept } = await filledWorld()
    expect(await refusedWith(() => w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged, kept] }))).toBe('programme-not-ended')
    expect(await w.store.getProgramme(purged)).not.toBeNull()
    await w.engine.close()
  })

  it('given another unit, then its dataadministratör gets not-found, as for a programme that never existed', async () => {
    const { w, purged } = await filledWorld()
    expect(await refusedWith(() => w.engine.execute(SODER_DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] }))).toBe('not-found')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ outcome: 'refused', refusalCode: 'other-unit', patient: PURGED_PNR })
    await w.engine.close()
  })

  it('given a purged programme, then queries find nothing, and a retried purge by its unit completes instead of answering not-found', async () => {
    const { w, purged } = await filledWorld()
    await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(await refusedWith(() => w.engine.query(BEHANDLARE, { type: 'overview', programmeId: purged }))).toBe('not-found')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ refusalCode: 'programme-purged' })
    expect(await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })).toMatchObject({ programmeId: null })
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'purge-programmes', outcome: 'ok', programmeId: purged, patient: PURGED_PNR })
    expect(await refusedWith(() => w.engine.execute(SODER_DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] }))).toBe('not-found')
    expect(await w.engine.query(DATAADMIN, { type: 'list-ended' })).toEqual([])
    await w.engine.close()
  })
})

describe('purge grace period', () => {
  it('given a programme ended 29 days ago, then purging is refused (purge-too-early); on day 30 it is allowed', async () => {
    const w = await world()
    const p = await startWithOro(w, PNR_C)
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: (await w.store.getProgramme(p))?.version ?? 0 })
    w.clock.advanceDays(29)
    expect(await refusedWith(() => w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [p] }))).toBe('purge-too-early')
    expect(await w.store.getProgramme(p)).not.toBeNull()
    w.clock.advanceDays(1)
    await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [p] })
    expect(await w.store.getProgramme(p)).toBeNull()
  })

  it('given a deployment with a grace period of 0 days, then an ended programme may be purged the same day; a negative one is a configuration error', async () => {
    const clock = new TestClock()
    const store = await openTestStore()
    const engine = await createEngine({ store, bundle: testBundle(), clock: clock.now, newId: sequentialIds(), purgeGraceDays: 0 })
    await engine.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'u-admin')
    await engine.execute({ kind: 'staff', userId: 'u-admin', unitId: 'vc-norr', personnummer: '19900101-1015' }, { type: 'grant-role', userId: 'u-beh', role: 'behandlare' })
    await engine.execute({ kind: 'staff', userId: 'u-admin', unitId: 'vc-norr', personnummer: '19900101-1015' }, { type: 'grant-role', userId: 'u-data', role: 'dataadministrator' })
    const { programmeId } = await engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_C })
    const p = programmeId ?? ''
    await engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: 1 })
    await engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [p] })
    expect(await store.getProgramme(p)).toBeNull()
    await expect(createEngine({ store: await openTestStore(), bundle: testBundle(), clock: clock.now, purgeGraceDays: -1 })).rejects.toThrow(TypeError)
  })
})

describe.skipIf(notSqlite)('purge survives faults (SQLite file)', () => {
  it('given the process is killed (SIGKILL) between the commit and the compaction, when the engine opens the file again, then it finishes the purge', async () => {
    const { w, path, purged } = await filledWorld({ file: true })
    const now = w.clock.now().toISOString()
    await w.engine.close()

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
    expect(await peek.getProgramme(purged)).toBeNull()
    expect(await peek.purgeRecord(purged)).toMatchObject({ compactedAt: null })
    expect(leftIn(path).length).toBeGreaterThan(0)

    // The next open finishes it: the bytes are gone while the engine is open.
    const reopened = await createEngine({ store: openSqliteStore({ path }), bundle: testBundle(), clock: () => new Date(now) })
    expect(leftIn(path)).toEqual([])
    await reopened.close()
    await peek.close()
    expect(leftIn(path)).toEqual([])
    const check = openSqliteStore({ path })
    expect((await check.purgeRecord(purged))?.compactedAt).toBe(now)
    expect(await check.hasUnfinishedPurge()).toBe(false)
    await check.close()
  })

  it('given another connection holds a read snapshot during the purge, then the next command after it lets go finishes the purge', async () => {
    const { w, path, purged } = await filledWorld({ file: true })
    const reader = new DatabaseSync(path)
    reader.exec('BEGIN')
    expect(reader.prepare('SELECT count(*) AS n FROM programmes').get()).toEqual({ n: 2 })

    await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(await w.store.getProgramme(purged)).toBeNull()
    // The reader still sees its snapshot, so the old pages had to stay on disk for it.
    expect(reader.prepare('SELECT count(*) AS n FROM programmes').get()).toEqual({ n: 2 })
    expect(await w.store.hasUnfinishedPurge()).toBe(true)
    expect(leftIn(path).length).toBeGreaterThan(0)
    // Commands go on while the reader holds on; the purge stays owed, not falsely marked done.
    await w.engine.execute(BEHANDLARE, { type: 'set-notification-preferences', email: false, sms: false })
    expect(await w.store.hasUnfinishedPurge()).toBe(true)
    expect((await w.store.purgeRecord(purged))?.compactedAt).toBeNull()

    reader.exec('COMMIT')
    reader.close()
    // Any next command finishes the job first.
    await w.engine.execute(BEHANDLARE, { type: 'set-notification-preferences', email: true, sms: false })
    expect(leftIn(path)).toEqual([])
    expect(await w.store.hasUnfinishedPurge()).toBe(false)
    await w.engine.close()
    expect(leftIn(path)).toEqual([])
  })
})

describe('a dataadministratör reads without marking', () => {
  it("given unread messages and submissions, when the dataadministratör exports and purges, then nothing is marked read in the other programmes", async () => {
    const { w, kept } = await filledWorld()
    const before = await w.store.getProgramme(kept)
    await w.engine.query(DATAADMIN, { type: 'list-ended' })
    await w.engine.query(DATAADMIN, { type: 'export-ended', format: 'csv' })
    await w.engine.query(DATAADMIN, { type: 'export-ended', format: 'json' })
    const after = await w.store.getProgramme(kept)
    expect(after?.messages.map((m) => m.readAt)).toEqual(before?.messages.map((m) => m.readAt))
    expect(after?.submissions.map((s) => s.readAt)).toEqual(before?.submissions.map((s) => s.readAt))
    expect(after?.version).toBe(before?.version)
    expect((await w.store.listAudit()).filter((e) => e.actorId === 'u-data' && e.access === 'write')).toEqual([])
    await w.engine.close()
  })
})
