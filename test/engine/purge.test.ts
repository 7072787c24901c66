// Purge ("gallra"): after a dataadministratör purges ended programmes, nothing identifying the
// patient or their answers and messages remains in the database file; the audit log keeps that
// the purge happened.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSqliteStore } from '../../src/engine/index.ts'
import { BEHANDLARE, DATAADMIN, SODER_DATAADMIN, patient, refusedWith, startWithOro, world } from './harness.ts'

const PURGED_PNR = '191212121246' // Skatteverket test series, Luhn checked
const KEPT_PNR = '191212121238'
const ANSWER = 'Zyxorostid-efter-middagen-unik'
const MESSAGE = 'Qwmeddelande-till-behandlaren-unik'
const MOBILE = '+46701740699'
const KEPT_ANSWER = 'Kvarsvar-som-inte-gallras'
const KEPT_MESSAGE = 'Kvarmeddelande-som-inte-gallras'

function rawBytes(path: string): string {
  const files = [path, `${path}-wal`].filter((f) => existsSync(f))
  return files.map((f) => readFileSync(f).toString('latin1')).join('\n')
}

/** The strings as they may sit in the file: UTF-8 bytes read as latin1. */
const asStored = (s: string) => Buffer.from(s, 'utf8').toString('latin1')

describe('purge', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

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
    return { w, path, purged, kept }
  }

  it('given an ended programme, when purged, then its personnummer, answers, messages and phone number are gone from the file', () => {
    const { w, path, purged, kept } = filledWorld()
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: purged, reason: 'completed' })
    w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(w.store.getProgramme(purged)).toBeNull()
    expect(w.store.readEvents(purged)).toEqual([])
    w.engine.close()

    const bytes = rawBytes(path)
    for (const secret of [PURGED_PNR, ANSWER, MESSAGE, MOBILE]) {
      expect(bytes.includes(asStored(secret)), `${secret.slice(0, 4)}… still in the file`).toBe(false)
    }
    // The check can see data: the programme that was not purged is still there.
    expect(bytes.includes(KEPT_PNR)).toBe(true)
    expect(bytes.includes(asStored(KEPT_ANSWER))).toBe(true)
    expect(bytes.includes(asStored(KEPT_MESSAGE))).toBe(true)

    const reopened = openSqliteStore({ path })
    expect(reopened.getProgramme(kept)?.patient).toBe(KEPT_PNR)
    const trail = reopened.listAudit({ programmeId: purged })
    expect(trail.at(-1)).toMatchObject({ action: 'purge-programmes', actorId: 'u-data', unitId: 'vc-norr', outcome: 'ok' })
    expect(trail.length).toBeGreaterThan(5)
    reopened.close()
  })

  it('given an ongoing programme, then purging it is refused and nothing is removed', () => {
    const { w, purged, kept } = filledWorld()
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: purged, reason: 'completed' })
    expect(refusedWith(() => w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged, kept] }))).toBe('programme-not-ended')
    expect(w.store.getProgramme(purged)).not.toBeNull()
    w.engine.close()
  })

  it('given another unit, then its dataadministratör cannot purge', () => {
    const { w, purged } = filledWorld()
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: purged, reason: 'completed' })
    expect(refusedWith(() => w.engine.execute(SODER_DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] }))).toBe('not-found')
    w.engine.close()
  })

  it('given a purged programme, then every later command or query finds nothing', () => {
    const { w, purged } = filledWorld()
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: purged, reason: 'completed' })
    w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
    expect(refusedWith(() => w.engine.query(BEHANDLARE, { type: 'overview', programmeId: purged }))).toBe('not-found')
    expect(w.engine.query(DATAADMIN, { type: 'list-ended' })).toEqual([])
    w.engine.close()
  })
})
