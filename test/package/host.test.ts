// The package as a host application gets it: `npm pack`, installed from the tarball into an
// empty folder (its dependencies from the npm cache or registry), then the engine README's
// quick-start, read from src/engine/README.md itself, run there with plain Node 22 and Node 24.
// A second host installs the tarball with `pg` and runs the README's PostgreSQL example against a
// throwaway cluster (test/support/postgres.ts); without PostgreSQL it is skipped with the reason.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertPinnedNodes, pinnedNodes, repoRoot } from '../support/node-versions.ts'
import { postgresUnavailable, startPostgres, type PostgresCluster } from '../support/postgres.ts'
import { readmeBlock } from '../support/readme-block.ts'
import { inDeliveryWindow } from '../../src/engine/flags.ts'

const node24 = pinnedNodes.find((node) => node.major === 24)!.path
let work = ''
let host = ''
let tarball = ''

/** Runs a command and fails the test with its output when it exits non-zero. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...hostEnv(), ...env } })
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`)
  }
  return result
}

/** The environment without the outer `npm test`'s package settings, so the host is its own project. */
function hostEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('npm_package_')) env[key] = value
  return { ...env, NO_UPDATE_NOTIFIER: '1', npm_config_fund: 'false', npm_config_audit: 'false' }
}

/** Installed packages: every folder in node_modules with a package.json, scoped and nested ones included. */
function installedPackages(modules: string): string[] {
  const found: string[] = []
  if (!existsSync(modules)) return found
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue
    const dirs = entry.startsWith('@') ? readdirSync(path.join(modules, entry)).map((name) => path.join(entry, name)) : [entry]
    for (const dir of dirs) {
      if (!existsSync(path.join(modules, dir, 'package.json'))) continue
      found.push(dir)
      found.push(...installedPackages(path.join(modules, dir, 'node_modules')))
    }
  }
  return found
}

function sizeOf(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    total += entry.isDirectory() ? sizeOf(file) : statSync(file).size
  }
  return total
}

beforeAll(async () => {
  assertPinnedNodes()
  work = await mkdtemp(path.join(os.tmpdir(), 'plus-host-'))
  host = path.join(work, 'host')
  // given the project packed as it would be published (prepack compiles dist/lib)
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], repoRoot).stdout) as { filename: string }[]
  tarball = path.join(work, packed[0]!.filename)
  // and an empty host application that installs the tarball
  await mkdir(host)
  await writeFile(path.join(host, 'package.json'), JSON.stringify({ name: 'plus-host', private: true, type: 'module' }, null, 2))
  run('npm', ['install', '--prefer-offline', tarball], host)
  // and a compiled bundle where the quick-start looks for it
  run(node24, ['scripts/plus.ts', 'build', 'content', '--out', path.join(host, 'dist', 'bundle')], repoRoot)
  // and the quick-start, exactly as the engine README shows it
  const readme = await readFile(path.join(repoRoot, 'src/engine/README.md'), 'utf8')
  await writeFile(path.join(host, 'quick-start.ts'), readmeBlock(readme, 'quick-start'))
}, 240_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

describe('the packed package in a host application', () => {
  it('holds the compiled library, the schemas, the bin and the READMEs, and no sources or tests', () => {
    const files = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], repoRoot).stdout
    const paths = (JSON.parse(files) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path)
    expect(paths).toContain('dist/lib/index.js')
    expect(paths).toContain('dist/lib/engine/index.d.ts')
    expect(paths).toContain('dist/lib/cli/bin.js')
    expect(paths).toContain('scripts/plus.js')
    expect(paths).toContain('schemas/bundle.schema.json')
    expect(paths).toContain('README.md')
    expect(paths).toContain('src/engine/README.md')
    expect(paths.filter((file) => !/^(dist\/lib|schemas)\/|^(README\.md|package\.json|scripts\/plus\.js|src\/engine\/README\.md)$/.test(file))).toEqual([])
  })

  it('installs only the runtime dependencies: fewer than 15 packages, none of the preview or test tools', () => {
    const packages = installedPackages(path.join(host, 'node_modules'))
    expect(packages).toContain('plus')
    expect(packages.length).toBeLessThan(15)
    for (const tool of ['astro', 'pagefind', 'playwright-core', 'vitest', 'fhir', 'fhirpath', 'typescript', 'remark-parse', 'unified']) {
      expect(packages).not.toContain(tool)
    }
    console.info(`host install: ${packages.length} packages, ${(sizeOf(path.join(host, 'node_modules')) / 1e6).toFixed(2)} MB (${packages.sort().join(', ')})`)
  })

  it.each(pinnedNodes)('runs the engine README quick-start on Node $major, twice on one database', async ({ major, path: node }) => {
    expect(execFileSync(node, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^v${major}\\.`))
    for (const file of ['plus.db', 'plus.db-wal', 'plus.db-shm']) await rm(path.join(host, file), { force: true })
    // when a host runs the quick-start on a new database, and again on the same one
    run(node, ['quick-start.ts'], host)
    run(node, ['quick-start.ts'], host)
    // then both runs succeed (run() throws on a non-zero exit), and the second found the unit and
    // the programme the first created instead of failing or starting another
    const db = new DatabaseSync(path.join(host, 'plus.db'), { readOnly: true })
    try {
      expect(db.prepare('SELECT count(*) AS n FROM programmes').get()).toEqual({ n: 1 })
      expect(db.prepare('SELECT count(*) AS n FROM units').get()).toEqual({ n: 1 })
    } finally {
      db.close()
    }
  })

  it('typechecks the quick-start against the declarations the package ships', async () => {
    const tsconfig = {
      compilerOptions: {
        target: 'es2024',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [path.join(repoRoot, 'node_modules/@types')],
      },
      files: ['quick-start.ts'],
    }
    await writeFile(path.join(host, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
    run(node24, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], host)
  })

  it('runs the packaged compiler once its peers are installed, and builds the same bundle as the repository', async () => {
    const installed = JSON.parse(await readFile(path.join(host, 'node_modules/plus/package.json'), 'utf8')) as { bin: { plus: string } }
    const bin = path.join(host, 'node_modules/plus', installed.bin.plus)
    const node22 = pinnedNodes.find((node) => node.major === 22)!.path
    const content = path.join(repoRoot, 'content')
    // given a host without the compiler's optional peers: the command says how to add them
    const refused = spawnSync(node22, [bin, 'check', content], { cwd: host, encoding: 'utf8', env: hostEnv() })
    expect(refused.status).toBe(2)
    const install = /^\s*npm install (.+)$/m.exec(refused.stderr)?.[1]?.split(' ') ?? []
    expect(install).toContainEqual(expect.stringMatching(/^remark-parse@/))
    // when the host runs that command
    run('npm', ['install', '--prefer-offline', ...install], host)
    // then the packaged command builds the content on Node 22, to the bundle the repository builds
    run(node22, [bin, 'build', content, '--out', path.join(work, 'host-built')], host)
    const manifest = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { contentHash: string }
    expect((await manifest(path.join(work, 'host-built'))).contentHash).toBe((await manifest(path.join(host, 'dist', 'bundle'))).contentHash)
  })
})

const noPostgres = postgresUnavailable()

describe.skipIf(noPostgres !== null)(`the packed package in a PostgreSQL host${noPostgres ? ` (skipped: ${noPostgres})` : ''}`, () => {
  let cluster: PostgresCluster | null = null
  let pgHost = ''

  beforeAll(async () => {
    cluster = await startPostgres()
    // given another empty host that installs the tarball and the driver (the version the
    // repository tests with, from the npm cache)
    pgHost = path.join(work, 'pg-host')
    await mkdir(pgHost)
    await writeFile(path.join(pgHost, 'package.json'), JSON.stringify({ name: 'plus-pg-host', private: true, type: 'module' }, null, 2))
    const driver = JSON.parse(await readFile(path.join(repoRoot, 'node_modules/pg/package.json'), 'utf8')) as { version: string }
    run('npm', ['install', '--prefer-offline', tarball, `pg@${driver.version}`], pgHost)
    // and the compiled bundle, and the README's PostgreSQL example exactly as it is written
    await cp(path.join(host, 'dist'), path.join(pgHost, 'dist'), { recursive: true })
    const readme = await readFile(path.join(repoRoot, 'src/engine/README.md'), 'utf8')
    await writeFile(path.join(pgHost, 'postgres-quick-start.ts'), readmeBlock(readme, 'postgres-quick-start'))
  }, 240_000)

  afterAll(async () => {
    await cluster?.stop()
  })

  it.each(pinnedNodes)('runs the engine README PostgreSQL example on Node $major, twice on one database', async ({ major, path: node }) => {
    const { connection } = cluster!
    const database = `host_node${major}`
    const admin = new pg.Client(connection)
    await admin.connect()
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${database}`)
      await admin.query(`CREATE DATABASE ${database}`)
    } finally {
      await admin.end()
    }
    const url = `postgresql://${connection.user}@/${database}?host=${encodeURIComponent(connection.host)}&port=${connection.port}`
    // when a host runs the example on a new database (the store migrates it), and again; the
    // example's clock is the real one, so whether the start flag may go out depends on the hour
    const windowBefore = inDeliveryWindow(new Date())
    run(node, ['postgres-quick-start.ts'], pgHost, { PLUS_DATABASE_URL: url })
    run(node, ['postgres-quick-start.ts'], pgHost, { PLUS_DATABASE_URL: url })
    const windowAfter = inDeliveryWindow(new Date())
    // then both runs succeed, and the second found the unit and the programme the first made
    const client = new pg.Client({ ...connection, database })
    await client.connect()
    try {
      const count = async (table: string) => Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)
      expect(await count('units')).toBe(1)
      expect(await count('programmes')).toBe(1)
      const delivered = await count('flag_schedule WHERE delivered_at IS NOT NULL')
      // whatever the hour: at most once, and each delivery with its outbox row
      expect(delivered).toBeLessThanOrEqual(1)
      expect(await count('outbox')).toBe(delivered)
      if (windowBefore && windowAfter) {
        // in the delivery window (08–20 Stockholm) the programme's start flag went out once
        expect(delivered).toBe(1)
      } else if (!windowBefore && !windowAfter) {
        // outside it nothing went out: the start flag waits on the schedule for the window
        expect(delivered).toBe(0)
        expect(await count("flag_schedule WHERE delivered_at IS NULL AND flag_id = 'moment-startat'")).toBe(1)
      }
    } finally {
      await client.end()
    }
  })
})
