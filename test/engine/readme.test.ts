// The quick-start of src/engine/README.md runs as written, against the engine's source.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { compiledBundle } from '../../bench/engine.ts'
import { openSqliteStore } from '../../src/engine/index.ts'
import { readmeBlock } from '../support/readme-block.ts'
import { notSqlite } from './harness.ts'

const dir = mkdtempSync(join(tmpdir(), 'plus-readme-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// The quick-start opens a SQLite file, as a host trying PLUS would.
describe.skipIf(notSqlite)('engine README (SQLite file)', () => {
  it('given the quick-start, when it runs twice in a fresh directory, then it starts a programme with Oro and a message, logged', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../../src/engine/README.md', import.meta.url)), 'utf8')
    const block = readmeBlock(readme, 'quick-start')
    const engineSource = fileURLToPath(new URL('../../src/engine/index.ts', import.meta.url))
    const rootSource = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
    writeFileSync(join(dir, 'quick-start.ts'), block.replace("from 'plus/engine'", `from '${engineSource}'`).replace("from 'plus'", `from '${rootSource}'`))
    mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true })
    writeFileSync(join(dir, 'dist', 'bundle', 'plus.json'), JSON.stringify(await compiledBundle()))

    // twice on one database: a host restarting must not create a second unit, programme or message
    execFileSync(process.execPath, ['quick-start.ts'], { cwd: dir, stdio: 'pipe' })
    execFileSync(process.execPath, ['quick-start.ts'], { cwd: dir, stdio: 'pipe' })

    const store = openSqliteStore({ path: join(dir, 'plus.db') })
    const programmes = await store.listProgrammes({})
    expect(programmes).toHaveLength(1)
    const [programme] = programmes
    expect(programme).toMatchObject({ unitId: 'vc-solna', responsibleUserId: 'hsa-anna', messages: [{ from: 'patient' }] })
    expect(Object.keys(programme?.modules ?? {})).toEqual(['oro'])
    expect((await store.listAudit({ programmeId: programme?.programmeId ?? '' })).map((e) => e.action)).toEqual(expect.arrayContaining(['start-programme', 'programme-tree', 'start-modules', 'send-message']))
    await store.close()
  })
})
