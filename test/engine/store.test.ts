// The store contract, independent of the engine: transactions, the version check, the one-open-
// programme rule, the flag schedule (on SQLite and, in the engine-postgres project, PostgreSQL);
// and the SQLite file's migrations and pragmas.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { ConcurrencyConflict, IdempotencyKeyExists, MIGRATIONS, OpenProgrammeExists, evolveAll, openSqliteStore } from '../../src/engine/index.ts'
import { notSqlite, openTestStore, storeKind } from './harness.ts'
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
  const store = await openTestStore()
  await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, '2025-04-07T07:00:00.000Z')
  return store
}

describe.skipIf(notSqlite)('sqlite store (SQLite file)', () => {
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
    await expect(store.recordFlagDelivery({ programmeId: 'p-none', flagId: 'f', moduleId: '', occurrence: 'x' }, 'now')).rejects.toThrow(/foreign key/i)
    await store.close()
  })

  it('given a page cache that is not a positive number of MiB, then opening throws a TypeError and creates no file', async () => {
    const path = tempPath()
    for (const cacheMiB of [0, -16, Number.NaN, Number.POSITIVE_INFINITY, '16' as unknown as number]) {
      expect(() => openSqliteStore({ path, cacheMiB })).toThrow(TypeError)
    }
    expect(existsSync(path)).toBe(false)
    // a small cache is only slower
    const store = openSqliteStore({ path, cacheMiB: 0.25 })
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, '2025-04-07T07:00:00.000Z')
    expect(await store.getUnit('vc-norr')).toEqual({ unitId: 'vc-norr', name: 'Norr' })
    await store.close()
  })
})

describe(`${storeKind} store`, () => {
  it('given a flag delivery of a programme that does not exist, then the foreign key refuses it', async () => {
    const store = await withUnit()
    // SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: "23503: foreign key violation".
    await expect(store.recordFlagDelivery({ programmeId: 'p-none', flagId: 'f', moduleId: '', occurrence: 'x' }, 'now')).rejects.toThrow(/foreign key/i)
  })

  it('given an idempotency key already stored, then a second put is refused with IdempotencyKeyExists and the transaction goes on', async () => {
    const store = await withUnit()
    const entry = { scope: 'staff:vc-norr:u-beh', key: 'k-1', requestHash: 'h', programmeId: null, result: '{}', at: '2025-04-07T07:00:00.000Z' }
    await store.putIdempotent(entry)
    await store.transaction(async (tx) => {
      await expect(tx.putIdempotent({ ...entry, result: '{"second":true}' })).rejects.toThrow(IdempotencyKeyExists)
      // Still usable (PostgreSQL would have aborted it after a failed statement).
      await tx.grantRole({ unitId: 'vc-norr', userId: 'u-1', role: 'behandlare', grantedAt: 'now', grantedBy: 'test' })
    })
    expect(await store.getIdempotent(entry.scope, entry.key)).toEqual({ requestHash: 'h', result: '{}' })
    expect((await store.unitRoles('vc-norr')).map((g) => g.userId)).toEqual(['u-1'])
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
