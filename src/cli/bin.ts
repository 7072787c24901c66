// The `plus` command's entry point, started by scripts/plus.js (the package's `bin`: this file
// compiled to dist/lib/cli/bin.js in the package, from source in this repository) and by
// scripts/plus.ts: the only place that touches process.argv, the real streams and the exit code.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The commands need the compiler's Markdown toolchain, which the package declares as optional
 * peer dependencies. When a host installed the package without them, say which command adds
 * them instead of printing a module-resolution stack trace. The commands' modules load lazily
 * (src/cli/main.ts), so this can happen when main is loaded or when a command runs.
 */
function reportMissingPeer(error: unknown): boolean {
  const missing = /Cannot find package '([^']+)'/.exec((error as Error)?.message ?? '')?.[1]
  if ((error as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND' || !missing) return false
  const peers = packagePeers()
  // pg is the PostgreSQL store's (plus/postgres), not the compiler's.
  const install = Object.entries(peers)
    .filter(([name]) => name !== 'pg')
    .map(([name, range]) => `${name}@${range}`)
    .join(' ')
  process.stderr.write(
    `plus: the compiler needs the package "${missing}", one of the optional peer dependencies of plus.\n` +
      (install ? `Install them next to plus:\n  npm install ${install}\n` : ''),
  )
  return true
}

async function loadMain(): Promise<typeof import('./main.ts')['main'] | null> {
  try {
    return (await import('./main.ts')).main
  } catch (error) {
    if (reportMissingPeer(error)) return null
    throw error
  }
}

/** The optional peer dependencies from the package's own package.json (found upwards). */
function packagePeers(): Record<string, string> {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = path.join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; peerDependencies?: Record<string, string> }
      if (pkg.name === 'plus') return pkg.peerDependencies ?? {}
    }
    const parent = path.dirname(dir)
    if (parent === dir) return {}
    dir = parent
  }
}

const main = await loadMain()
if (main === null) {
  process.exitCode = 2
} else {
  try {
    process.exitCode = await main(process.argv.slice(2), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      env: process.env,
      cwd: process.cwd(),
      bundledResolver: true,
    })
  } catch (error) {
    if (!reportMissingPeer(error)) throw error
    process.exitCode = 2
  }
}
