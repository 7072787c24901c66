// The sandbox's content: built when missing, rebuilt on save, errors reported instead of a bundle.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type ContentBuild, loadOrBuildBundle, watchBundle } from '../../src/sandbox/content-source.ts'
import { ROOT } from '../site/run.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'plus-sandbox-content-'))
  await cp(path.join(ROOT, 'content'), path.join(dir, 'content'), { recursive: true })
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const waitFor = async (builds: ContentBuild[], n: number): Promise<ContentBuild> => {
  for (let i = 0; i < 200 && builds.length < n; i++) await new Promise((r) => setTimeout(r, 50))
  const build = builds[n - 1]
  if (!build) throw new Error(`no build ${n}`)
  return build
}

describe('the sandbox content source', () => {
  it('builds the bundle when there is none, then rebuilds on save and reports content errors', { timeout: 60_000 }, async () => {
    const paths = { contentDir: path.join(dir, 'content'), bundleDir: path.join(dir, 'bundle') }
    const first = await loadOrBuildBundle(paths)
    const builds: ContentBuild[] = []
    const watch = watchBundle(paths, (b) => builds.push(b))
    await watch.ready
    expect(builds).toEqual([])
    try {
      const programme = path.join(paths.contentDir, 'programme.md')
      const source = await readFile(programme, 'utf8')
      await writeFile(programme, source.replace(`version: ${first.programme.version}`, 'version: 9.9.9'))
      const rebuilt = await waitFor(builds, 1)
      expect(rebuilt.problems).toEqual([])
      expect(rebuilt.bundle?.programme.version).toBe('9.9.9')
      await writeFile(programme, source.replace(/^---\n/, '---\nokänt-fält: ja\n'))
      const broken = await waitFor(builds, 2)
      expect(broken.bundle).toBeNull()
      expect(broken.problems.length).toBeGreaterThan(0)
    } finally {
      watch.close()
    }
  })
})
