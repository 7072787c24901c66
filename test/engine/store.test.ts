// The SQLite store: migrations, pragmas, transactions, the version check and the one-open-
// programme rule, independent of the engine.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { ConcurrencyConflict, MIGRATIONS, OpenProgrammeExists, evolveAll, openSqliteStore } from '../../src/engine/index.ts'
import { STARTED } from './spec.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plus-store-'))
  dirs.push(dir)
  return join(dir, 'plus.db')
}

function withUnit() {
  const store = openSqliteStore({ path: ':memory:' })
  store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, '2025-04-07T07:00:00.000Z')
  return store
}

describe('sqlite store', () => {
  it('given a new file, then every migration is applied once, with WAL, foreign keys and secure delete on', () => {
    const path = tempPath()
    openSqliteStore({ path }).close()
    openSqliteStore({ path }).close() // reopening applies nothing twice
    const db = new DatabaseSync(path)
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.at(-1)?.version })
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    db.close()
    const store = openSqliteStore({ path })
    // Foreign keys: events of a programme that does not exist are refused by the database.
    expect(() => store.recordFlagDelivery({ programmeId: 'p-none', flagId: 'f', moduleId: '', occurrence: 'x' }, 'now')).toThrow(/FOREIGN KEY/)
    store.close()
  })

  it('given a stale expected version, then appending throws ConcurrencyConflict and stores nothing', () => {
    const store = withUnit()
    const state = evolveAll([STARTED])
    if (!state) throw new Error('no state')
    store.appendEvents('p-1', 0, [STARTED], state, [])
    expect(() => store.appendEvents('p-1', 0, [STARTED], state, [])).toThrow(ConcurrencyConflict)
    expect(store.readEvents('p-1')).toHaveLength(1)
  })

  it('given an open programme, then a second one for the same patient is refused by the database too', () => {
    const store = withUnit()
    const first = evolveAll([STARTED])
    const second = evolveAll([{ ...STARTED, programmeId: 'p-2' }])
    if (!first || !second) throw new Error('no state')
    store.appendEvents('p-1', 0, [STARTED], first, [])
    expect(() => store.appendEvents('p-2', 0, [{ ...STARTED, programmeId: 'p-2' }], second, [])).toThrow(OpenProgrammeExists)
    expect(() => store.appendEvents('p-2', 0, [{ ...STARTED, programmeId: 'p-2' }], second, [])).not.toThrow(/1912/)
  })

  it('given a flag schedule, then delivered keys stay off it, a delivery takes its key off, and a key is due from dueOn until the day before until', () => {
    const store = withUnit()
    const state = evolveAll([STARTED])
    if (!state) throw new Error('no state')
    const entry = (flagId: string, dueOn: string, until: string | null = null) => ({
      key: { programmeId: 'p-1', flagId, moduleId: until ? 'oro' : '', occurrence: 'x' },
      dueOn,
      until,
    })
    const schedule = [entry('startat', '2025-04-07'), entry('modul', '2025-04-10', '2025-04-12')]
    store.appendEvents('p-1', 0, [STARTED], state, schedule)
    expect(store.listDueFlagKeys('2025-04-06')).toEqual([])
    expect(store.listDueFlagKeys('2025-04-07').map((k) => k.flagId)).toEqual(['startat'])
    expect(store.recordFlagDelivery(schedule[0]?.key ?? entry('', '').key, 'now')).toBe(true)
    expect(store.listDueFlagKeys('2025-04-07')).toEqual([])
    expect(store.listDueFlagKeys('2025-04-11')).toEqual([{ programmeId: 'p-1', flagId: 'modul', moduleId: 'oro', occurrence: 'x' }])
    expect(store.listDueFlagKeys('2025-04-12')).toEqual([])
    store.replaceFlagSchedule('p-1', schedule) // the delivered key is not put back
    expect(store.listDueFlagKeys('2025-04-11').map((k) => k.flagId)).toEqual(['modul'])
    expect(() => store.replaceFlagSchedule('p-2', schedule)).toThrow(/p-1/)
    store.deleteProgramme('p-1')
    expect(store.listDueFlagKeys('2025-04-11')).toEqual([])
  })

  it('given no schedule yet, then the basis is null until the engine sets it', () => {
    const store = withUnit()
    expect(store.getFlagScheduleBasis()).toBeNull()
    store.setFlagScheduleBasis('a')
    store.setFlagScheduleBasis('b')
    expect(store.getFlagScheduleBasis()).toBe('b')
  })

  it('given a failing step inside a transaction, then everything in it is rolled back, savepoints included', () => {
    const store = withUnit()
    expect(() =>
      store.transaction(() => {
        store.grantRole({ unitId: 'vc-norr', userId: 'u-1', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' })
        store.transaction(() => store.grantRole({ unitId: 'vc-norr', userId: 'u-2', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' }))
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(store.unitRoles('vc-norr')).toEqual([])
    expect(() =>
      store.transaction(() => {
        store.grantRole({ unitId: 'vc-norr', userId: 'u-1', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' })
        try {
          store.transaction(() => {
            store.grantRole({ unitId: 'vc-norr', userId: 'u-2', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' })
            throw new Error('inner')
          })
        } catch {
          // the inner savepoint is rolled back, the outer work stays
        }
      }),
    ).not.toThrow()
    expect(store.unitRoles('vc-norr').map((g) => g.userId)).toEqual(['u-1'])
  })
})
