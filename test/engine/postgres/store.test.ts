// The PostgreSQL store on its own: the data operations a command, the sweep and the purge rely
// on, with the version check, the one-open-programme rule, idempotency and exactly-once flag
// delivery under two concurrent transactions. Runs on a fresh database from the run's template.
import { afterEach, describe, expect, it } from 'vitest'
import { evolveAll } from '../../../src/engine/evolve.ts'
import type { ProgrammeEvent } from '../../../src/engine/events.ts'
import { DEFAULT_PREFERENCES } from '../../../src/engine/store/sqlite.ts'
import { ConcurrencyConflict, OpenProgrammeExists, type EngineStore, type OutboxMessage } from '../../../src/engine/store/types.ts'
import { openTestPostgresStore } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'
import { ORO_STARTED, STARTED } from '../spec.ts'

const unavailable = postgresUnavailable()
const stores: EngineStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

async function withUnit(): Promise<EngineStore> {
  const store = await openTestPostgresStore()
  stores.push(store)
  await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, '2025-04-07T07:00:00.000Z')
  return store
}

function state(events: ProgrammeEvent[]) {
  const next = evolveAll(events)
  if (!next) throw new Error('no state')
  return next
}

const started = (programmeId: string, patient = STARTED.patient): ProgrammeEvent => ({ ...STARTED, programmeId, patient })

describe.skipIf(unavailable)(unavailable ? `postgres store (skipped: ${unavailable})` : 'postgres store', () => {
  it('given a unit and roles, then they read back in order, and a withdrawn role is gone', async () => {
    const store = await withUnit()
    expect(await store.getUnit('vc-norr')).toEqual({ unitId: 'vc-norr', name: 'Norr' })
    expect(await store.getUnit('vc-none')).toBeNull()
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-2', role: 'behandlare', grantedAt: 'a', grantedBy: 'system' })
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-1', role: 'dataadministrator', grantedAt: 'b', grantedBy: 'u-2' })
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-1', role: 'behandlare', grantedAt: 'c', grantedBy: 'u-2' })
    expect(await store.rolesOf('u-1', 'vc-norr')).toEqual(['behandlare', 'dataadministrator'])
    expect((await store.unitRoles('vc-norr')).map((g) => `${g.userId}:${g.role}`)).toEqual(['u-1:behandlare', 'u-1:dataadministrator', 'u-2:behandlare'])
    await store.withdrawRole('vc-norr', 'u-1', 'behandlare')
    expect(await store.rolesOf('u-1', 'vc-norr')).toEqual(['dataadministrator'])
    // the same default as the SQLite store's
    expect(await store.getPreferences('u-1')).toEqual(DEFAULT_PREFERENCES)
    await store.setPreferences('u-1', { email: false, sms: true })
    expect(await store.getPreferences('u-1')).toEqual({ email: false, sms: true })
    await store.recordStaffIdentity('u-1', '199001011015', 'a')
    await store.recordStaffIdentity('u-1', '199001011023', 'b')
    expect(await store.staffPersonnummer('u-1')).toBe('199001011015')
  })

  it('given appended events, then the state and events read back as written, and a stale version is a ConcurrencyConflict', async () => {
    const store = await withUnit()
    const first = state([STARTED])
    await store.appendEvents('p-1', 0, [STARTED], first, [])
    const second = state([STARTED, ORO_STARTED])
    await store.appendEvents('p-1', 1, [ORO_STARTED], second, [])
    // the state comes back byte for byte (json, not jsonb: key order kept)
    expect(JSON.stringify(await store.getProgramme('p-1'))).toBe(JSON.stringify(second))
    expect(await store.readEvents('p-1')).toEqual([STARTED, ORO_STARTED])
    await expect(store.appendEvents('p-1', 1, [ORO_STARTED], second, [])).rejects.toThrow(ConcurrencyConflict)
    await expect(store.appendEvents('p-1', 0, [STARTED], first, [])).rejects.toThrow(ConcurrencyConflict)
    await expect(store.appendEvents('p-9', 3, [ORO_STARTED], { ...second, programmeId: 'p-9', version: 4 }, [])).rejects.toThrow(/p-9 is at version none, expected 3/)
    expect(await store.readEvents('p-1')).toHaveLength(2)
    expect(await store.getProgramme('p-none')).toBeNull()
    expect((await store.listProgrammes({ unitId: 'vc-norr', statuses: ['active'] })).map((p) => p.programmeId)).toEqual(['p-1'])
    expect(await store.listProgrammes({ statuses: [] })).toEqual([])
    expect((await store.listProgrammePage({ unitId: 'vc-norr' }, null, 10)).map((p) => p.version)).toEqual([2])
    expect(await store.listProgrammePage({ unitId: 'vc-norr' }, 'p-1', 10)).toEqual([])
  })

  it('given an open programme, then a second one for the patient in the unit is OpenProgrammeExists, and the enclosing transaction goes on', async () => {
    const store = await withUnit()
    await store.appendEvents('p-1', 0, [STARTED], state([STARTED]), [])
    await store.transaction(async (tx) => {
      await expect(tx.appendEvents('p-2', 0, [started('p-2')], state([started('p-2')]), [])).rejects.toThrow(OpenProgrammeExists)
      // the refusal rolled back its savepoint only: the transaction still writes
      await tx.appendEvents('p-3', 0, [started('p-3', '191212121220')], state([started('p-3', '191212121220')]), [])
    })
    expect((await store.listProgrammes({})).map((p) => p.programmeId)).toEqual(['p-1', 'p-3'])
  })

  it('given a failing step in a transaction, then all of it is rolled back, and a failed savepoint only its own part', async () => {
    const store = await withUnit()
    const grant = (userId: string) => ({ unitId: 'vc-norr', userId, role: 'behandlare' as const, grantedAt: 'now', grantedBy: 'test' })
    await expect(
      store.transaction(async (tx) => {
        await tx.grantRole(grant('u-1'))
        await tx.transaction(async (inner) => inner.grantRole(grant('u-2')))
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await store.unitRoles('vc-norr')).toEqual([])
    await store.transaction(async (tx) => {
      await tx.grantRole(grant('u-1'))
      await expect(
        tx.transaction(async (inner) => {
          await inner.grantRole(grant('u-2'))
          throw new Error('inner')
        }),
      ).rejects.toThrow('inner')
    })
    expect((await store.unitRoles('vc-norr')).map((g) => g.userId)).toEqual(['u-1'])
    // a transaction object used after its transaction finished is refused, not run elsewhere
    let kept: EngineStore | null = null
    await store.transaction(async (tx) => {
      kept = tx as EngineStore
    })
    await expect(kept!.getUnit('vc-norr')).rejects.toThrow(/already finished/)
  })

  it('given an idempotency key, then the first outcome is kept, a second put is refused by name, and purge takes it away', async () => {
    const store = await withUnit()
    await store.appendEvents('p-1', 0, [STARTED], state([STARTED]), [])
    const entry = { scope: 'staff:vc-norr:u-beh', key: 'k-1', requestHash: 'sha256:x', programmeId: 'p-1', result: '{"v":1}', at: 'now' }
    expect(await store.getIdempotent(entry.scope, entry.key)).toBeNull()
    await store.putIdempotent(entry)
    // the engine recognises a concurrent retry by "idempotency" in the message
    await expect(store.putIdempotent({ ...entry, result: '{"v":2}' })).rejects.toThrow(/idempotency/)
    await store.updateIdempotent(entry.scope, entry.key, '{"v":3}')
    expect(await store.getIdempotent(entry.scope, entry.key)).toEqual({ requestHash: 'sha256:x', result: '{"v":3}' })
    await store.deleteProgramme('p-1')
    expect(await store.getIdempotent(entry.scope, entry.key)).toBeNull()
  })

  it('given two transactions putting the same idempotency key at once, then the second waits for the first and is refused', async () => {
    const store = await withUnit()
    const entry = { scope: 's', key: 'k', requestHash: 'h', programmeId: null, result: 'first', at: 'now' }
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let firstPut!: () => void
    const put = new Promise<void>((resolve) => (firstPut = resolve))
    const first = store.transaction(async (tx) => {
      await tx.putIdempotent(entry)
      firstPut()
      await held
    })
    await put
    const second = store.transaction(async (tx) => tx.putIdempotent({ ...entry, result: 'second' }))
    release()
    await first
    await expect(second).rejects.toThrow(/idempotency/)
    expect(await store.getIdempotent('s', 'k')).toEqual({ requestHash: 'h', result: 'first' })
  })

  it('given a flag schedule, then due keys follow dueOn and until, delivery is exactly once and takes the key off, and the outbox keeps its order', async () => {
    const store = await withUnit()
    const entry = (flagId: string, dueOn: string, until: string | null = null) => ({
      key: { programmeId: 'p-1', flagId, moduleId: until ? 'oro' : '', occurrence: 'x' },
      dueOn,
      until,
    })
    const schedule = [entry('startat', '2025-04-07'), entry('modul', '2025-04-10', '2025-04-12')]
    await store.appendEvents('p-1', 0, [STARTED], state([STARTED]), schedule)
    expect(await store.listDueFlagKeys('2025-04-06')).toEqual([])
    expect((await store.listDueFlagKeys('2025-04-07')).map((k) => k.flagId)).toEqual(['startat'])
    expect(await store.recordFlagDelivery(schedule[0]!.key, 'now')).toBe(true)
    expect(await store.recordFlagDelivery(schedule[0]!.key, 'later')).toBe(false)
    expect(await store.hasFlagDelivery(schedule[0]!.key)).toBe(true)
    expect(await store.listDueFlagKeys('2025-04-07')).toEqual([])
    expect(await store.listDueFlagKeys('2025-04-11')).toEqual([{ programmeId: 'p-1', flagId: 'modul', moduleId: 'oro', occurrence: 'x' }])
    expect(await store.listDueFlagKeys('2025-04-12')).toEqual([])
    await store.replaceFlagSchedule('p-1', schedule) // the delivered key is not put back
    expect((await store.listDueFlagKeys('2025-04-11')).map((k) => k.flagId)).toEqual(['modul'])
    await expect(store.replaceFlagSchedule('p-2', schedule)).rejects.toThrow(/p-1/)
    expect(await store.getFlagScheduleBasis()).toBeNull()
    await store.setFlagScheduleBasis('a')
    await store.setFlagScheduleBasis('b')
    expect(await store.getFlagScheduleBasis()).toBe('b')

    const message = (outboxId: string, createdAt: string): OutboxMessage => ({
      outboxId,
      createdAt,
      programmeId: 'p-1',
      flagId: 'startat',
      recipient: 'patient',
      recipientRef: 'p-1',
      channel: 'patient-app',
      title: 'Välkommen',
      text: 'Hej',
      sentAt: null,
    })
    await store.addOutbox(message('o-b', '2025-04-07T07:00:00.000Z'))
    await store.addOutbox(message('o-a', '2025-04-07T07:00:00.000Z'))
    await store.addOutbox(message('o-0', '2025-04-07T06:00:00.000Z'))
    expect((await store.listOutbox()).map((m) => m.outboxId)).toEqual(['o-0', 'o-b', 'o-a'])
    await store.markOutboxSent('o-b', 'sent')
    expect((await store.listOutbox({ unsentOnly: true })).map((m) => m.outboxId)).toEqual(['o-0', 'o-a'])
    expect(await store.getOutbox('o-b')).toEqual({ ...message('o-b', '2025-04-07T07:00:00.000Z'), sentAt: 'sent' })
    expect(await store.getOutbox('o-none')).toBeNull()
  })

  it('given two transactions delivering the same flag at once, then exactly one records it', async () => {
    const store = await withUnit()
    const key = { programmeId: 'p-1', flagId: 'startat', moduleId: '', occurrence: 'x' }
    await store.appendEvents('p-1', 0, [STARTED], state([STARTED]), [{ key, dueOn: '2025-04-07', until: null }])
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let recorded!: () => void
    const first = new Promise<void>((resolve) => (recorded = resolve))
    const a = store.transaction(async (tx) => {
      const mine = await tx.recordFlagDelivery(key, 'a')
      recorded()
      await held
      return mine
    })
    await first
    // the second blocks on the first's uncommitted row, then finds it delivered
    const b = store.transaction(async (tx) => tx.recordFlagDelivery(key, 'b'))
    release()
    expect([await a, await b]).toEqual([true, false])
    expect(await store.listDueFlagKeys('2025-04-07')).toEqual([])
  })

  it('given audit entries, then they list in order by filter with their numbers, booleans and export fields', async () => {
    const store = await withUnit()
    const base = {
      at: '2025-04-07T07:00:00.000Z',
      actorKind: 'staff' as const,
      actorId: 'u-beh',
      actorPersonnummer: '199001011015',
      patient: '191212121212',
      programmeStatus: 'active' as const,
      actorResponsible: true,
      unitId: 'vc-norr',
      programmeId: 'p-1',
      action: 'programme-tree' as const,
      access: 'read' as const,
      outcome: 'ok' as const,
      refusalCode: null,
    }
    await store.appendAudit(base)
    await store.appendAudit({ ...base, programmeId: 'p-2', actorResponsible: false, action: 'export-ended', exportFormat: 'csv', rowCount: 3 })
    await store.appendAudit({ ...base, actorKind: 'system', actorId: 'flags', actorPersonnummer: null, actorResponsible: null, programmeStatus: null })
    const all = await store.listAudit()
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(all[0]).toEqual({ seq: 1, ...base })
    expect(all[1]).toMatchObject({ actorResponsible: false, exportFormat: 'csv', rowCount: 3 })
    expect(all[2]).toMatchObject({ actorPersonnummer: null, actorResponsible: null, programmeStatus: null })
    expect((await store.listAudit({ programmeId: 'p-2' })).map((e) => e.seq)).toEqual([2])
    expect((await store.listAudit({ patient: '191212121212', unitId: 'vc-norr' })).map((e) => e.seq)).toEqual([1, 2, 3])
  })

  it('given a bundle, then it is saved once, known again, a conflict with other content, and loads as written', async () => {
    const store = await withUnit()
    const bundle = { programme: { version: '1.0.0' }, modules: [] } as never
    expect(await store.saveBundle(bundle, 'h1', 'now')).toBe('saved')
    expect(await store.saveBundle(bundle, 'h1', 'now')).toBe('known')
    expect(await store.saveBundle(bundle, 'h2', 'now')).toBe('conflict')
    expect(await store.loadBundle('1.0.0')).toEqual(bundle)
    expect(await store.loadBundle('2.0.0')).toBeNull()
  })

  it('given a purge, then the ledger records it until finishPurges compacts', async () => {
    const store = await withUnit()
    await store.appendEvents('p-1', 0, [STARTED], state([STARTED]), [])
    expect(await store.hasUnfinishedPurge()).toBe(false)
    await store.transaction(async (tx) => {
      await tx.deleteProgramme('p-1')
      await tx.recordPurge('p-1', 'vc-norr', '2026-01-01T00:00:00.000Z')
    })
    expect(await store.wasPurged('p-1')).toBe(true)
    expect(await store.wasPurged('p-2')).toBe(false)
    expect(await store.hasUnfinishedPurge()).toBe(true)
    expect(await store.purgeRecord('p-1')).toEqual({ unitId: 'vc-norr', purgedAt: '2026-01-01T00:00:00.000Z', compactedAt: null })
    expect(await store.finishPurges('2026-01-01T00:01:00.000Z')).toBe(true)
    expect(await store.hasUnfinishedPurge()).toBe(false)
    expect((await store.purgeRecord('p-1'))?.compactedAt).toBe('2026-01-01T00:01:00.000Z')
    expect(await store.getProgramme('p-1')).toBeNull()
  })
})
