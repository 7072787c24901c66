// Fixture cases: test/fixtures/<case>/ holds content that overlays the shared base, and the
// expected outcome — `expected-diagnostics.json` (codes and positions, never wording) or
// `expected-bundle.json` (the whole bundle). Set UPDATE_FIXTURES=1 to rewrite the expected
// files, then review the diff like code.
import { existsSync, readdirSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compile } from '../../src/compiler/index.ts'
import { caseOptions, fixturesDir, materialise } from '../helpers/fixture.ts'

const update = process.env.UPDATE_FIXTURES === '1'
const cases = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
  .map((e) => e.name)
  .sort()

async function expectFile(file: string, actual: unknown) {
  const text = JSON.stringify(actual, null, 2) + '\n'
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`${path.relative(process.cwd(), file)} is missing: run with UPDATE_FIXTURES=1 and review it`)
    await writeFile(file, text)
    return
  }
  expect(JSON.parse(text)).toEqual(JSON.parse(await readFile(file, 'utf8')))
}

describe('fixtures', () => {
  it.each(cases)('%s', async (name) => {
    const { dir, cleanup } = await materialise(name)
    try {
      const options = await caseOptions(name)
      const result = await compile({ contentDir: dir, release: options.release ?? false })
      const caseDir = path.join(fixturesDir, name)
      const diagnostics = result.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        file: path.relative(dir, d.file),
        line: d.line,
        column: d.column,
      }))
      const wantsBundle = existsSync(path.join(caseDir, 'expected-bundle.json')) || (update && name.startsWith('ok-'))
      if (wantsBundle) {
        expect(diagnostics).toEqual([])
        await expectFile(path.join(caseDir, 'expected-bundle.json'), result.output?.bundle)
      } else {
        expect(diagnostics.length, 'a diagnostic case reports something').toBeGreaterThan(0)
        await expectFile(path.join(caseDir, 'expected-diagnostics.json'), diagnostics)
      }
    } finally {
      await cleanup()
    }
  })
})
