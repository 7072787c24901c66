// The sweep's batched delivery on PostgreSQL (one statement per chunk): the same answers and rows
// as SQLite's deliverFlags, exactly once per key, and nothing left behind when it fails part-way.
import { afterEach, describe, expect, it } from 'vitest'
import { auditEntry } from '../../../src/engine/audit.ts'
import { evolveAll } from '../../../src/engine/evolve.ts'
import type { FlagDelivery, EngineStore, OutboxMessage } from '../../../src/engine/store/types.ts'
import { openTestPostgresStore } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'
import { STARTED } from '../spec.ts'

const unavailable = postgresUnavailable()
const stores: EngineStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

const AT = '2025-04-08T06:00:00.000Z'

/** A store with one programme p-1 and its schedule of three keys. */
async function withProgramme(): Promise<EngineStore> {
  const store = await openTestPostgresStore()
  stores.push(store)
  await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, AT)
  const events = [{ ...STARTED, programmeId: 'p-1' }]
  const schedule = ['a', 'b', 'c'].map((flagId) => ({ key: key(flagId), dueOn: '2025-04-07', until: null }))
  await store.appendEvents('p-1', 0, events, evolveAll(events)!, schedule)
  return store
}

const key = (flagId: string) => ({ programmeId: 'p-1', flagId, moduleId: '', occurrence: 'x' })
const message = (outboxId: string, flagId: string): OutboxMessage => ({
  outboxId, createdAt: AT, programmeId: 'p-1', flagId, recipient: 'patient', recipientRef: 'p-1', channel: 'patient-app', title: 't', text: 'x', sentAt: null,
})
const delivery = (flagId: string, ...outboxIds: string[]): FlagDelivery => ({
  key: key(flagId),
  at: AT,
  outbox: outboxIds.map((id) => message(id, flagId)),
  audit: auditEntry({ kind: 'system', process: 'flags' }, { at: AT, programmeId: 'p-1', programme: null, action: 'deliver-flag', access: 'write', outcome: 'ok', refusalCode: null }),
})

describe.skipIf(unavailable)(unavailable ? `postgres deliverFlags (skipped: ${unavailable})` : 'postgres deliverFlags', () => {
  it('given a key delivered before and a key given twice, then each is new once; only new ones get outbox rows (in order) and an audit entry; every key leaves the schedule', async () => {
    const store = await withProgramme()
    expect(await store.recordFlagDelivery(key('a'), AT)).toBe(true)
    const audits = (await store.listAudit()).length
    const answer = await store.transaction((tx) => tx.deliverFlags([delivery('a', 'm-1'), delivery('b', 'm-2', 'm-3'), delivery('b', 'm-4'), delivery('c', 'm-5')]))
    expect(answer).toEqual([false, true, false, true])
    expect((await store.listOutbox()).map((m) => m.outboxId)).toEqual(['m-2', 'm-3', 'm-5'])
    expect((await store.listAudit()).length).toBe(audits + 2)
    expect(await store.listDueFlagKeys('2025-04-08')).toEqual([])
    expect(await store.deliverFlags([delivery('c', 'm-6')])).toEqual([false])
  })

  it('given a batch whose outbox row is refused in the middle, then nothing of it stays and the transaction goes on after its savepoint', async () => {
    const store = await withProgramme()
    await store.transaction(async (tx) => {
      await tx.addOutbox(message('taken', 'z'))
      await expect(tx.transaction((batch) => batch.deliverFlags([delivery('a', 'm-1'), delivery('b', 'taken'), delivery('c', 'm-3')]))).rejects.toThrow(/23505|unique/i)
      expect(await tx.hasFlagDelivery(key('a'))).toBe(false)
      // flag by flag, as the sweep then goes: the good ones are delivered
      expect(await tx.transaction((flag) => flag.deliverFlags([delivery('a', 'm-1')]))).toEqual([true])
      expect(await tx.transaction((flag) => flag.deliverFlags([delivery('c', 'm-3')]))).toEqual([true])
    })
    expect((await store.listOutbox()).map((m) => m.outboxId)).toEqual(['taken', 'm-1', 'm-3'])
    expect((await store.listDueFlagKeys('2025-04-08')).map((k) => k.flagId)).toEqual(['b'])
  })
})
