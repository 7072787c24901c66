// Vitest configuration. It lives in test/ to keep the top level to the project's agreed
// folders; the npm scripts point at it with --config, and the root is the repository.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // One PostgreSQL cluster per run, started on the first test that asks (postgres-global.ts).
    globalSetup: [fileURLToPath(new URL('support/postgres-global.ts', import.meta.url))],
    testTimeout: 30_000,
  },
})
