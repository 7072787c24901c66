#!/usr/bin/env node
// `npm run sandbox [-- --port N]`: starts PLUS Provkör (src/sandbox) until Ctrl+C.
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { DEFAULT_PORT, runSandbox } from '../src/sandbox/main.ts'

const { values } = parseArgs({ options: { port: { type: 'string' }, 'no-watch': { type: 'boolean' } } })
const port = Number(values.port ?? process.env.PLUS_SANDBOX_PORT ?? DEFAULT_PORT)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('Porten ska vara ett heltal mellan 0 och 65535.\n')
  process.exit(2)
}
const running = await runSandbox({
  root: fileURLToPath(new URL('..', import.meta.url)),
  port,
  watch: !values['no-watch'],
  out: (line) => process.stdout.write(`${line}\n`),
})
const stop = () => void running.stop().then(() => process.exit(0))
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
