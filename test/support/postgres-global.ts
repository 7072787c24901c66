// Vitest globalSetup: one throwaway PostgreSQL cluster per test run, started only when a test
// asks for it. The setup itself starts no server (runs without PostgreSQL tests pay for a
// listening socket only): it serves a tiny broker over HTTP on 127.0.0.1, and the first request
// starts the cluster and creates the template database `plus_template` with the store's
// migrations applied. Test workers ask the broker (test/support/postgres-databases.ts), then
// create a database of their own from the template for each store.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openPostgresStore } from '../../src/engine/store/postgres.ts'
import { startPostgres, type PostgresCluster, type PostgresConnection } from './postgres.ts'

/** What the broker answers: the cluster's connection and the template's name. */
export interface SharedCluster {
  connection: PostgresConnection
  url: string
  template: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The broker's address (`http://127.0.0.1:<port>/`), or an empty string without the globalSetup. */
    plusPostgresBroker: string
  }
}

export const TEMPLATE = 'plus_template'

/** Starts a cluster and creates the migrated template database in it. */
export async function startSharedCluster(): Promise<{ cluster: PostgresCluster; shared: SharedCluster }> {
  const cluster = await startPostgres()
  try {
    const admin = new pg.Client(cluster.connection)
    await admin.connect()
    try {
      await admin.query(`CREATE DATABASE ${TEMPLATE}`)
    } finally {
      await admin.end()
    }
    const pool = new pg.Pool({ ...cluster.connection, database: TEMPLATE, max: 1 })
    await (await openPostgresStore({ pool })).close()
    await pool.end() // the store never ends a pool it was given
    const again = new pg.Client(cluster.connection)
    await again.connect()
    try {
      // No connection may stay on a template while databases are created from it.
      await again.query(`ALTER DATABASE ${TEMPLATE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`)
      // A closed connection's server process may take a moment to leave: wait until none is left.
      while ((await again.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [TEMPLATE])).rows[0].n > 0) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    } finally {
      await again.end()
    }
    return { cluster, shared: { connection: cluster.connection, url: cluster.url, template: TEMPLATE } }
  } catch (error) {
    await cluster.stop()
    throw error
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let started: Promise<{ cluster: PostgresCluster; shared: SharedCluster }> | null = null
  const server = http.createServer((_request, response) => {
    started ??= startSharedCluster()
    started.then(
      ({ shared }) => response.end(JSON.stringify(shared)),
      (error: unknown) => {
        response.statusCode = 500
        response.end(error instanceof Error ? error.message : String(error))
      },
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  project.provide('plusPostgresBroker', `http://127.0.0.1:${port}/`)
  return async () => {
    server.close()
    const running = await started?.catch(() => null)
    await running?.cluster.stop()
  }
}
