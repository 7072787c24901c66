// A ready engine for tests: two care units with one user per role, a store (SQLite in memory,
// or PostgreSQL in the `engine-postgres` project: see storeKind), a clock the test moves and
// predictable ids.
import type { PlusBundle } from '../../src/types/bundle.generated.ts'
import { createEngine, type Actor, type Engine, type EngineStore, openSqliteStore, type StoreOperations } from '../../src/engine/index.ts'
import { luhnCheckDigit } from '../../src/identity/personnummer.ts'
import { testBundle } from './bundle.ts'

/** Skatteverket's public test personnummer. */
export const PNR = '19121212-1212'
export const PNR12 = '191212121212'
/** Other test numbers from the 1912-12-12 series (Luhn checked). */
export const PNR_B = '19121212-1220'
export const PNR_C = '19121212-1238'

/** A clock the test moves. Starts on a Monday in April 2025 at 09:00 Stockholm time. */
export class TestClock {
  #now: Date
  constructor(iso = '2025-04-07T07:00:00.000Z') {
    this.#now = new Date(iso)
  }
  now = (): Date => new Date(this.#now)
  set(iso: string): void {
    this.#now = new Date(iso)
  }
  advanceHours(hours: number): void {
    this.#now = new Date(this.#now.getTime() + hours * 3_600_000)
  }
  advanceDays(days: number): void {
    this.advanceHours(days * 24)
  }
}

/**
 * A staff member's personnummer, as their SITHS identity carries it: a Skatteverket test number
 * of the 1990-01-01 series, the same for the same user id (never a patient's number in tests).
 */
export function staffPersonnummer(userId: string): string {
  let serial = 0
  for (const char of userId) serial = (serial * 31 + char.charCodeAt(0)) % 800
  const nine = `900101${String(100 + serial).padStart(3, '0')}`
  return `19900101-${nine.slice(6)}${luhnCheckDigit(nine)}`
}

export const staff = (userId: string, unitId = 'vc-norr', personnummer = staffPersonnummer(userId)): Actor => ({ kind: 'staff', userId, unitId, personnummer })
export const patient = (personnummer = PNR): Actor => ({ kind: 'patient', personnummer })

/** The people of the two units. */
export const ADMIN = staff('u-admin')
export const BEHANDLARE = staff('u-beh')
export const BEHANDLARE_2 = staff('u-beh2')
export const INVANARADMIN = staff('u-inv')
export const DATAADMIN = staff('u-data')
export const NOBODY = staff('u-nobody')
export const SODER_ADMIN = staff('u-admin-s', 'vc-soder')
export const SODER_BEHANDLARE = staff('u-beh-s', 'vc-soder')
export const SODER_INVANARADMIN = staff('u-inv-s', 'vc-soder')
export const SODER_DATAADMIN = staff('u-data-s', 'vc-soder')

/**
 * The store the engine tests run on: `sqlite` (in memory) in the default project, `postgres` (a
 * fresh database of the run's cluster) in the `engine-postgres` project, which sets
 * PLUS_TEST_STORE (test/vitest.config.ts).
 */
export const storeKind: 'sqlite' | 'postgres' = process.env.PLUS_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'

/**
 * For tests about SQLite itself (its files, pragmas, migrations of old files, the one-connection
 * queue): `describe.skipIf(notSqlite)('… (SQLite file)', …)`. They run in the default project.
 */
export const notSqlite = storeKind !== 'sqlite'

const opened = new Set<EngineStore>()

/**
 * A new, empty, migrated store of the kind this project tests. PostgreSQL stores are closed (and
 * their databases dropped) after each test by the project's setup (closeTestStores); closing one
 * earlier is fine, closing twice is harmless.
 */
export async function openTestStore(): Promise<EngineStore> {
  if (storeKind === 'sqlite') return openSqliteStore({ path: ':memory:' })
  // Loaded only here: child-process fixtures import this harness outside vitest.
  const { openTestPostgresStore } = await import('../support/postgres-databases.ts')
  const store = await openTestPostgresStore()
  opened.add(store)
  return store
}

/** Closes the stores openTestStore opened (the engine-postgres project's afterEach). */
export async function closeTestStores(): Promise<void> {
  const stores = [...opened]
  opened.clear()
  await Promise.all(stores.map((store) => store.close()))
}

export interface World {
  engine: Engine
  store: EngineStore
  clock: TestClock
  ids: () => string
}

export function sequentialIds(prefix = 'id'): () => string {
  let n = 0
  return () => `${prefix}-${String(++n).padStart(4, '0')}`
}

/** Opens an engine on a store: the given one, a SQLite file at `path`, or a new openTestStore(). */
export async function openWorld(options: { path?: string; bundle?: PlusBundle; clock?: TestClock; ids?: () => string; store?: EngineStore } = {}): Promise<World> {
  const clock = options.clock ?? new TestClock()
  const ids = options.ids ?? sequentialIds()
  const store = options.store ?? (options.path === undefined ? await openTestStore() : openSqliteStore({ path: options.path }))
  const engine = await createEngine({ store, bundle: options.bundle ?? testBundle(), clock: clock.now, newId: ids })
  return { engine, store, clock, ids }
}

/** A world with both units set up and every role granted. */
export async function world(options: Parameters<typeof openWorld>[0] = {}): Promise<World> {
  const w = await openWorld(options)
  const { engine } = w
  await engine.createUnit({ unitId: 'vc-norr', name: 'Vårdcentralen Norr' }, 'u-admin')
  await engine.createUnit({ unitId: 'vc-soder', name: 'Vårdcentralen Söder' }, 'u-admin-s')
  for (const [who, role] of [
    ['u-beh', 'behandlare'],
    ['u-beh2', 'behandlare'],
    ['u-inv', 'invanaradministrator'],
    ['u-data', 'dataadministrator'],
  ] as const) {
    await engine.execute(ADMIN, { type: 'grant-role', userId: who, role })
  }
  for (const [who, role] of [
    ['u-beh-s', 'behandlare'],
    ['u-inv-s', 'invanaradministrator'],
    ['u-data-s', 'dataadministrator'],
  ] as const) {
    await engine.execute(SODER_ADMIN, { type: 'grant-role', userId: who, role })
  }
  return w
}

/** Starts a programme for PNR with the Oro module, returning its id. */
export async function startWithOro(w: World, personnummer = PNR): Promise<string> {
  const started = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer })
  const programmeId = started.programmeId ?? ''
  await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId, modules: [{ moduleId: 'oro' }], expectedVersion: await versionOf(w, programmeId) })
  return programmeId
}

/** Runs fn (awaiting what it returns) and returns the refusal code it threw or rejected with, or fails. */
export async function refusedWith(fn: () => unknown): Promise<string> {
  try {
    await fn()
  } catch (error) {
    if (error && typeof error === 'object' && 'code' in error && (error as { name?: string }).name === 'EngineRefusal') {
      return String((error as { code: unknown }).code)
    }
    throw error
  }
  throw new Error('Expected a refusal, but the call succeeded')
}

/**
 * SQL that takes a database back from the current schema to version 8 (for tests of older
 * databases): the deliveries back in their own table flag_deliveries, the schedule with only its
 * undelivered keys and a due index over all of them.
 */
export const UNDO_MIGRATION_9 = `
  CREATE TABLE flag_deliveries (
    programme_id TEXT NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
    flag_id TEXT NOT NULL,
    module_id TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (programme_id, flag_id, module_id, occurrence)
  ) STRICT;
  INSERT INTO flag_deliveries SELECT programme_id, flag_id, module_id, occurrence, delivered_at FROM flag_schedule WHERE delivered_at IS NOT NULL;
  CREATE TABLE flag_schedule_old (
    programme_id TEXT NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
    flag_id TEXT NOT NULL,
    module_id TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    due_on TEXT NOT NULL,
    until TEXT,
    PRIMARY KEY (programme_id, flag_id, module_id, occurrence)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO flag_schedule_old SELECT programme_id, flag_id, module_id, occurrence, due_on, until FROM flag_schedule WHERE delivered_at IS NULL;
  DROP TABLE flag_schedule;
  ALTER TABLE flag_schedule_old RENAME TO flag_schedule;
  CREATE INDEX flag_schedule_by_due ON flag_schedule (due_on);
  PRAGMA user_version = 8;
`

/**
 * SQL that takes a database back from the current schema to version 5 (for tests of older
 * databases): migration 9 undone (UNDO_MIGRATION_9), the audit log back in the main file, one
 * open programme per patient, no purge ledger, idempotency or staff identity table (migration 7
 * runs again safely). Run on a plain connection (without the audit file attached).
 */
export const UNDO_MIGRATION_6 = `${UNDO_MIGRATION_9}
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'patient', 'system')),
    actor_id TEXT,
    unit_id TEXT,
    programme_id TEXT,
    action TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'write')),
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
    refusal_code TEXT,
    export_format TEXT CHECK (export_format IN ('json', 'csv')),
    row_count INTEGER CHECK (row_count >= 0)
  ) STRICT;
  CREATE INDEX audit_by_programme ON audit_log (programme_id);
  DROP INDEX programmes_one_open_per_unit;
  CREATE UNIQUE INDEX programmes_one_open_per_patient ON programmes (patient) WHERE status <> 'ended';
  DROP TABLE purge_ledger;
  DROP TABLE idempotency;
  DROP TABLE IF EXISTS staff_identities; -- migration 8
  PRAGMA user_version = 5;
`

/** The programme's current version: what a client whose screen is up to date sends as expectedVersion. */
export async function versionOf(w: { store: EngineStore }, programmeId: string): Promise<number> {
  return (await w.store.getProgramme(programmeId))?.version ?? 0
}

/**
 * The store (or a transaction) with some operations replaced, inside its transactions and
 * savepoints too: the engine reads through the transaction it runs in, never the store itself.
 * `wrap` gets the operations being wrapped (the store's or the transaction's) to call through.
 */
export function intercept<S extends StoreOperations>(ops: S, wrap: (ops: StoreOperations) => Partial<StoreOperations>): S {
  return {
    ...ops,
    ...wrap(ops),
    transaction: <T>(fn: (tx: StoreOperations) => Promise<T>): Promise<T> => ops.transaction((tx) => fn(intercept(tx, wrap))),
  }
}
