// The plus/postgres entry: its public API, and the message a host gets when it uses the
// connection-string form without the optional peer `pg` installed. Needs no PostgreSQL.
import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.doUnmock('pg')
  vi.resetModules()
})

describe('plus/postgres', () => {
  it('should expose the public api', async () => {
    expect(Object.keys(await import('../../../src/postgres.ts')).sort()).toEqual([
      'MIGRATION_LOCK',
      'POSTGRES_GRANTS',
      'POSTGRES_MIGRATIONS',
      'PostgresStoreError',
      'openPostgresStore',
    ])
  })

  it('given no pg package, when opened with a connection string, then it says which npm install is missing', async () => {
    vi.resetModules()
    vi.doMock('pg', () => {
      throw Object.assign(new Error("Cannot find package 'pg' imported from /host/node_modules/plus/dist/lib/engine/store/postgres.js"), { code: 'ERR_MODULE_NOT_FOUND' })
    })
    const { openPostgresStore } = await import('../../../src/postgres.ts')
    await expect(openPostgresStore({ connectionString: 'postgresql://plus@/plus' })).rejects.toThrow(/needs the package "pg".*\n\s+npm install pg/)
  })

  it('loads neither the SQLite store nor pg when imported (pg only for the connection-string form)', async () => {
    const source = await readFile(new URL('../../../src/engine/store/postgres.ts', import.meta.url), 'utf8')
    const imports = [...source.matchAll(/^import (?!type ).*from '([^']+)'/gm)].map((m) => m[1])
    expect(imports.filter((specifier) => specifier === 'pg' || specifier!.includes('sqlite'))).toEqual([])
    expect(source).toContain("await import('pg')")
  })
})
