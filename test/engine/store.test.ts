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

async function withUnit() {
  const store = openSqliteStore({ path: ':memory:' })
  await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, '2025-04-07T07:00:00.000Z')
  return store
}

describe('sqlite store', () => {
  it('given a new file, then every migration is applied once, with WAL, foreign keys and secure delete on', async () => {
    const path = tempPath()
    await openSqliteStore({ path }).close()
    await openSqliteStore({ path }).close() // reopening applies nothing twice
    const db = new DatabaseSync(path)
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: MIGRATIONS.at(-1)?.version })
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    db.close()
    const store = openSqliteStore({ path })
    // Foreign keys: events of a programme that does not exist are refused by the database.
    await expect(store.recordFlagDelivery({ programmeId: 'p-none', flagId: 'f', moduleId: '', occurrence: 'x' }, 'now')).rejects.toThrow(/FOREIGN KEY/)
    await store.close()
  })

  it('given a stale expected version, then appending throws ConcurrencyConflict and stores nothing', async () => {
    const store = await withUnit()
    const state = evolveAll([STARTED])
    if (!state) throw new Error('no state')
    await store.appendEvents('p-1', 0, [STARTED], state, [])
    await expect(store.appendEvents('p-1', 0, [STARTED], state, [])).rejects.toThrow(ConcurrencyConflict)
    expect(await store.readEvents('p-1')).toHaveLength(1)
  })

  it('given an open programme, then a second one for the same patient is refused by the database too', async () => {
    const store = await withUnit()
    const first = evolveAll([STARTED])
    const second = evolveAll([{ ...STARTED, programmeId: 'p-2' }])
    if (!first || !second) throw new Error('no state')
    await store.appendEvents('p-1', 0, [STARTED], first, [])
    await expect(store.appendEvents('p-2', 0, [{ ...STARTED, programmeId: 'p-2' }], second, [])).rejects.toThrow(OpenProgrammeExists)
    await expect(store.appendEvents('p-2', 0, [{ ...STARTED, programmeId: 'p-2' }], second, [])).rejects.not.toThrow(/1912/)
  })

  it('given a flag schedule, then delivered keys stay off it, a delivery takes its key off, and a key is due from dueOn until the day before until', async () => {
    const store = await withUnit()
    const state = evolveAll([STARTED])
    if (!state) throw new Error('no state')
    const entry = (flagId: string, dueOn: string, until: string | null = null) => ({
      key: { programmeId: 'p-1', flagId, moduleId: until ? 'oro' : '', occurrence: 'x' },
      dueOn,
      until,
    })
    const schedule = [entry('startat', '2025-04-07'), entry('modul', '2025-04-10', '2025-04-12')]
    await store.appendEvents('p-1', 0, [STARTED], state, schedule)
    expect(await store.listDueFlagKeys('2025-04-06')).toEqual([])
    expect((await store.listDueFlagKeys('2025-04-07')).map((k) => k.flagId)).toEqual(['startat'])
    expect(await store.recordFlagDelivery(schedule[0]?.key ?? entry('', '').key, 'now')).toBe(true)
    expect(await store.listDueFlagKeys('2025-04-07')).toEqual([])
    expect(await store.listDueFlagKeys('2025-04-11')).toEqual([{ programmeId: 'p-1', flagId: 'modul', moduleId: 'oro', occurrence: 'x' }])
    expect(await store.listDueFlagKeys('2025-04-12')).toEqual([])
    await store.replaceFlagSchedule('p-1', schedule) // the delivered key is not put back
    expect((await store.listDueFlagKeys('2025-04-11')).map((k) => k.flagId)).toEqual(['modul'])
    await expect(store.replaceFlagSchedule('p-2', schedule)).rejects.toThrow(/p-1/)
    await store.deleteProgramme('p-1')
    expect(await store.listDueFlagKeys('2025-04-11')).toEqual([])
  })

  it('given no schedule yet, then the basis is null until the engine sets it', async () => {
    const store = await withUnit()
    expect(await store.getFlagScheduleBasis()).toBeNull()
    await store.setFlagScheduleBasis('a')
    await store.setFlagScheduleBasis('b')
    expect(await store.getFlagScheduleBasis()).toBe('b')
  })

  it('given a failing step inside a transaction, then everything in it is rolled back, savepoints included', async () => {
    const store = await withUnit()
    await expect(
      store.transaction(async (tx) => {
        await tx.grantRole({ unitId: 'vc-norr', userId: 'u-1', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' })
        await tx.transaction((sp) => sp.grantRole({ unitId: 'vc-norr', userId: 'u-2', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' }))
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await store.unitRoles('vc-norr')).toEqual([])
    await expect(
      store.transaction(async (tx) => {
        await tx.grantRole({ unitId: 'vc-norr', userId: 'u-1', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' })
        try {
          await tx.transaction(async (sp) => {
            await sp.grantRole({ unitId: 'vc-norr', userId: 'u-2', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' })
            throw new Error('inner')
          })
        } catch {
          // the inner savepoint is rolled back, the outer work stays
        }
      }),
    ).resolves.toBeUndefined()
    expect((await store.unitRoles('vc-norr')).map((g) => g.userId)).toEqual(['u-1'])
  })
})
