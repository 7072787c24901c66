// No patient data leaves the PostgreSQL store in an error: PostgreSQL's DETAIL names the values of
// a violated key (`Key (unit_id, patient)=(vc-norr, 191212121212) already exists`).
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { evolveAll } from '../../../src/engine/evolve.ts'
import { OpenProgrammeExists, type EngineStore } from '../../../src/engine/store/types.ts'
import { PostgresStoreError, storeError } from '../../../src/engine/store/postgres.ts'
import { openTestPostgresStore } from '../../support/postgres-databases.ts'
import { postgresUnavailable } from '../../support/postgres.ts'
import { STARTED } from '../spec.ts'

const unavailable = postgresUnavailable()
/** Skatteverket's public test personnummer, the patient of STARTED. */
const PNR = '191212121212'

/** Every own property (enumerable or not), the message and the stack, as one string. */
function everything(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const own = Object.getOwnPropertyNames(error).map((name) => `${name}=${String((error as unknown as Record<string, unknown>)[name])}`)
  return [error.message, error.stack, ...own, error.cause === undefined ? '' : everything(error.cause)].join('\n')
}

const stores: EngineStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

async function open(): Promise<EngineStore & { database: { connection: pg.ClientConfig } }> {
  const store = await openTestPostgresStore()
  stores.push(store)
  await store.createUnit({ unitId: 'vc-norr', name: 'Norr' }, 'now')
  return store
}

describe.skipIf(unavailable)(unavailable ? `postgres store errors (skipped: ${unavailable})` : 'postgres store errors', () => {
  it('given the driver error of a unique violation on the patient index, then the store error keeps the code and constraint and drops the values', async () => {
    const store = await open()
    const state = evolveAll([STARTED])!
    await store.appendEvents('p-1', 0, [STARTED], state, [])
    // the raw driver error, from the same statement on a plain connection
    const client = new pg.Client(store.database.connection)
    await client.connect()
    const raw = await client
      .query("INSERT INTO programmes (programme_id, unit_id, patient, status, responsible_user_id, version, state, updated_at) VALUES ('p-2', 'vc-norr', $1, 'active', 'u-beh', 1, '{}', 'now')", [PNR])
      .catch((error: unknown) => error)
    await client.end()
    expect(everything(raw)).toContain(PNR) // what would leak: the DETAIL
    const safe = storeError(raw)
    expect(safe).toBeInstanceOf(PostgresStoreError)
    expect(safe).toMatchObject({ code: '23505', constraint: 'programmes_one_open_per_unit', table: 'programmes' })
    expect(everything(safe)).not.toContain(PNR)
    expect(everything(safe)).not.toContain('1912')
  })

  it('given a second open programme for the patient, then OpenProgrammeExists carries no personnummer', async () => {
    const store = await open()
    await store.appendEvents('p-1', 0, [STARTED], evolveAll([STARTED])!, [])
    const second = { ...STARTED, programmeId: 'p-2' }
    const error = await store.appendEvents('p-2', 0, [second], evolveAll([second])!, []).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenProgrammeExists)
    expect(everything(error)).not.toContain('1912')
  })

  it('given values the database refuses (check, foreign key, text as a number), then no value reaches the error', async () => {
    const store = await open()
    const refused = [
      // a check violation's DETAIL is the whole failing row
      await store.grantRole({ unitId: 'vc-norr', userId: PNR, role: 'nonsense' as never, grantedAt: PNR, grantedBy: PNR }).catch((e: unknown) => e),
      // a foreign key violation's DETAIL is the key
      await store.recordFlagDelivery({ programmeId: `p-${PNR}`, flagId: 'f', moduleId: '', occurrence: PNR }, 'now').catch((e: unknown) => e),
      // an invalid integer's message quotes the text
      await store.listProgrammePage({}, null, `${PNR}x` as never).catch((e: unknown) => e),
    ]
    expect(refused.map((e) => (e as PostgresStoreError).code)).toEqual(['23514', '23503', '22P02'])
    for (const error of refused) {
      expect(error).toBeInstanceOf(PostgresStoreError)
      expect(everything(error)).not.toContain(PNR)
    }
    expect((refused[1] as Error).message).toMatch(/foreign key violation \(constraint flag_schedule_programme_id_fkey, table flag_schedule\)/)
  })
})
