// The audit log on PostgreSQL is append-only: triggers refuse UPDATE, DELETE and TRUNCATE even for
// the owner, and the application role of POSTGRES_GRANTS has INSERT and SELECT on it only.
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { evolveAll } from '../../../src/engine/evolve.ts'
import { openPostgresStore } from '../../../src/engine/store/postgres.ts'
import { POSTGRES_GRANTS } from '../../../src/engine/store/postgres-migrations.ts'
import type { AuditEntry, EngineStore } from '../../../src/engine/store/types.ts'
import { openTestPostgresStore, type TestDatabase } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'
import { STARTED } from '../spec.ts'

const unavailable = postgresUnavailable()

const ENTRY: AuditEntry = {
  at: '2025-04-07T07:00:00.000Z',
  actorKind: 'staff',
  actorId: 'u-beh',
  actorPersonnummer: '199001011015',
  patient: '191212121212',
  programmeStatus: 'active',
  actorResponsible: true,
  unitId: 'vc-norr',
  programmeId: 'p-1',
  action: 'programme-tree',
  access: 'read',
  outcome: 'ok',
  refusalCode: null,
}

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

async function withEntry(): Promise<EngineStore & { database: TestDatabase }> {
  const store = await openTestPostgresStore()
  cleanup.push(() => store.close())
  await store.appendAudit(ENTRY)
  return store
}

async function connect(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(config)
  await client.connect()
  cleanup.push(() => client.end())
  return client
}

describe.skipIf(unavailable)(unavailable ? `postgres audit log (skipped: ${unavailable})` : 'postgres audit log', () => {
  it('given an entry, then UPDATE, DELETE and TRUNCATE are refused by the table itself, even for its owner, and INSERT works', async () => {
    const store = await withEntry()
    const owner = await connect(store.database.connection)
    for (const sql of ["UPDATE audit_log SET actor_id = 'someone else'", 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
      await expect(owner.query(sql)).rejects.toMatchObject({ code: '42501', message: 'audit_log is append-only' })
    }
    await owner.query("INSERT INTO audit_log (at, actor_kind, action, access, outcome) VALUES ('now', 'system', 'audit-gap', 'write', 'ok')")
    expect((await store.listAudit()).map((e) => [e.seq, e.actorId])).toEqual([
      [1, 'u-beh'],
      [2, null],
    ])
  })

  it('given the application role of POSTGRES_GRANTS, then the store runs as it, and it cannot change the log or disable its triggers', async () => {
    const store = await withEntry()
    // Roles belong to the cluster, not the database: one per test database, created and dropped
    // from the maintenance database (after the test database, which holds its grants, is gone).
    const role = `app_${store.database.name}`
    const maintenance = new pg.Client({ ...store.database.connection, database: 'plus' })
    await maintenance.connect()
    await maintenance.query(`CREATE ROLE ${role} LOGIN`)
    cleanup.push(async () => {
      await store.database.drop()
      await maintenance.query(`DROP ROLE IF EXISTS ${role}`)
      await maintenance.end()
    })
    const owner = await connect(store.database.connection)
    await owner.query(POSTGRES_GRANTS.replaceAll('plus_app', role))
    const app = await openPostgresStore({ connectionString: store.database.connectionString.replace(/^postgresql:\/\/[^@]+@/, `postgresql://${role}@`) }, { migrate: false })
    cleanup.push(() => app.close())
    // the store works as the application role: audit, a unit, a programme, a delivery, the outbox
    await app.appendAudit({ ...ENTRY, action: 'start-programme' })
    await app.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
    expect((await app.listAudit()).map((e) => e.action)).toEqual(['programme-tree', 'start-programme'])
    const started = { ...STARTED }
    await app.appendEvents('p-1', 0, [started], evolveAll([started])!, [{ key: { programmeId: 'p-1', flagId: 'startat', moduleId: '', occurrence: 'x' }, dueOn: '2025-04-07', until: null }])
    await app.transaction(async (tx) => {
      expect(await tx.recordFlagDelivery({ programmeId: 'p-1', flagId: 'startat', moduleId: '', occurrence: 'x' }, 'now')).toBe(true)
      await tx.addOutbox({ outboxId: 'o-1', createdAt: 'now', programmeId: 'p-1', flagId: 'startat', recipient: 'patient', recipientRef: 'p-1', channel: 'patient-app', title: 'Välkommen', text: 'Hej', sentAt: null })
    })
    expect((await app.listOutbox()).map((m) => m.outboxId)).toEqual(['o-1'])
    // and without the rights to change the log
    const client = await connect({ ...store.database.connection, user: role })
    for (const sql of ["UPDATE audit_log SET actor_id = 'x'", 'DELETE FROM audit_log', 'TRUNCATE audit_log', 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete', 'DROP TABLE audit_log']) {
      await expect(client.query(sql)).rejects.toMatchObject({ code: '42501' })
    }
    // on PostgreSQL 15 only the owner may VACUUM: compaction says it could not finish
    const version = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num)
    if (version < 170000) expect(await app.compact()).toBe(false)
  })
})
