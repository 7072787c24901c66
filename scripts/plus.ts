#!/usr/bin/env -S node --max-semi-space-size=64
// The `plus` command's entry point: the only place that touches process.argv, the real
// streams and the exit code.
import { main } from '../src/cli/main.ts'

const code = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
})
process.exitCode = code
