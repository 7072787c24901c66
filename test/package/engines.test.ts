// `engines` is a promise to hosts: the oldest Node 22 it names is the one the package test runs
// the quick-start on (test/support/node22), so raising or lowering one without the other fails.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../support/node-versions.ts'

const json = async (file: string) => JSON.parse(await readFile(path.join(repoRoot, file), 'utf8'))

describe('the Node versions the package promises', () => {
  it('names as its oldest Node 22 exactly the Node 22 the package test runs on', async () => {
    const engines: string = (await json('package.json')).engines.node
    const floor22 = /\^(22\.\d+\.\d+)/.exec(engines)?.[1]
    expect(floor22).toBeDefined()
    expect((await json('test/support/node22/package.json')).dependencies.node).toBe(floor22)
  })

  it('admits the pinned Node 24', async () => {
    const pkg = await json('package.json')
    const floor24 = /(?:>=|\^)(24\.\d+\.\d+)/.exec(pkg.engines.node)?.[1]
    const pinned: string = pkg.devDependencies.node
    expect(floor24).toBeDefined()
    const [a, b] = [floor24!, pinned].map((v) => v.split('.').map(Number))
    expect(a![1]! < b![1]! || (a![1] === b![1] && a![2]! <= b![2]!)).toBe(true)
  })
})
