// The resolve phase pre-bundled for the command line (src/compiler/parse/resolver.ts): it
// resolves every file exactly as the sources do, and it is only used while every file it was
// made from is as it was.
import { readdirSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadContent } from '../../src/compiler/load/discover.ts'
import { currentBundle, freshBundle, resolvePlace, type BundlePlace } from '../../src/compiler/parse/resolver.ts'
import * as sources from '../../src/compiler/resolve/index.ts'
import { fixturesDir, materialise } from '../helpers/fixture.ts'

const temps: string[] = []
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

describe('the pre-bundled resolve phase', () => {
  it('resolves every fixture file exactly as the sources do', async () => {
    const bundle = await freshBundle(resolvePlace)
    expect(bundle).not.toBeNull()
    expect(currentBundle(resolvePlace)).toBe(bundle)
    const bundled = (await import(pathToFileURL(bundle!).href)) as typeof sources
    let files = 0
    for (const name of readdirSync(fixturesDir)) {
      const { dir, cleanup } = await materialise(name)
      try {
        const loaded = await loadContent(dir, 'content')
        for (const file of loaded.files) {
          expect(bundled.resolveFile(file)).toEqual(sources.resolveFile(file))
          files++
        }
      } finally {
        await cleanup()
      }
    }
    expect(files).toBeGreaterThan(200)
  }, 120_000)

  it('is used only while every input is as it was: a changed byte makes it stale, a touched file does not', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'plus-bundle-'))
    temps.push(root)
    const place: BundlePlace = { root, entry: path.join(root, 'entry.ts'), cacheDir: path.join(root, 'cache') }
    await writeFile(place.entry, "import { value } from './dep.ts'\nexport const where: string = import.meta.url\nexport { value }\n")
    const dep = path.join(root, 'dep.ts')
    await writeFile(dep, 'export const value = 1\n')
    const first = await freshBundle(place)
    expect(first).not.toBeNull()
    const one = await import(pathToFileURL(first!).href)
    // Each module keeps its own URL, not the bundle's.
    expect(one).toMatchObject({ value: 1, where: pathToFileURL(place.entry).href })
    expect(currentBundle(place)).toBe(first)

    // Touched, same bytes: still current.
    const later = new Date(Date.now() + 5000)
    await utimes(dep, later, later)
    expect(currentBundle(place)).toBe(first)

    // Same size and modification time, other bytes: stale (the change time and the bytes tell).
    const { mtime } = await stat(dep)
    await writeFile(dep, 'export const value = 2\n')
    await utimes(dep, mtime, mtime)
    expect(currentBundle(place)).toBeNull()
    const second = await freshBundle(place)
    expect(second).not.toBe(first)
    expect(await import(pathToFileURL(second!).href)).toMatchObject({ value: 2 })
    // The stale bundle is gone; one bundle and its manifest are left.
    expect(readdirSync(place.cacheDir).filter((n) => n.startsWith('bundle-'))).toEqual([path.basename(second!)])

    // While another process makes it (its lock is fresh), a stale bundle is not made again here.
    await writeFile(dep, 'export const value = 3\n')
    const lock = readdirSync(place.cacheDir).find((n) => n.startsWith('manifest-'))!.replace('manifest-', 'lock-').replace('.json', '')
    await writeFile(path.join(place.cacheDir, lock), '')
    expect(await freshBundle(place)).toBeNull()
    await rm(path.join(place.cacheDir, lock))
    expect(await import(pathToFileURL((await freshBundle(place))!).href)).toMatchObject({ value: 3 })

    // An input removed: stale.
    await rm(dep)
    expect(currentBundle(place)).toBeNull()
    expect(await readFile(place.entry, 'utf8')).toContain('dep.ts')
  })
})
