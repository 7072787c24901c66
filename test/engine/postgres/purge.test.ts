// Purging a programme on PostgreSQL: afterwards no row of any table but the audit log and the
// purge ledger mentions the programme, and no row of any table but the audit log holds the
// patient's personnummer. (What the server's files, WAL and backups still hold is the operator's:
// see "Choosing a store" in src/engine/README.md.)
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { evolveAll } from '../../../src/engine/evolve.ts'
import type { EngineStore } from '../../../src/engine/store/types.ts'
import { openTestPostgresStore, type TestDatabase } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'
import { ORO_STARTED, STARTED } from '../spec.ts'

const unavailable = postgresUnavailable()
const PNR = STARTED.patient

const stores: EngineStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

/** Every (table, column) of type text or json in the database, and the rows where `needle` occurs in it. */
async function occurrences(database: TestDatabase, needle: string, except: string[]): Promise<string[]> {
  const client = new pg.Client(database.connection)
  await client.connect()
  try {
    const { rows: columns } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'json', 'jsonb', 'character varying')`,
    )
    expect(columns.length).toBeGreaterThan(40)
    const found: string[] = []
    for (const { table_name: table, column_name: column } of columns) {
      if (except.includes(table)) continue
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE strpos(${column}::text, $1) > 0`, [needle])
      if (rows[0].n > 0) found.push(`${table}.${column}`)
    }
    return found
  } finally {
    await client.end()
  }
}

describe.skipIf(unavailable)(unavailable ? `postgres purge (skipped: ${unavailable})` : 'postgres purge', () => {
  it('given a programme with events, schedule, deliveries, outbox, idempotency and audit, when purged, then only the audit log names it', async () => {
    const store = await openTestPostgresStore()
    stores.push(store)
    await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
    const key = { programmeId: 'p-1', flagId: 'startat', moduleId: '', occurrence: '2025-04-07' }
    const schedule = [
      { key, dueOn: '2025-04-07', until: null },
      { key: { ...key, flagId: 'modul', moduleId: 'oro' }, dueOn: '2025-04-20', until: null },
    ]
    await store.appendEvents('p-1', 0, [STARTED], evolveAll([STARTED])!, schedule)
    await store.appendEvents('p-1', 1, [ORO_STARTED], evolveAll([STARTED, ORO_STARTED])!, schedule)
    await store.transaction(async (tx) => {
      await tx.recordFlagDelivery(key, 'now')
      await tx.addOutbox({
        outboxId: 'o-1', createdAt: 'now', programmeId: 'p-1', flagId: 'startat', recipient: 'patient', recipientRef: 'p-1',
        channel: 'patient-app', title: 'Välkommen', text: 'Hej', sentAt: null,
      })
    })
    await store.putIdempotent({ scope: 'patient:p-1', key: 'k', requestHash: 'h', programmeId: 'p-1', result: '{"programmeId":"p-1"}', at: 'now' })
    await store.appendAudit({
      at: 'now', actorKind: 'patient', actorId: null, actorPersonnummer: PNR, patient: PNR, programmeStatus: 'active',
      actorResponsible: null, unitId: 'vc-norr', programmeId: 'p-1', action: 'send-message', access: 'write', outcome: 'ok', refusalCode: null,
    })
    // a neighbour programme of another patient stays
    const other = { ...STARTED, programmeId: 'p-2', patient: '191212121220' }
    await store.appendEvents('p-2', 0, [other], evolveAll([other])!, [])

    expect(await occurrences(store.database, 'p-1', [])).toEqual(expect.arrayContaining(['programmes.programme_id', 'programme_events.event', 'flag_schedule.programme_id', 'outbox.recipient_ref', 'idempotency.result', 'audit_log.programme_id']))
    expect(await store.hasFlagDelivery(key)).toBe(true) // its delivered row in flag_schedule
    await store.transaction(async (tx) => {
      await tx.deleteProgramme('p-1')
      await tx.recordPurge('p-1', 'vc-norr', 'now')
    })
    expect(await store.finishPurges('later')).toBe(true)
    expect(await store.hasFlagDelivery(key)).toBe(false)

    expect(await occurrences(store.database, 'p-1', ['audit_log', 'purge_ledger'])).toEqual([])
    expect(await occurrences(store.database, PNR, ['audit_log'])).toEqual([])
    expect((await occurrences(store.database, 'p-1', [])).sort()).toEqual(['audit_log.programme_id', 'purge_ledger.programme_id'])
    expect((await store.getProgramme('p-2'))?.patient).toBe('191212121220')
  })
})
