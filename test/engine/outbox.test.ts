// The notification outbox names no one: the patient by programme id, resolved by the host through
// the engine (a logged read); the clinician by user id.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { looksLikePersonnummer } from '../../src/identity/personnummer.ts'
import { openSqliteStore } from '../../src/engine/index.ts'
import { BEHANDLARE, PNR, PNR12, openWorld, UNDO_MIGRATION_6, world, notSqlite } from './harness.ts'

describe('outbox', () => {
  it('given a flag to the patient, when it is written to the outbox, then no column holds a personnummer and the recipient is the programme id', async () => {
    const w = await world()
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId
    const rows = (await w.store.listOutbox()).filter((m) => m.recipient === 'patient')
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) {
      expect(row.recipientRef).toBe(p)
      expect(looksLikePersonnummer(JSON.stringify(row))).toBe(false)
    }
  })

  it('given a patient notification, when the host asks whom it is for, then it gets the personnummer and the read is logged', async () => {
    const w = await world()
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId
    const [message] = (await w.engine.pendingNotifications('sms-gateway')).filter((m) => m.recipient === 'patient')
    const before = (await w.store.listAudit()).length
    expect(await w.engine.notificationRecipient('sms-gateway', message?.outboxId ?? '')).toEqual({ recipient: 'patient', programmeId: p, personnummer: PNR12 })
    expect((await w.store.listAudit()).slice(before)).toMatchObject([{ actorKind: 'system', actorId: 'sms-gateway', programmeId: p, access: 'read', action: 'deliver-flag' }])
  })

  it('given an id that is no outbox message, when the host asks, then the answer is null', async () => {
    const w = await world()
    expect(await w.engine.notificationRecipient('sms-gateway', 'no-such-message')).toBeNull()
    await expect(w.engine.notificationRecipient('', 'x')).rejects.toThrow(TypeError)
  })

  describe.skipIf(notSqlite)('on a database from before (migration 5) (SQLite file)', () => {
    const dirs: string[] = []
    afterEach(() => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
    })

    it('given outbox rows that named the patient by personnummer, when the store opens, then they name the programme instead', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'plus-outbox-'))
      dirs.push(dir)
      const path = join(dir, 'plus.db')
      const before = await world({ path })
      const p = (await before.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId
      await before.engine.close()
      // As the engine wrote them at schema version 4.
      const db = new DatabaseSync(path)
      db.exec(UNDO_MIGRATION_6)
      db.exec(`
        UPDATE outbox SET recipient_ref = '${PNR12}' WHERE recipient = 'patient';
        ALTER TABLE audit_log DROP COLUMN export_format;
        ALTER TABLE audit_log DROP COLUMN row_count;
        PRAGMA user_version = 4;
      `)
      db.close()
      const after = await openWorld({ store: openSqliteStore({ path }) })
      const rows = (await after.store.listOutbox()).filter((m) => m.recipient === 'patient')
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.every((m) => m.recipientRef === p)).toBe(true)
      await after.engine.close()
    })
  })
})
