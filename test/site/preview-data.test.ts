// The preview's data after a save in the dev server: the bundle the content watcher has just
// written is handed to the pages in memory (site/lib/bundle.ts publishBundle) instead of being
// read, parsed and checked again. What the pages get must be exactly what is on disk: the handed
// objects equal the files' JSON, and a hand-over that no longer matches the files is ignored.
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { bundleKey, previewData, publishBundle } from '../../site/lib/bundle.ts'
import { build } from '../../src/compiler/index.ts'
import { materialise } from '../helpers/fixture.ts'

const repoContent = path.join(import.meta.dirname, '../../content')
const temps: string[] = []
const saved = process.env.PLUS_BUNDLE_DIR
afterEach(() => publishBundle(null))
afterAll(async () => {
  process.env.PLUS_BUNDLE_DIR = saved
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

async function built(contentDir: string) {
  const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'plus-preview-')), 'bundle')
  temps.push(path.dirname(out))
  const result = await build({ contentDir, outDir: out })
  if (!result.output) throw new Error(result.diagnostics.map((d) => d.code).join(', '))
  return { out, output: result.output }
}

describe('the bundle handed to the preview after a build', () => {
  it.each([
    ['the real programme', repoContent],
    ['a fixture with a film', 'ok-film'],
  ])('equals the JSON of the files written (%s)', async (_, source) => {
    const fixture = source === repoContent ? null : await materialise(source)
    try {
      const { output } = await built(fixture?.dir ?? source)
      const json = (name: string) => JSON.parse(Buffer.from(output.files.get(name)!).toString('utf8'))
      expect(isDeepStrictEqual(output.bundle, json('plus.json'))).toBe(true)
      expect(isDeepStrictEqual(output.manifest, json('manifest.json'))).toBe(true)
    } finally {
      await fixture?.cleanup()
    }
  }, 30_000)

  it('is what the pages get while the files are as written, and is ignored once they change', async () => {
    const { out, output } = await built(repoContent)
    process.env.PLUS_BUNDLE_DIR = out
    const { key } = await bundleKey(out)
    // A marked copy, so the test can tell which one the pages got.
    const marked = { ...output.bundle, programme: { ...output.bundle.programme, title: 'Överlämnat i minnet' } }
    publishBundle({ dir: out, key, bundle: marked, manifest: output.manifest })
    expect((await previewData()).bundle.programme.title).toBe('Överlämnat i minnet')

    // The files change behind the dev server's back: the hand-over no longer matches them.
    await writeFile(path.join(out, 'plus.json'), output.files.get('plus.json')!)
    const later = new Date(Date.now() + 5_000)
    await utimes(path.join(out, 'plus.json'), later, later)
    expect((await previewData()).bundle.programme.title).toBe(output.bundle.programme.title)

    // Handed over for another folder: not used either.
    const again = await bundleKey(out)
    publishBundle({ dir: path.join(out, 'annan'), key: again.key, bundle: marked, manifest: output.manifest })
    await utimes(path.join(out, 'plus.json'), new Date(Date.now() + 9_000), new Date(Date.now() + 9_000))
    expect((await previewData()).bundle.programme.title).toBe(output.bundle.programme.title)
  }, 30_000)
})
