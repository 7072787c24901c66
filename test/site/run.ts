// Runs a command from the project root and collects its output; used to build the site and to
// start the dev server from the tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The environment for a child command: the test runner's own variables removed. Astro notices
 * VITEST and NODE_ENV=test and then behaves as under test (its dev server answers 404).
 */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST') || key === 'NODE_ENV' || key === 'TEST') continue
    env[key] = value
  }
  return { ...env, ...extra }
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

/** Starts a long-running command; `output()` is everything it has printed so far. */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  // Its own process group, so stopping it also stops what npx started.
  const child = spawn(command, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.pid === undefined) return resolve()
      const group = -child.pid
      const force = setTimeout(() => {
        try {
          process.kill(group, 'SIGKILL')
        } catch {
          // already gone
        }
      }, 5_000)
      child.once('close', () => {
        clearTimeout(force)
        resolve()
      })
      try {
        process.kill(group, 'SIGTERM')
      } catch {
        clearTimeout(force)
        resolve()
      }
    })
  return { child, output: () => output, stop }
}
