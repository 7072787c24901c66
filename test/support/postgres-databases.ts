// Databases for PostgreSQL tests on the run's shared cluster (postgres-global.ts): a fresh one per
// store, copied from the migrated template (fast: no migrations run), dropped when the store closes.
// Without the globalSetup (another config), the worker starts a cluster of its own once.
import { inject } from 'vitest'
import pg from 'pg'
import { openPostgresStore } from '../../src/engine/store/postgres.ts'
import type { EngineStore } from '../../src/engine/store/types.ts'
import { startSharedCluster, type SharedCluster } from './postgres-global.ts'

let shared: Promise<SharedCluster> | null = null
let admin: Promise<pg.Client> | null = null
let count = 0

/** The run's cluster, from the globalSetup's broker (or started here once per worker). */
export function sharedCluster(): Promise<SharedCluster> {
  shared ??= (async () => {
    const broker = inject('plusPostgresBroker')
    if (!broker) {
      const { cluster, shared: mine } = await startSharedCluster()
      process.once('beforeExit', () => void cluster.stop())
      return mine
    }
    const response = await fetch(broker)
    if (!response.ok) throw new Error(`The PostgreSQL test cluster did not start: ${await response.text()}`)
    return (await response.json()) as SharedCluster
  })()
  return shared
}

/** One connection to the cluster's maintenance database, for CREATE and DROP DATABASE. */
async function adminClient(): Promise<pg.Client> {
  admin ??= (async () => {
    const { connection } = await sharedCluster()
    const client = new pg.Client(connection)
    await client.connect()
    return client
  })()
  return admin
}

/** A test database: where it is, and how to remove it. */
export interface TestDatabase {
  name: string
  /** For `new pg.Client(...)` / `new pg.Pool(...)`. */
  connection: pg.ClientConfig
  connectionString: string
  drop(): Promise<void>
}

/** A new database: a copy of the migrated template, or empty (`{ empty: true }`, for migration tests). */
export async function createDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const cluster = await sharedCluster()
  const client = await adminClient()
  const name = `t_${process.pid}_${++count}`
  await client.query(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? 'template0' : cluster.template}`)
  let dropped: Promise<void> | null = null
  return {
    name,
    connection: { ...cluster.connection, database: name },
    connectionString: `postgresql://${cluster.connection.user}@/${name}?host=${encodeURIComponent(cluster.connection.host)}&port=${cluster.connection.port}`,
    drop() {
      dropped ??= client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined)
      return dropped
    },
  }
}

/** A PostgreSQL store on a fresh database from the template; closing the store drops the database. */
export async function openTestPostgresStore(options: { max?: number } = {}): Promise<EngineStore & { database: TestDatabase }> {
  const database = await createDatabase()
  const store = await openPostgresStore({ connectionString: database.connectionString, max: options.max ?? 4 })
  const close = store.close.bind(store)
  let closed: Promise<void> | null = null
  return Object.assign(store, {
    database,
    // Once: the engine's close() and the test's cleanup may both close it.
    close() {
      closed ??= close().then(() => database.drop())
      return closed
    },
  })
}
