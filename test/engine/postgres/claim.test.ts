// The flag sweep's claim on PostgreSQL: two instances, each in its own open transaction, claim
// disjoint sets of the due programmes (FOR UPDATE SKIP LOCKED) that together cover all of them,
// page by page after the last id (keyset), and a claim loses nothing.
import { afterEach, describe, expect, it } from 'vitest'
import { evolveAll } from '../../../src/engine/evolve.ts'
import { openPostgresStore } from '../../../src/engine/store/postgres.ts'
import type { EngineStore, FlagScheduleEntry, StoreTransaction } from '../../../src/engine/store/types.ts'
import { openTestPostgresStore } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'
import { STARTED } from '../spec.ts'

const unavailable = postgresUnavailable()
const TODAY = '2025-04-10'

const stores: EngineStore[] = []
afterEach(async () => {
  // the second instance first: the first's close drops the database
  for (const store of stores.splice(0).reverse()) await store.close()
})

/** Two instances on one database with `count` programmes; every third has nothing due today. */
async function twoInstances(count: number): Promise<{ a: EngineStore; b: EngineStore; due: string[] }> {
  const a = await openTestPostgresStore()
  stores.push(a)
  const b = await openPostgresStore({ connectionString: a.database.connectionString, max: 2 })
  stores.push(b)
  await a.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
  const due: string[] = []
  for (let i = 0; i < count; i++) {
    const programmeId = `p-${String(i).padStart(3, '0')}`
    const started = { ...STARTED, programmeId, patient: `19121212${String(1000 + i)}` }
    const dueOn = i % 3 === 0 ? '2025-04-11' : '2025-04-07'
    const schedule: FlagScheduleEntry[] = [{ key: { programmeId, flagId: 'startat', moduleId: '', occurrence: 'x' }, dueOn, until: null }]
    await a.appendEvents(programmeId, 0, [started], evolveAll([started])!, schedule)
    if (dueOn <= TODAY) due.push(programmeId)
  }
  return { a, b, due }
}

/** Claims page after page in one transaction until nothing is left, waiting for `turn` between pages. */
async function claimAll(tx: StoreTransaction, limit: number, turn: () => Promise<void>): Promise<string[]> {
  const claimed: string[] = []
  let after: string | null = null
  for (;;) {
    const page = await tx.claimDueProgrammes(TODAY, after, limit)
    if (page.length === 0) return claimed
    claimed.push(...page.map((p) => p.programmeId))
    after = page.at(-1)!.programmeId
    await turn()
  }
}

describe.skipIf(unavailable)(unavailable ? `postgres sweep claim (skipped: ${unavailable})` : 'postgres sweep claim', () => {
  it('given two instances claiming in open transactions at once, then their sets are disjoint and together are every due programme', async () => {
    const { a, b, due } = await twoInstances(60)
    // The two go in lockstep, a page each (neither takes a second page before the other has
    // taken its first), each holding its locks until both are done.
    let both!: () => void
    const done = new Promise<void>((resolve) => (both = resolve))
    const pages = [0, 0]
    const finished = [false, false]
    const lockstep = (me: number) => async () => {
      pages[me]!++
      while (!finished[1 - me] && pages[1 - me]! < pages[me]!) await new Promise((resolve) => setTimeout(resolve, 1))
    }
    const sweep = (store: EngineStore, me: number) =>
      store.transaction(async (tx) => {
        const claimed = await claimAll(tx, 7, lockstep(me))
        finished[me] = true
        if (finished.every(Boolean)) both()
        await done
        return claimed
      })
    const [fromA, fromB] = await Promise.all([sweep(a, 0), sweep(b, 1)])
    expect(fromA.length).toBeGreaterThan(0)
    expect(fromB.length).toBeGreaterThan(0)
    expect(fromA.filter((id) => fromB.includes(id))).toEqual([])
    expect([...fromA, ...fromB].sort()).toEqual(due)
    // each in id order, as the keyset reads them
    expect(fromA).toEqual([...fromA].sort())
    // after both committed, nothing is lost: a new sweep claims every due programme again
    expect(await a.transaction((tx) => claimAll(tx, 1000, async () => undefined))).toEqual(due)
  })

  it('given programmes held by a running command, then the claim skips them and takes the rest', async () => {
    const { a, b, due } = await twoInstances(9)
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let locked!: () => void
    const isLocked = new Promise<void>((resolve) => (locked = resolve))
    // a command holds p-001's row (its UPDATE is the version check) until released
    const command = a.transaction(async (tx) => {
      const state = (await tx.getProgramme('p-001'))!
      await tx.appendEvents('p-001', 1, [{ ...STARTED, programmeId: 'p-001', type: 'programme-started' }], { ...state, version: 2 }, [])
      locked()
      await held
    })
    await isLocked
    const claimed = await b.transaction(async (tx) => (await tx.claimDueProgrammes(TODAY, null, 100)).map((p) => p.programmeId))
    release()
    await command
    expect(claimed).toEqual(due.filter((id) => id !== 'p-001'))
    // and a claim after an id starts after it
    expect(await b.transaction(async (tx) => (await tx.claimDueProgrammes(TODAY, 'p-004', 2)).map((p) => p.programmeId))).toEqual(['p-005', 'p-007'])
  })
})
