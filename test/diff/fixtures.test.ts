// Each fixture case: the diff of its compiled before/after pair, as data and as Swedish and
// English text, compared with expected files. UPDATE_FIXTURES=1 rewrites them; review the diff.
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { diffBundles, formatDiff } from '../../src/diff/index.ts'
import { casePair, diffCases, diffFixturesDir } from './fixture.ts'

const update = process.env.UPDATE_FIXTURES === '1'

async function expectFile(file: string, actual: string) {
  if (update || !existsSync(file)) {
    if (!update) throw new Error(`${path.relative(process.cwd(), file)} is missing: run with UPDATE_FIXTURES=1 and review it`)
    await writeFile(file, actual)
    return
  }
  expect(actual).toBe(await readFile(file, 'utf8'))
}

describe('diff fixtures', () => {
  it.each(diffCases())('%s', async (name) => {
    const { before, after } = await casePair(name)
    const diff = diffBundles(before, after)
    const dir = path.join(diffFixturesDir, name)
    await expectFile(path.join(dir, 'expected-diff.json'), JSON.stringify(diff, null, 2) + '\n')
    await expectFile(path.join(dir, 'expected.sv.txt'), formatDiff(diff, 'sv'))
    await expectFile(path.join(dir, 'expected.en.txt'), formatDiff(diff, 'en'))
    // The diff is plain data: it survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(diff))).toEqual(diff)
  })
})
