// The bundle on disk: schema-valid, deterministic, atomic, skipped when unchanged.
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir, symlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build, compile, createCache } from '../../src/compiler/index.ts'
import { loadBundle, loadManifest, parseBundle, BundleError } from '../../src/bundle/load.ts'
import { bundleProblems } from '../../src/bundle/contract.ts'
import { contentWith, materialise } from '../helpers/fixture.ts'

const temps: string[] = []
async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plus-out-'))
  temps.push(dir)
  return dir
}
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

describe('build output', () => {
  it('writes plus.json, its schema, a manifest and media; the bundle validates against its schema', async () => {
    const { dir, cleanup } = await materialise('ok-film')
    const out = path.join(await tempDir(), 'bundle')
    try {
      const result = await build({ contentDir: dir, outDir: out })
      expect(result.write).toBe('written')
      expect((await readdir(out)).sort()).toEqual(['bundle.schema.json', 'manifest.json', 'manifest.schema.json', 'media', 'plus.json'])
      const bundle = await loadBundle(out)
      expect(bundleProblems(bundle)).toEqual([])
      const manifest = await loadManifest(out)
      expect(manifest.programmeVersion).toBe('1.2.3')
      expect(manifest.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/)
      const film = bundle.programme.modules[0]!.sections[0]!.steps[0]!.blocks[1]!
      expect(film.type).toBe('film')
      if (film.type === 'film') {
        expect(await readFile(path.join(out, film.captions.file.path), 'utf8')).toContain('WEBVTT')
        expect(film.captions.cues).toBe(2)
        expect(film.video).toBeNull()
      }
    } finally {
      await cleanup()
    }
  })

  it('is deterministic: the same content gives byte-identical files', async () => {
    const a = await materialise('ok-form-assessment')
    const b = await materialise('ok-form-assessment')
    try {
      const [ra, rb] = await Promise.all([compile({ contentDir: a.dir }), compile({ contentDir: b.dir })])
      const files = (r: typeof ra) => [...r.output!.files].map(([p, bytes]) => [p, Buffer.from(bytes).toString('base64')])
      expect(files(ra)).toEqual(files(rb))
    } finally {
      await a.cleanup()
      await b.cleanup()
    }
  })

  it('serialises exactly the bundle it returns, also when reusing cached sections', async () => {
    const { dir, cleanup } = await materialise('ok-film')
    try {
      const cache = createCache()
      const first = await compile({ contentDir: dir, cache })
      const decode = (r: typeof first) => JSON.parse(Buffer.from(r.output!.files.get('plus.json')!).toString('utf8'))
      expect(decode(first)).toEqual(first.output!.bundle)
      await writeFile(path.join(dir, 'mod/02-mer.md'), '---\nid: mod-mer\ntitle: Mer\n---\n\n::::step{#mod-mer-steg title="Mer"}\nMer text.\n::::\n')
      const second = await compile({ contentDir: dir, cache })
      expect(decode(second)).toEqual(second.output!.bundle)
      expect(second.output!.bundle.programme.modules[0]!.sections.map((s) => s.id)).toEqual(['mod-avsnitt', 'mod-mer'])
      const fresh = await compile({ contentDir: dir })
      expect(Buffer.compare(Buffer.from(fresh.output!.files.get('plus.json')!), Buffer.from(second.output!.files.get('plus.json')!))).toBe(0)
    } finally {
      await cleanup()
    }
  })

  it('forgets deleted files between watch-mode builds', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    try {
      const cache = createCache()
      await writeFile(path.join(dir, 'mod/02-mer.md'), '---\nid: mod-mer\ntitle: Mer\n---\n\n::::step{#mod-mer-steg title="Mer"}\nMer text.\n::::\n')
      await compile({ contentDir: dir, cache })
      expect([...cache.files.keys()]).toContain('mod/02-mer.md')
      await rm(path.join(dir, 'mod/02-mer.md'))
      const after = await compile({ contentDir: dir, cache })
      expect([...cache.files.keys()]).not.toContain('mod/02-mer.md')
      expect([...cache.sources.keys()].some((k) => k.endsWith('02-mer.md'))).toBe(false)
      expect(after.output!.bundle.programme.modules[0]!.sections.map((s) => s.id)).toEqual(['mod-avsnitt'])
    } finally {
      await cleanup()
    }
  })

  it('skips writing when nothing changed', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    const out = path.join(await tempDir(), 'bundle')
    try {
      expect((await build({ contentDir: dir, outDir: out })).write).toBe('written')
      expect((await build({ contentDir: dir, outDir: out })).write).toBe('unchanged')
    } finally {
      await cleanup()
    }
  })

  it('leaves the previous bundle untouched when a build fails', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    const out = path.join(await tempDir(), 'bundle')
    try {
      await build({ contentDir: dir, outDir: out })
      const before = await readFile(path.join(out, 'plus.json'), 'utf8')
      await writeFile(path.join(dir, 'mod/01-avsnitt.md'), '---\nid: mod-avsnitt\ntitle: x\n---\n\n::::step{#mod-steg title="x"}\n<b>html</b>\n::::\n')
      const failed = await build({ contentDir: dir, outDir: out })
      expect(failed.write).toBeNull()
      expect(failed.diagnostics.map((d) => d.code)).toEqual(['PLUS204'])
      expect(await readFile(path.join(out, 'plus.json'), 'utf8')).toBe(before)
      expect((await readdir(path.dirname(out))).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([])
    } finally {
      await cleanup()
    }
  })

  it('reports PLUS401 and keeps nothing half-written when the output cannot be written', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    const parent = await tempDir()
    await writeFile(path.join(parent, 'blocker'), 'a file where a folder should be')
    try {
      const result = await build({ contentDir: dir, outDir: path.join(parent, 'blocker', 'bundle') })
      expect(result.diagnostics.map((d) => d.code)).toEqual(['PLUS401'])
      expect(result.write).toBeNull()
    } finally {
      await cleanup()
    }
  })

  it('reports PLUS101 for a content folder that does not exist', async () => {
    const result = await compile({ contentDir: path.join(os.tmpdir(), 'plus-no-such-folder') })
    expect(result.diagnostics.map((d) => d.code)).toEqual(['PLUS101'])
  })

  it('reports PLUS310 for a media symlink that leads outside the module folder', async () => {
    const { dir, cleanup } = await contentWith({
      'mod/01-avsnitt.md': '---\nid: mod-avsnitt\ntitle: A\n---\n\n::::step{#mod-steg title="x"}\n::image{src="media/ut.svg" alt="x"}\n::::\n',
    })
    try {
      await mkdir(path.join(dir, 'mod/media'), { recursive: true })
      await symlink(path.join(dir, 'programme.md'), path.join(dir, 'mod/media/ut.svg'))
      const result = await compile({ contentDir: dir })
      expect(result.diagnostics.map((d) => d.code)).toEqual(['PLUS310'])
    } finally {
      await cleanup()
    }
  })

  it('throws for misuse of the API', async () => {
    await expect(compile({} as never)).rejects.toThrow(TypeError)
    await expect(build({ contentDir: 'content' } as never)).rejects.toThrow(TypeError)
  })
})

describe('loadBundle', () => {
  it('refuses a bundle that does not match the schema, naming the field', () => {
    expect(() => parseBundle({ type: 'plus-bundle', schemaVersion: '1.0.0', programme: { type: 'programme' } })).toThrow(BundleError)
    try {
      parseBundle({ type: 'plus-bundle', schemaVersion: '1.0.0', programme: { type: 'programme' } })
    } catch (error) {
      expect((error as BundleError).problems.join('\n')).toContain('programme')
    }
  })

  it('refuses an unknown major version', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    try {
      const { output } = await compile({ contentDir: dir })
      const data = { ...output!.bundle, schemaVersion: '2.0.0' }
      expect(() => parseBundle(data)).toThrow(/not supported/)
    } finally {
      await cleanup()
    }
  })

  it('refuses a file that is not JSON', async () => {
    const file = path.join(await tempDir(), 'plus.json')
    await writeFile(file, '{ nope')
    await expect(loadBundle(file)).rejects.toThrow(BundleError)
  })
})

describe('media paths', () => {
  it('must be spelled exactly as on disk, letter case included', async () => {
    const { dir, cleanup } = await contentWith({
      'mod/01-avsnitt.md': '---\nid: mod-avsnitt\ntitle: A\n---\n\n::::step{#mod-steg title="x"}\n::image{src="media/Poster.svg" alt="x"}\n::::\n',
    })
    try {
      const result = await compile({ contentDir: dir })
      expect(result.diagnostics.map((d) => d.code)).toEqual(['PLUS302'])
    } finally {
      await cleanup()
    }
  })
})
