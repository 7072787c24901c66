// scripts/setup-system.sh, the setup step `npm test` and .ci/run share: a no-op when Chromium and
// the PostgreSQL server (and pdftotext) are there; for a user who cannot install them, an immediate stop with the
// exact command. (Installing as root is what .ci/run does on a fresh machine; not repeated here.)
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../support/node-versions.ts'

const script = path.join(repoRoot, 'scripts/setup-system.sh')
const fake = mkdtempSync(path.join(os.tmpdir(), 'plus-setup-'))
chmodSync(fake, 0o755)
afterAll(() => rmSync(fake, { recursive: true, force: true }))

/** An executable that does nothing, standing in for an installed binary. */
function installed(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 })
  writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 })
  return file
}

/** Runs the script as an unprivileged user (dropping root when the tests run as root). */
function setup(env: { chromium: string; postgresLib: string; pdftotext?: string }) {
  const command = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script] : ['bash', script]
  return spawnSync(command[0]!, command.slice(1), {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, PLUS_CHROMIUM: env.chromium, PLUS_POSTGRES_LIB: env.postgresLib, PLUS_PDFTOTEXT: env.pdftotext ?? pdftotext },
  })
}

/** A stand-in pdftotext, present unless a test says otherwise. */
const pdftotext = installed(path.join(fake, 'present/pdftotext'))

describe('the test setup step', () => {
  const chromium = installed(path.join(fake, 'present/chromium'))
  const postgresLib = path.join(fake, 'present/postgresql')
  installed(path.join(postgresLib, '15/bin/initdb'))
  installed(path.join(postgresLib, '15/bin/postgres'))
  const absent = { chromium: path.join(fake, 'absent/chromium'), postgresLib: path.join(fake, 'absent/postgresql'), pdftotext: path.join(fake, 'absent/pdftotext') }

  it('does nothing when Chromium and the PostgreSQL server are installed', () => {
    const result = setup({ chromium, postgresLib })
    expect(result.status).toBe(0)
    expect(result.stdout + result.stderr).toBe('')
  })

  it('stops a user who cannot install with the apt-get command for both packages', () => {
    const result = setup(absent)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/apt-get update && .*apt-get install -y --no-install-recommends chromium postgresql poppler-utils'/)
  })

  it('names only what is missing', () => {
    const onlyChromium = setup({ chromium: absent.chromium, postgresLib })
    expect(onlyChromium.status).toBe(1)
    expect(onlyChromium.stderr).toMatch(/--no-install-recommends chromium'/)
    const onlyPostgres = setup({ chromium, postgresLib: absent.postgresLib })
    expect(onlyPostgres.status).toBe(1)
    expect(onlyPostgres.stderr).toMatch(/--no-install-recommends postgresql'/)
  })

  it('names poppler-utils when pdftotext is missing', () => {
    const result = setup({ chromium, postgresLib, pdftotext: absent.pdftotext })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/--no-install-recommends poppler-utils'/)
  })

  it('does not count a PostgreSQL client without the server binaries', () => {
    const clientOnly = path.join(fake, 'client/postgresql')
    installed(path.join(clientOnly, '15/bin/psql'))
    installed(path.join(clientOnly, '15/bin/initdb'))
    expect(setup({ chromium, postgresLib: clientOnly }).status).toBe(1)
  })
})
