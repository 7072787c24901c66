// A store under concurrent callers, on both stores: commands sent at once to one programme take
// turns (SQLite: one connection serves them all, so top-level work queues; PostgreSQL: the
// command locks the programme), a transaction's uncommitted writes are seen by nobody else, an
// ended tx refuses work. The one-connection queue itself (a write waiting for a paused
// transaction, overlapping savepoints refused) is SQLite's alone.
import { describe, expect, it } from 'vitest'
import { evolveAll, type ProgrammeState } from '../../src/engine/index.ts'
import { BEHANDLARE, notSqlite, openTestStore, patient, startWithOro, storeKind, versionOf, world } from './harness.ts'
import { STARTED } from './spec.ts'

/** A promise and the function that resolves it: a gate a test opens when it chooses. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

const grant = (userId: string) => ({ unitId: 'vc-norr', userId, role: 'behandlare' as const, grantedAt: '2025-04-07T07:00:00.000Z', grantedBy: 'test' })

async function withUnit() {
  const store = await openTestStore()
  await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, '2025-04-07T07:00:00.000Z')
  return store
}

describe(`the ${storeKind} store with concurrent callers`, () => {
  it('given two commands sent at once to one engine, then both run, one after the other, without a version conflict', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const before = await versionOf(w, p)
    const [fromPatient, fromClinician] = await Promise.all([
      w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Hej' }),
      w.engine.execute(BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Hej själv' }),
    ])
    expect([fromPatient.version, fromClinician.version].sort()).toEqual([before + 1, before + 2])
    const state = await w.store.getProgramme(p)
    expect(state?.messages.map((m) => m.text).sort()).toEqual(['Hej', 'Hej själv'])
    expect(evolveAll(await w.store.readEvents(p))).toEqual(state)
    // Each command logged once, as a write that succeeded.
    const sends = (await w.store.listAudit({ programmeId: p })).filter((e) => e.action === 'send-message')
    expect(sends.map((e) => e.outcome)).toEqual(['ok', 'ok'])
  })

  it('given many commands and queries at once, then every one is answered and the programme holds every message', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const texts = Array.from({ length: 20 }, (_, i) => `Meddelande ${i}`)
    await Promise.all([
      ...texts.map((text) => w.engine.execute(patient(), { type: 'send-message', programmeId: p, text })),
      ...texts.map(() => w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })),
    ])
    expect((await w.store.getProgramme(p))?.messages.map((m) => m.text).sort()).toEqual([...texts].sort())
  })


  it('given a transaction that is rolled back after a pause, then a read sent during the pause never saw its write', async () => {
    const store = await withUnit()
    const paused = gate()
    const resume = gate()
    const failing = store.transaction(async (tx) => {
      await tx.grantRole(grant('u-1'))
      paused.open()
      await resume.opened
      throw new Error('changed my mind')
    })
    await paused.opened
    const read = store.unitRoles('vc-norr')
    resume.open()
    await expect(failing).rejects.toThrow('changed my mind')
    expect(await read).toEqual([])
  })

  it('given a rejected transaction with another queued behind it, then the first is rolled back and the next one runs and commits', async () => {
    const store = await withUnit()
    const first = store.transaction(async (tx) => {
      await tx.grantRole(grant('u-1'))
      await new Promise((resolve) => setImmediate(resolve))
      throw new Error('boom')
    })
    const second = store.transaction(async (tx) => {
      await tx.grantRole(grant('u-2'))
      return 'second'
    })
    await expect(first).rejects.toThrow('boom')
    expect(await second).toBe('second')
    expect((await store.unitRoles('vc-norr')).map((g) => g.userId)).toEqual(['u-2'])
  })

  it('given a transaction that has ended, then its tx refuses further work instead of writing outside any transaction', async () => {
    const store = await withUnit()
    let kept: Parameters<Parameters<typeof store.transaction>[0]>[0] | null = null
    await store.transaction(async (tx) => {
      kept = tx
    })
    if (kept === null) throw new Error('no transaction')
    const tx: Parameters<Parameters<typeof store.transaction>[0]>[0] = kept
    await expect(tx.grantRole(grant('u-1'))).rejects.toThrow(/ended|finished/)
    await expect(tx.transaction(async () => undefined)).rejects.toThrow(/ended|finished/)
    expect(await store.unitRoles('vc-norr')).toEqual([])
  })

})

describe.skipIf(notSqlite)('the SQLite store queues its one connection (SQLite file)', () => {
  it('given a transaction that awaits in the middle, when another caller writes meanwhile, then the write waits for the commit', async () => {
    const store = await withUnit()
    const paused = gate()
    const resume = gate()
    const order: string[] = []
    const running = store.transaction(async (tx) => {
      await tx.grantRole(grant('u-1'))
      paused.open()
      await resume.opened
      // The other caller's write has not landed in this transaction.
      expect((await tx.unitRoles('vc-norr')).map((g) => g.userId)).toEqual(['u-1'])
      order.push('transaction')
    })
    await paused.opened
    const outside = store.grantRole(grant('u-2')).then(() => order.push('outside write'))
    resume.open()
    await Promise.all([running, outside])
    expect(order).toEqual(['transaction', 'outside write'])
    expect((await store.unitRoles('vc-norr')).map((g) => g.userId)).toEqual(['u-1', 'u-2'])
  })

  it('given two savepoints of one transaction started at once, then the second is refused and the transaction can still commit', async () => {
    const store = await withUnit()
    await store.transaction(async (tx) => {
      const results = await Promise.allSettled([tx.transaction((sp) => sp.grantRole(grant('u-1'))), tx.transaction((sp) => sp.grantRole(grant('u-2')))])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    })
    expect((await store.unitRoles('vc-norr')).map((g) => g.userId)).toEqual(['u-1'])
  })
})

describe('claimDueProgrammes', () => {
  /** Programmes p-1 … p-5, each with one key due on its own window. */
  async function scheduled() {
    const store = await withUnit()
    const windows: [string, string, string | null][] = [
      ['p-1', '2025-04-07', null],
      ['p-2', '2025-04-09', null],
      ['p-3', '2025-04-05', '2025-04-07'], // no longer due on the 7th
      ['p-4', '2025-04-07', '2025-04-08'],
      ['p-5', '2025-04-01', null],
    ]
    for (const [programmeId, dueOn, until] of windows) {
      const started = { ...STARTED, programmeId, patient: `19121212121${programmeId.slice(-1)}` }
      const state = evolveAll([started])
      if (!state) throw new Error('no state')
      await store.appendEvents(programmeId, 0, [started], state, [{ key: { programmeId, flagId: 'f', moduleId: '', occurrence: 'x' }, dueOn, until }])
    }
    return store
  }
  const ids = (states: ProgrammeState[]) => states.map((s) => s.programmeId)

  it('given keys due on different days, then it returns whole states of the programmes due today, in id order, a page at a time after the last id', async () => {
    const store = await scheduled()
    const page = await store.transaction((tx) => tx.claimDueProgrammes('2025-04-07', null, 2))
    expect(ids(page)).toEqual(['p-1', 'p-4'])
    expect(page[0]).toEqual(await store.getProgramme('p-1'))
    expect(ids(await store.transaction((tx) => tx.claimDueProgrammes('2025-04-07', 'p-4', 2)))).toEqual(['p-5'])
    expect(ids(await store.transaction((tx) => tx.claimDueProgrammes('2025-04-07', 'p-5', 2)))).toEqual([])
    expect(ids(await store.transaction((tx) => tx.claimDueProgrammes('2025-04-09', null, 10)))).toEqual(['p-1', 'p-2', 'p-5'])
  })

  it('given a delivered key, then its programme is not claimed for it', async () => {
    const store = await scheduled()
    await store.recordFlagDelivery({ programmeId: 'p-1', flagId: 'f', moduleId: '', occurrence: 'x' }, 'now')
    expect(ids(await store.transaction((tx) => tx.claimDueProgrammes('2025-04-07', null, 10)))).toEqual(['p-4', 'p-5'])
  })
})
