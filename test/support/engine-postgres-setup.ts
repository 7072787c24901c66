// Setup of the `engine-postgres` project (test/vitest.config.ts): the store and engine tests on
// PostgreSQL. Every store a test opened through the harness is closed (and its database dropped)
// after the test; without PostgreSQL installed, every test is skipped with the reason.
import { afterEach, beforeEach } from 'vitest'
import { closeTestStores } from '../engine/harness.ts'
import { postgresUnavailable } from './postgres.ts'

const unavailable = postgresUnavailable()

beforeEach((context) => {
  if (unavailable) context.skip(`engine-postgres: ${unavailable}`)
})

afterEach(closeTestStores)
