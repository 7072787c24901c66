// The flag sweep: exactly once per key, a throwing notifier loses only its own flag.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditEntry } from '../../../src/engine/audit.ts'
import { createContext } from '../../../src/engine/core/context.ts'
import { sweepFlags } from '../../../src/engine/core/flag-sweep.ts'
import { createGate } from '../../../src/engine/core/gate.ts'
import { runCommand } from '../../../src/engine/core/run-command.ts'
import { type EngineStore, openSqliteStore, type OutboxMessage } from '../../../src/engine/index.ts'
import { type Notifier, outboxNotifier } from '../../../src/engine/notifier.ts'
import { testBundle } from '../bundle.ts'
import { BEHANDLARE, PNR, PNR_B, PNR_C, sequentialIds, TestClock, openTestStore } from '../harness.ts'
import { rooms } from './rooms.ts'

describe('sweepFlags', () => {
  it('given a programme nobody touches, when the sweep runs on day 7 twice, then the inactivity reminder goes out once', async () => {
    const { ctx, gate, clock } = await rooms()
    await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    clock.advanceDays(8)
    const first = await sweepFlags(ctx)
    expect(first.delivered.map((f) => f.trigger)).toContain('inactivity')
    expect((await sweepFlags(ctx)).delivered).toEqual([])
  })

  it('given a notifier that throws, then the flag is reported failed and delivered on a later run', async () => {
    const clock = new TestClock()
    const store = await openTestStore()
    let broken = true
    const ctx = createContext({ store, bundle: testBundle(), clock: clock.now, newId: sequentialIds(), notifier: { notify: () => { if (broken) throw new Error('down') } } })
    const at = ctx.now()
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, at)
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-beh', role: 'behandlare', grantedAt: at, grantedBy: 'system' })
    const gate = createGate(store)
    await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const failed = await sweepFlags(ctx)
    expect(failed.failed.length).toBeGreaterThan(0)
    broken = false
    expect((await sweepFlags(ctx)).delivered.length).toBe(failed.failed.length)
  })
})

// The outbox notifier's flags go to the store a chunk at a time (deliverFlags), in the chunk's
// transaction without a savepoint; any other notifier goes flag by flag. Both must leave the same
// rows behind.
describe('sweepFlags with the outbox notifier (one deliverFlags per chunk)', () => {
  const PATIENTS = [PNR, PNR_B, PNR_C]

  /**
   * Three programmes started on day 0 in a file database, the clock on day 89: the patient's
   * inactivity reminder and the clinician's "PLUS snart slut" are due.
   */
  async function started(notifier: Notifier, dir: string) {
    const clock = new TestClock()
    const path = join(dir, `plus-${Math.random().toString(36).slice(2)}.db`)
    const store = openSqliteStore({ path })
    const ctx = createContext({ store, bundle: testBundle(), clock: clock.now, newId: sequentialIds(), notifier })
    const at = ctx.now()
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, at)
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-beh', role: 'behandlare', grantedAt: at, grantedBy: 'system' })
    await store.setPreferences('u-beh', { email: true, sms: true })
    const gate = createGate(store)
    const ids: string[] = []
    for (const personnummer of PATIENTS) ids.push((await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer })).programmeId!)
    clock.advanceDays(89)
    return { ctx, store, ids, path }
  }

  // Outbox ids are opaque: the two paths draw them in their own order.
  const rows = async (store: EngineStore) => ({
    outbox: (await store.listOutbox()).map(({ outboxId: _, ...message }) => message),
    audit: (await store.listAudit()).map(({ seq: _, ...entry }) => entry),
    due: await store.listDueFlagKeys('2099-01-01'),
  })

  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plus-sweep-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('given programmes with flags due, then the batched sweep delivers and writes exactly what the flag-by-flag sweep does', async () => {
    const outbox = outboxNotifier(sequentialIds('o'))
    const plain = outboxNotifier(sequentialIds('o'))
    // A notifier that is not the outbox notifier itself takes the flag-by-flag path.
    const batched = await started(outbox, dir)
    const byFlag = await started({ notify: (n, tx) => plain.notify(n, tx) }, dir)
    const sweepAt = batched.ctx.now()
    const a = await sweepFlags(batched.ctx)
    const b = await sweepFlags(byFlag.ctx)
    expect(a.failed).toEqual([])
    expect(a.delivered.length).toBeGreaterThanOrEqual(PATIENTS.length)
    expect(new Set(a.delivered.map((f) => f.recipient))).toEqual(new Set(['patient', 'clinician']))
    expect(a.delivered).toEqual(b.delivered)
    const after = await rows(batched.store)
    expect(after).toEqual(await rows(byFlag.store))
    // one audit entry per delivery, and the clinician's two channels as two outbox rows
    expect(after.audit.filter((e) => e.action === 'deliver-flag' && e.at === sweepAt)).toHaveLength(a.delivered.length)
    expect(after.outbox.filter((m) => m.recipient === 'clinician').map((m) => m.channel)).toContain('sms')
    // and a second run finds nothing new
    expect((await sweepFlags(batched.ctx)).delivered).toEqual([])
    await batched.store.close()
    await byFlag.store.close()
  })

  it('given keys that are due by the state but were delivered on an earlier day, then the batch builds no notification for them', async () => {
    // The start notice is due from the start day on, for ever: on day 89 the state names it again
    // beside the two new flags. Every outbox id drawn must belong to a row that was written.
    let drawn = 0
    const ids = sequentialIds('o')
    const notifier = outboxNotifier(() => {
      drawn++
      return ids()
    })
    const clock = new TestClock()
    const store = await openTestStore()
    const ctx = createContext({ store, bundle: testBundle(), clock: clock.now, newId: sequentialIds(), notifier })
    const at = ctx.now()
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, at)
    await store.grantRole({ unitId: 'vc-norr', userId: 'u-beh', role: 'behandlare', grantedAt: at, grantedBy: 'system' })
    const gate = createGate(store)
    for (const personnummer of PATIENTS) await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer })
    await sweepFlags(ctx)
    // the start notice went out on day 0 (with the command or the sweep), once per programme
    const started = (await store.listOutbox()).filter((m) => m.flagId === 'moment-startat')
    expect(started).toHaveLength(PATIENTS.length)
    clock.advanceDays(89)
    const before = (await store.listOutbox()).length
    drawn = 0
    const later = await sweepFlags(ctx)
    expect(later.failed).toEqual([])
    expect(later.delivered.length).toBeGreaterThanOrEqual(PATIENTS.length)
    expect(later.delivered.map((f) => f.flagId)).not.toContain('moment-startat')
    expect(drawn).toBe((await store.listOutbox()).length - before)
    await store.close()
  })

  it('given programmes with flags due, then the batch takes no savepoint (SQLite would copy every page it changes to a sub-journal), and the flag-by-flag path one per flag', async () => {
    const counted = async (notifier: Notifier) => {
      const { ctx, store } = await started(notifier, dir)
      let savepoints = 0
      const counting: EngineStore = {
        ...store,
        transaction: (fn) =>
          store.transaction((tx) =>
            fn({
              ...tx,
              transaction: (inner) => {
                savepoints++
                return tx.transaction(inner)
              },
            }),
          ),
      }
      const run = await sweepFlags({ ...ctx, store: counting })
      await store.close()
      return { delivered: run.delivered.length, savepoints }
    }
    const plain = outboxNotifier(sequentialIds('o'))
    const batched = await counted(outboxNotifier(sequentialIds('o')))
    const byFlag = await counted({ notify: (n, tx) => plain.notify(n, tx) })
    expect(batched.delivered).toBeGreaterThanOrEqual(PATIENTS.length)
    expect(batched).toEqual({ delivered: byFlag.delivered, savepoints: 0 })
    expect(byFlag.savepoints).toBe(byFlag.delivered)
  })

  it('given the middle programme of a chunk whose outbox rows the database refuses, then only its flags fail, and a later run delivers them once', async () => {
    const { ctx, store, ids, path } = await started(outboxNotifier(sequentialIds('o')), dir)
    const middle = ids[1]!
    // A trigger stands in for any failure of the store in the middle of the batch.
    const db = new DatabaseSync(path)
    db.exec(`CREATE TRIGGER refuse_middle BEFORE INSERT ON outbox WHEN NEW.programme_id = '${middle}' BEGIN SELECT RAISE(ABORT, 'refused'); END`)
    const sweepAt = ctx.now()
    const run = await sweepFlags(ctx)
    expect(run.failed.length).toBeGreaterThan(1)
    expect(new Set(run.failed.map((f) => f.programmeId))).toEqual(new Set([middle]))
    expect(new Set(run.delivered.map((f) => f.programmeId))).toEqual(new Set([ids[0], ids[2]]))
    const { outbox: all, audit, due } = await rows(store)
    const outbox = all.filter((m) => m.createdAt === sweepAt)
    expect(outbox.filter((m) => m.programmeId === middle)).toEqual([])
    expect(audit.filter((e) => e.action === 'deliver-flag' && e.at === sweepAt && e.programmeId === middle)).toEqual([])
    expect(new Set(outbox.map((m) => m.programmeId))).toEqual(new Set([ids[0], ids[2]]))
    expect(due.filter((k) => k.programmeId === middle).length).toBe(run.failed.length)
    for (const f of run.failed) expect(await store.hasFlagDelivery({ programmeId: f.programmeId, flagId: f.flagId, moduleId: '', occurrence: due.find((k) => k.flagId === f.flagId && k.programmeId === middle)!.occurrence })).toBe(false)

    db.exec('DROP TRIGGER refuse_middle')
    db.close()
    const retry = await sweepFlags(ctx)
    expect(retry.failed).toEqual([])
    expect(retry.delivered.map((f) => [f.programmeId, f.flagId])).toEqual(run.failed.map((f) => [f.programmeId, f.flagId]))
    expect((await sweepFlags(ctx)).delivered).toEqual([])
    await store.close()
  })
})

describe('deliverFlags (the store)', () => {
  it('given a key delivered before and a key given twice, then each is new once, and only new ones get their outbox rows and audit entry', async () => {
    const { ctx, gate, clock } = await rooms()
    const { programmeId } = await runCommand(ctx, gate, BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    clock.advanceDays(1)
    const at = ctx.now()
    const key = (flagId: string) => ({ programmeId: programmeId!, flagId, moduleId: '', occurrence: 'x' })
    const message = (outboxId: string, flagId: string): OutboxMessage => ({
      outboxId, createdAt: at, programmeId: programmeId!, flagId, recipient: 'patient', recipientRef: programmeId!, channel: 'patient-app', title: 't', text: 'x', sentAt: null,
    })
    const audit = auditEntry({ kind: 'system', process: 'flags' }, { at, programmeId: programmeId!, programme: null, action: 'deliver-flag', access: 'write', outcome: 'ok', refusalCode: null })
    const { store } = ctx
    expect(await store.recordFlagDelivery(key('before'), at)).toBe(true)
    const outboxBefore = (await store.listOutbox()).length
    const auditBefore = (await store.listAudit()).length
    const answer = await store.deliverFlags([
      { key: key('before'), at, outbox: [message('m-1', 'before')], audit },
      { key: key('new'), at, outbox: [message('m-2', 'new'), message('m-3', 'new')], audit },
      { key: key('new'), at, outbox: [message('m-4', 'new')], audit },
    ])
    expect(answer).toEqual([false, true, false])
    expect((await store.listOutbox()).slice(outboxBefore).map((m) => m.outboxId)).toEqual(['m-2', 'm-3'])
    expect((await store.listAudit()).length).toBe(auditBefore + 1)
  })
})
