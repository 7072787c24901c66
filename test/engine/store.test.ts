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
