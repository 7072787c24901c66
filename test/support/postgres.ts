// A throwaway PostgreSQL cluster for tests: `initdb` in a temporary folder, the server listening
// on a Unix socket in a private folder only (no TCP), stopped and removed afterwards. No test
// depends on a server someone started by hand.
//
// PostgreSQL refuses to run as root. When the tests run as root, the cluster is created and run
// as the unprivileged `postgres` user (Debian's package creates it), or `nobody` without it,
// through `setpriv`, which replaces itself with the server so the process we hold is the server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Debian's PostgreSQL server binaries; PLUS_POSTGRES_LIB points elsewhere (as the setup script's does). */
const postgresLib = process.env.PLUS_POSTGRES_LIB || '/usr/lib/postgresql'

/** The newest installed PostgreSQL server's bin folder, or null when none is installed. */
export function postgresBin(): string | null {
  if (!existsSync(postgresLib)) return null
  const versions = readdirSync(postgresLib)
    .filter((version) => ['initdb', 'postgres'].every((tool) => existsSync(path.join(postgresLib, version, 'bin', tool))))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
  return versions.length ? path.join(postgresLib, versions[0]!, 'bin') : null
}

/**
 * Why PostgreSQL tests cannot run here, or null when they can. Tests pass it to `skipIf` and show
 * it in their name, so a skipped run says what to install.
 */
export function postgresUnavailable(): string | null {
  if (postgresBin()) return null
  return `PostgreSQL is not installed (no ${postgresLib}/<version>/bin/initdb and postgres); run \`bash scripts/setup-system.sh\` as root, or apt-get install postgresql`
}

/** How to reach a running throwaway cluster, in the form `pg` takes (`new pg.Client(connection)`). */
export interface PostgresConnection {
  /** The socket folder: `pg` connects over a Unix socket when `host` is a path. */
  host: string
  port: number
  user: string
  database: string
}

/** A running throwaway cluster. */
export interface PostgresCluster {
  connection: PostgresConnection
  /** A connection string for tools that want one (`psql`, a second process). */
  url: string
  /** Stops the server (fast shutdown) and removes every file of the cluster. Safe to call twice. */
  stop(): Promise<void>
}

/** The user the server runs as: ourselves, or an unprivileged one when we are root. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' })
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' })
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as')
}

/** The command line that runs a PostgreSQL tool as the server's user. */
function asServerUser(user: { uid: number; gid: number } | null, tool: string, args: string[]): [string, string[]] {
  if (!user) return [tool, args]
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--inh-caps=-all', tool, ...args]]
}

/** How to start a throwaway cluster. */
export interface StartPostgresOptions {
  timeoutMs?: number
  /**
   * Durable settings (fsync, synchronous_commit and full_page_writes on, as a production server
   * runs), for benchmarks; tests leave them off, as nothing of the cluster outlives the run.
   */
  durable?: boolean
  /** The folder to make the cluster's own temporary folder in (default: the system's temporary folder). */
  parentDir?: string
}

/** Starts a throwaway cluster with one superuser and one database, both named `plus`. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBin()
  if (!bin) throw new Error(postgresUnavailable()!)
  const user = serverUser()
  // A fresh folder per cluster: the random name is the socket's folder too, so clusters started
  // at the same time never share a socket. 0700 and owned by the server's user: with `trust`
  // authentication, only that user (and root) can reach the socket.
  const base = mkdtempSync(path.join(options.parentDir ?? os.tmpdir(), 'plus-pg-'))
  const data = path.join(base, 'data')
  const socket = path.join(base, 'socket')
  mkdirSync(data, { mode: 0o700 })
  mkdirSync(socket, { mode: 0o700 })
  if (user) for (const dir of [base, data, socket]) chownSync(dir, user.uid, user.gid)
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' }

  const [initCommand, initArgs] = asServerUser(user, path.join(bin, 'initdb'), [
    '--pgdata', data, '--username', 'plus', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C', '--no-sync',
  ])
  const init = spawnSync(initCommand, initArgs, { cwd: base, encoding: 'utf8', env })
  if (init.status !== 0) {
    rmSync(base, { recursive: true, force: true })
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error?.message}`)
  }

  const port = 5432
  const [serverCommand, serverArgs] = asServerUser(user, path.join(bin, 'postgres'), [
    '-D', data,
    '-k', socket,
    '-p', String(port),
    // no TCP at all; durability is not wanted from a cluster that is deleted afterwards, unless
    // a benchmark asks for a server's real settings
    '-c', 'listen_addresses=',
    '-c', 'unix_socket_permissions=0700',
    '-c', `fsync=${options.durable ? 'on' : 'off'}`,
    '-c', `synchronous_commit=${options.durable ? 'on' : 'off'}`,
    '-c', `full_page_writes=${options.durable ? 'on' : 'off'}`,
    '-c', 'max_connections=50',
  ])
  const server = spawn(serverCommand, serverArgs, { cwd: base, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  server.stderr!.setEncoding('utf8')
  // If the test process ends without stop(), take the server down with it (immediate shutdown).
  const onExit = () => {
    server.kill('SIGQUIT')
    rmSync(base, { recursive: true, force: true })
  }
  process.once('exit', onExit)

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within ${options.timeoutMs ?? 30_000} ms:\n${log}`)), options.timeoutMs ?? 30_000)
      server.stderr!.on('data', (chunk: string) => {
        log += chunk
        if (log.includes('database system is ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      })
      server.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`PostgreSQL exited while starting (${code ?? signal}):\n${log}`))
      })
    })
    const [createCommand, createArgs] = asServerUser(user, path.join(bin, 'createdb'), ['-h', socket, '-p', String(port), '-U', 'plus', 'plus'])
    const created = existsSync(path.join(bin, 'createdb')) ? spawnSync(createCommand, createArgs, { encoding: 'utf8', env }) : null
    if (created && created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`)
    if (!created) throw new Error(`no createdb in ${bin}`)
  } catch (error) {
    await stopServer(server)
    process.removeListener('exit', onExit)
    rmSync(base, { recursive: true, force: true })
    throw error
  }

  let stopped: Promise<void> | null = null
  return {
    connection: { host: socket, port, user: 'plus', database: 'plus' },
    url: `postgresql://plus@/plus?host=${encodeURIComponent(socket)}&port=${port}`,
    stop() {
      stopped ??= (async () => {
        await stopServer(server)
        process.removeListener('exit', onExit)
        rmSync(base, { recursive: true, force: true })
      })()
      return stopped
    },
  }
}

/** Fast shutdown (SIGINT: disconnect clients, abort transactions), then wait for the exit. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  server.kill('SIGINT')
  const timer = setTimeout(() => server.kill('SIGQUIT'), 10_000)
  await exited
  clearTimeout(timer)
}
