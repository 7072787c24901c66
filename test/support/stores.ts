// The stores the contract tests run on: SQLite in memory, and PostgreSQL on a fresh database of
// the run's shared cluster (skipped, with the reason, where PostgreSQL is not installed).
//   describe.each(STORES)('$name store', ({ unavailable, open }) => { … })
import { openSqliteStore } from '../../src/engine/store/sqlite.ts'
import type { EngineStore } from '../../src/engine/store/types.ts'
import { openTestPostgresStore } from './postgres-databases.ts'
import { postgresUnavailable } from './postgres.ts'

/** A store to run a suite on. */
export interface StoreFactory {
  name: 'sqlite' | 'postgres'
  /** Why this store cannot run here (pass to `skipIf`), or null. */
  unavailable: string | null
  /** A new, empty, migrated store; its close() also removes what was created for it. */
  open(): Promise<EngineStore>
}

export const STORES: readonly StoreFactory[] = [
  {
    name: 'sqlite',
    unavailable: null,
    // Awaited whether the SQLite store opens synchronously or not.
    open: async () => (await openSqliteStore({ path: ':memory:' })) as unknown as EngineStore,
  },
  {
    name: 'postgres',
    unavailable: postgresUnavailable(),
    open: () => openTestPostgresStore(),
  },
]
