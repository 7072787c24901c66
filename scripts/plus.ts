#!/usr/bin/env -S node --max-semi-space-size=64
// The `plus` command from source, for this repository's npm scripts (`npm run plus -- …`); the
// package's `bin` is the same entry point compiled to dist/lib/cli/bin.js.
import '../src/cli/bin.ts'
