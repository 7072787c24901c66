// Vitest configuration. It lives in test/ to keep the top level to the project's agreed
// folders; the npm scripts point at it with --config, and the root is the repository.
//
// Two projects:
// - `default`: every test, the store and engine tests on SQLite (in memory, or a file where
//   the test is about the file).
// - `engine-postgres`: the store and engine tests again, on PostgreSQL (a fresh database of the
//   run's cluster for each store a test opens; test/engine/harness.ts `openTestStore`). Tests
//   about SQLite itself skip there with "(SQLite file)" in their name; tests that touch no store
//   (decide, calendar, the pure core rooms) are left out. Without PostgreSQL installed, every
//   test of this project is skipped with the reason (test/support/engine-postgres-setup.ts).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** Engine tests that never open a store: run once, in the default project. */
const PURE_ENGINE_TESTS = [
  'test/engine/calendar.test.ts',
  'test/engine/decide.test.ts',
  'test/engine/core/decide-unit.test.ts',
  'test/engine/core/lifecycle.test.ts',
  'test/engine/core/timeline.test.ts',
]

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    // One PostgreSQL cluster per run, shared by both projects, started on the first test that
    // asks (postgres-global.ts). The root's globalSetup runs once per run, not per project.
    globalSetup: [fileURLToPath(new URL('support/postgres-global.ts', import.meta.url))],
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'engine-postgres',
          include: ['test/engine/**/*.test.ts'],
          // test/engine/postgres runs in the default project already (it is PostgreSQL-only).
          exclude: ['test/engine/postgres/**', ...PURE_ENGINE_TESTS],
          env: { PLUS_TEST_STORE: 'postgres' },
          setupFiles: [fileURLToPath(new URL('support/engine-postgres-setup.ts', import.meta.url))],
        },
      },
    ],
  },
})
