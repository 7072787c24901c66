#!/usr/bin/env -S node --max-semi-space-size=64
// The `plus` command from source, for this repository's npm scripts and tests; `npx plus` runs
// the same entry point through scripts/plus.js, the package's `bin`.
import module from 'node:module'

// See scripts/plus.js: reuse compiled code between starts.
module.enableCompileCache?.()
await import('../src/cli/bin.ts')
