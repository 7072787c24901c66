// The persistent build cache (src/compiler/disk-cache.ts): a build answered from it is the same,
// byte for byte and diagnostic for diagnostic, as a build without it, whatever was edited in
// between; a damaged, truncated or foreign cache is ignored with a note and rebuilt.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, unlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { deserialize } from 'node:v8'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { compile, createCache, type CompileResult } from '../../src/compiler/index.ts'
import { OUTCOME_FILE, PACKS_DIR } from '../../src/compiler/disk-cache.ts'
import { main } from '../../src/cli/main.ts'
import { caseOptions, fixturesDir, materialise } from '../helpers/fixture.ts'

const temps: string[] = []
async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plus-cache-'))
  temps.push(dir)
  return dir
}
/** The files of one part of the cache: the outcome file, or every pack of per-file entries. */
async function cacheFiles(cacheDir: string, part: string): Promise<string[]> {
  if (part !== PACKS_DIR) return [path.join(cacheDir, part)]
  const dir = path.join(cacheDir, PACKS_DIR)
  return (await readdir(dir)).map((name) => path.join(dir, name))
}

/** Where a cache file's index starts: after the three header lines and the index's length and CRC-32. */
const indexStart = (bytes: Buffer) => bytes.indexOf(0x0a, bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1) + 1 + 8

/** Every blob of a pack, by its key (see disk-cache.ts for the layout). */
function packBlobs(bytes: Buffer): Map<string, Buffer> {
  const start = indexStart(bytes)
  const indexLength = bytes.readUInt32BE(start - 8)
  const index = deserialize(bytes.subarray(start, start + indexLength)) as { meta: string[]; lengths: number[] }
  const blobs = new Map<string, Buffer>()
  let at = start + indexLength
  index.lengths.forEach((length, i) => {
    blobs.set(index.meta[i]!, bytes.subarray(at, at + length))
    at += length
  })
  return blobs
}

afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

/** Everything a compile gives a caller: diagnostics and the bundle's bytes. */
function observable(result: CompileResult) {
  return {
    diagnostics: result.diagnostics,
    counts: result.counts,
    tree: result.tree,
    bundle: result.output?.bundle ?? null,
    manifest: result.output?.manifest ?? null,
    files: result.output ? [...result.output.files].map(([p, bytes]) => [p, Buffer.from(bytes).toString('base64')]) : null,
  }
}

// Donor texts for each content file, taken from every fixture that has one: valid files and
// files with every kind of mistake, so edits move the content between passing and failing.
const editable = ['programme.md', 'mod/module.md', 'mod/01-avsnitt.md', 'mod/02-extra.md']
const donors = new Map<string, string[]>(editable.map((rel) => [rel, []]))
for (const name of readdirSync(fixturesDir)) {
  for (const rel of editable) {
    const file = path.join(fixturesDir, name, 'content', rel)
    if (existsSync(file)) donors.get(rel === 'mod/02-extra.md' ? 'mod/01-avsnitt.md' : rel)!.push(readFileSync(file, 'utf8'))
  }
}
donors.set('mod/02-extra.md', donors.get('mod/01-avsnitt.md')!.map((text) => text.replaceAll('avsnitt', 'extra')))

const lines = ['Mer text här.', '', ':::tips', 'Ett “citat” i text.', '::::', '# Rubrik', '- punkt', 'id: annat', '---']

// Media files change what validation finds and what the bundle holds, without any Markdown change.
const mediaBodies: Array<string | null> = [
  null,
  'WEBVTT\n\n00:00.000 --> 00:02.000\nHej.\n',
  'WEBVTT\n\n00:00.000 --> 00:01.000\nEtt.\n\n00:01.000 --> 00:09.000\nTvå.\n',
  'inte webvtt',
  '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
]

type Edit =
  | { kind: 'replace'; rel: string; donor: number }
  | { kind: 'insert'; rel: string; at: number; line: number }
  | { kind: 'drop-line'; rel: string; at: number }
  | { kind: 'delete'; rel: string }
  | { kind: 'rewrite-same'; rel: string }
  | { kind: 'media'; rel: string; body: number }

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), rel: fc.constantFrom(...editable), donor: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), rel: fc.constantFrom(...editable), at: fc.nat(), line: fc.nat(lines.length - 1) }),
  fc.record({ kind: fc.constant('drop-line' as const), rel: fc.constantFrom(...editable), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), rel: fc.constantFrom('mod/02-extra.md', 'mod/01-avsnitt.md') }),
  fc.record({ kind: fc.constant('rewrite-same' as const), rel: fc.constantFrom(...editable) }),
  fc.record({ kind: fc.constant('media' as const), rel: fc.constantFrom('mod/media/film.vtt', 'mod/media/poster.svg'), body: fc.nat(mediaBodies.length - 1) }),
)

async function apply(dir: string, e: Edit): Promise<void> {
  const file = path.join(dir, e.rel)
  const current = existsSync(file) ? await readFile(file, 'utf8') : null
  let next: string | null
  switch (e.kind) {
    case 'replace': {
      const pool = donors.get(e.rel)!
      next = pool[e.donor % pool.length]!
      break
    }
    case 'insert': {
      const split = (current ?? '').split('\n')
      split.splice(e.at % (split.length + 1), 0, lines[e.line]!)
      next = split.join('\n')
      break
    }
    case 'drop-line': {
      if (current === null) return
      const split = current.split('\n')
      split.splice(e.at % split.length, 1)
      next = split.join('\n')
      break
    }
    case 'delete':
      next = null
      break
    case 'rewrite-same':
      next = current
      break
    case 'media':
      next = mediaBodies[e.body]!
      break
  }
  if (next === null) await unlink(file).catch(() => {})
  else {
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, next)
  }
}

describe('persistent build cache', () => {
  it('gives the same diagnostics and byte-identical bundles as an uncached build, over random sequences of edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), async (edits) => {
        const { dir, cleanup } = await materialise('ok-form-assessment')
        const cacheDir = await tempDir()
        try {
          // Warm the cache on the starting content, then compare after every edit.
          await compile({ contentDir: dir, persistentCache: cacheDir })
          for (const e of edits) {
            await apply(dir, e)
            const cached = await compile({ contentDir: dir, persistentCache: cacheDir })
            const fresh = await compile({ contentDir: dir })
            expect(observable(cached)).toEqual(observable(fresh))
            expect(cached.persistentCache!.note).toBeNull()
            // And answered from the outcome just stored (its bundle files partly references to
            // the packs' blobs): the same again.
            const answered = await compile({ contentDir: dir, persistentCache: cacheDir })
            expect(answered.persistentCache!.resolved).toBe(0)
            expect(observable(answered)).toEqual(observable(fresh))
          }
          // Unchanged content: every file comes from the cache and the result still matches.
          const again = await compile({ contentDir: dir, persistentCache: cacheDir })
          expect(again.persistentCache!.resolved).toBe(0)
          expect(observable(again)).toEqual(observable(await compile({ contentDir: dir })))
        } finally {
          await cleanup()
        }
      }),
      { numRuns: 25 },
    )
  })

  it('reuses every file of unchanged content and resolves only the edited one', async () => {
    const { dir, cleanup } = await materialise('ok-form-assessment')
    const cacheDir = await tempDir()
    try {
      const first = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(first.persistentCache).toEqual({ reused: 0, resolved: 3, note: null })
      const second = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(second.persistentCache).toEqual({ reused: 3, resolved: 0, note: null })
      await apply(dir, { kind: 'insert', rel: 'mod/01-avsnitt.md', at: 1000, line: 0 })
      const third = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(third.persistentCache).toEqual({ reused: 2, resolved: 1, note: null })
    } finally {
      await cleanup()
    }
  })

  it('writes only the entries of changed files, as a new pack beside the earlier ones, and compacts the packs before they pile up', async () => {
    const { dir, cleanup } = await materialise('ok-form-assessment')
    const cacheDir = await tempDir()
    const packs = async () => {
      const files = await cacheFiles(cacheDir, PACKS_DIR)
      return new Map(await Promise.all(files.map(async (f) => [path.basename(f), await readFile(f)] as const)))
    }
    try {
      // More files than the one edited, as in real content: the packs then mostly hold entries in use.
      const section = await readFile(path.join(dir, 'mod/01-avsnitt.md'), 'utf8')
      for (let n = 3; n <= 8; n++) await writeFile(path.join(dir, `mod/0${n}-extra.md`), section.replaceAll('avsnitt', `extra${n}`))
      await compile({ contentDir: dir, persistentCache: cacheDir })
      const first = await packs()
      expect(first.size).toBe(1)
      const [firstName, firstBytes] = [...first][0]!
      await apply(dir, { kind: 'insert', rel: 'mod/01-avsnitt.md', at: 1000, line: 0 })
      const edited = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(edited.persistentCache).toEqual({ reused: 8, resolved: 1, note: null })
      const second = await packs()
      // The first pack is as it was; the new one holds the one file resolved afresh.
      expect(second.size).toBe(2)
      expect(second.get(firstName)).toEqual(firstBytes)
      const added = [...second].find(([name]) => name !== firstName)![1]
      expect(added.byteLength).toBeLessThan(firstBytes.byteLength)
      // Many edits later the packs are compacted: few packs, and every result as without a cache.
      for (let i = 0; i < 12; i++) {
        await apply(dir, { kind: 'insert', rel: i % 2 ? 'mod/01-avsnitt.md' : 'mod/module.md', at: 1000, line: 0 })
        const cached = await compile({ contentDir: dir, persistentCache: cacheDir })
        expect(cached.persistentCache!.resolved).toBe(1)
        expect(observable(cached)).toEqual(observable(await compile({ contentDir: dir })))
        expect((await packs()).size).toBeLessThanOrEqual(8)
      }
      // The outcome stored after the last compaction refers to the compacted pack.
      const answered = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(answered.persistentCache).toEqual({ reused: 9, resolved: 0, note: null })
      expect(observable(answered)).toEqual(observable(await compile({ contentDir: dir })))
      await rm(path.join(cacheDir, OUTCOME_FILE))
      const again = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(again.persistentCache).toEqual({ reused: 9, resolved: 0, note: null })
    } finally {
      await cleanup()
    }
  })

  it('reads a section\'s steps only when they are asked for, and checks every blob it reads', async () => {
    const { dir, cleanup } = await materialise('ok-form-assessment')
    const cacheDir = await tempDir()
    try {
      const section = await readFile(path.join(dir, 'mod/01-avsnitt.md'), 'utf8')
      for (let n = 3; n <= 6; n++) await writeFile(path.join(dir, `mod/0${n}-extra.md`), section.replaceAll('avsnitt', `extra${n}`))
      await compile({ contentDir: dir, persistentCache: cacheDir })
      // Spoil every section's steps in the pack: the blobs after the hot ones (see disk-cache.ts).
      const [pack] = await cacheFiles(cacheDir, PACKS_DIR)
      const bytes = await readFile(pack!)
      const start = indexStart(bytes)
      const index = deserialize(bytes.subarray(start, start + bytes.readUInt32BE(start - 8))) as { meta: string[]; lengths: number[]; hot: number }
      let at = start + bytes.readUInt32BE(start - 8)
      const steps: number[] = []
      index.lengths.forEach((length, i) => {
        if (i >= index.hot) steps.push(at + Math.floor(length / 2))
        at += length
      })
      expect(steps.length).toBe(5)
      expect(index.meta.slice(index.hot).every((key) => key.startsWith('steps\n'))).toBe(true)
      for (const offset of steps) bytes[offset] = bytes[offset]! ^ 0xff
      await writeFile(pack!, bytes)
      // One section edited (the last: the closing-step rule reads its steps): the other sections'
      // steps are not read, so their damage is not met.
      await apply(dir, { kind: 'insert', rel: 'mod/06-extra.md', at: 1000, line: 0 })
      const edited = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(edited.persistentCache).toEqual({ reused: 6, resolved: 1, note: null })
      // Asked for, each damaged blob is found and not used: the steps are resolved again.
      expect(observable(edited)).toEqual(observable(await compile({ contentDir: dir })))
      expect(edited.persistentCache!.note).not.toBeNull()
    } finally {
      await cleanup()
    }
  })

  it('decodes the text of only the files it resolves afresh: the others are found by the digest of their bytes', async () => {
    const { dir, cleanup } = await materialise('ok-form-assessment')
    const cacheDir = await tempDir()
    const decode = vi.spyOn(TextDecoder.prototype, 'decode')
    try {
      const section = await readFile(path.join(dir, 'mod/01-avsnitt.md'), 'utf8')
      for (let n = 3; n <= 6; n++) await writeFile(path.join(dir, `mod/0${n}-extra.md`), section.replaceAll('avsnitt', `extra${n}`))
      await compile({ contentDir: dir, persistentCache: cacheDir })
      await apply(dir, { kind: 'insert', rel: 'mod/06-extra.md', at: 1000, line: 0 })
      decode.mockClear()
      const edited = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(edited.persistentCache).toEqual({ reused: 6, resolved: 1, note: null })
      expect(decode).toHaveBeenCalledTimes(1)
      expect(observable(edited)).toEqual(observable(await compile({ contentDir: dir })))
    } finally {
      decode.mockRestore()
      await cleanup()
    }
  })

  it('answers every fixture case from its stored entries exactly as an uncached compile', async () => {
    for (const name of readdirSync(fixturesDir).filter((n) => !n.startsWith('_'))) {
      const { dir, cleanup } = await materialise(name)
      const cacheDir = await tempDir()
      try {
        const options = { contentDir: dir, release: (await caseOptions(name)).release ?? false }
        const first = await compile({ ...options, persistentCache: cacheDir })
        // Without the outcome every rule runs again, on the entries and section summaries read back.
        await rm(path.join(cacheDir, OUTCOME_FILE), { force: true })
        const cached = await compile({ ...options, persistentCache: cacheDir })
        expect(cached.persistentCache!.resolved, name).toBe(0)
        expect(cached.persistentCache!.reused, name).toBe(first.persistentCache!.resolved)
        expect(observable(cached), name).toEqual(observable(await compile(options)))
      } finally {
        await cleanup()
      }
    }
  }, 120_000)

  it("keeps of a section's films what the rules need (a transcript's word count), not their transcripts", async () => {
    const { dir, cleanup } = await materialise('plus318-transcript-short')
    const cacheDir = await tempDir()
    try {
      await compile({ contentDir: dir, persistentCache: cacheDir })
      const [pack] = await cacheFiles(cacheDir, PACKS_DIR)
      const blobs = packBlobs(await readFile(pack!))
      const summaries = [...blobs].filter(([key]) => key.startsWith('summary\n'))
      expect(summaries).toHaveLength(1)
      const summary = deserialize(summaries[0]![1]) as { films: Array<Record<string, unknown>> }
      expect(summary.films).toHaveLength(1)
      expect(summary.films[0]).toMatchObject({ id: 'mod-film', durationSeconds: 12, transcriptWords: 1 })
      expect(summary.films[0]).not.toHaveProperty('transcript')
      expect(summaries[0]![1].includes('Hej.')).toBe(false)
      // The rule that counts the words (PLUS318) finds the same from the summary as from the film.
      await apply(dir, { kind: 'insert', rel: 'mod/module.md', at: 1000, line: 0 })
      const cached = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(cached.persistentCache).toEqual({ reused: 2, resolved: 1, note: null })
      expect(cached.diagnostics.map((d) => d.code)).toContain('PLUS318')
      expect(observable(cached)).toEqual(observable(await compile({ contentDir: dir })))
    } finally {
      await cleanup()
    }
  })

  it("stores plus.json in the outcome as references to the sections' JSON in the packs, not as a second copy", async () => {
    const { dir, cleanup } = await materialise('ok-film')
    const cacheDir = await tempDir()
    try {
      for (let n = 3; n <= 6; n++) {
        const text = `---\nid: mod-extra${n}\ntitle: Extra ${n}\n---\n\n::::step{#mod-extra${n}-steg title="Steg ${n}"}\nStress är kroppens sätt att göra dig redo, del ${n}.\n::::\n`
        await writeFile(path.join(dir, `mod/0${n}-extra.md`), text)
      }
      const first = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      const plusJson = Buffer.from(first.output!.files.get('plus.json')!)
      const [pack] = await cacheFiles(cacheDir, PACKS_DIR)
      const emitted = [...packBlobs(await readFile(pack!))].filter(([key]) => key.startsWith('emit\n')).map(([, bytes]) => bytes)
      expect(emitted).toHaveLength(5)
      const outcome = await readFile(path.join(cacheDir, OUTCOME_FILE))
      for (const json of emitted) {
        expect(plusJson.includes(json)).toBe(true)
        expect(outcome.includes(json)).toBe(false)
      }
      const sections = emitted.reduce((n, json) => n + json.byteLength, 0)
      // Every other file (media, schemas, the manifest) and the rest of plus.json is stored as it is.
      const all = [...first.output!.files.values()].reduce((n, bytes) => n + bytes.byteLength, 0)
      expect(outcome.byteLength).toBeGreaterThan(all - sections)
      expect(outcome.byteLength).toBeLessThan(all - sections + 4096)
      // Answered from the outcome: the same bundle, byte for byte.
      const answered = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(answered.persistentCache).toEqual({ reused: 7, resolved: 0, note: null })
      expect(observable(answered)).toEqual(observable(await compile({ contentDir: dir })))
      expect(Buffer.concat(answered.output!.pieces.get('plus.json')!)).toEqual(plusJson)
    } finally {
      await cleanup()
    }
  })

  it("does not use an outcome whose packs' blobs are gone (no note) or damaged (a note)", async () => {
    const { dir, cleanup } = await materialise('ok-film')
    const cacheDir = await tempDir()
    try {
      const fresh = observable(await compile({ contentDir: dir }))
      await compile({ contentDir: dir, persistentCache: cacheDir })
      // The packs removed (as when another process compacts them): a plain miss.
      for (const file of await cacheFiles(cacheDir, PACKS_DIR)) await rm(file)
      const gone = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(gone.persistentCache).toEqual({ reused: 0, resolved: 3, note: null })
      expect(observable(gone)).toEqual(fresh)
      // The section's JSON damaged in the pack: the outcome is a miss, noted; the entries are sound.
      const [pack] = await cacheFiles(cacheDir, PACKS_DIR)
      const bytes = await readFile(pack!)
      const json = [...packBlobs(bytes)].find(([key]) => key.startsWith('emit\n'))![1]
      const at = Math.floor(json.byteLength / 2)
      json[at] = json[at]! ^ 0xff
      await writeFile(pack!, bytes)
      const damaged = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(damaged.persistentCache).toMatchObject({ reused: 3, resolved: 0 })
      expect(damaged.persistentCache!.note).not.toBeNull()
      expect(observable(damaged)).toEqual(fresh)
      // Stored again, sound: answered from the outcome.
      const healed = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(healed.persistentCache).toEqual({ reused: 3, resolved: 0, note: null })
      expect(observable(healed)).toEqual(fresh)
    } finally {
      await cleanup()
    }
  })

  it('keeps on disk the files an in-memory (watch-mode) cache answered', async () => {
    const { dir, cleanup } = await materialise('ok-form-assessment')
    const cacheDir = await tempDir()
    try {
      const memory = createCache()
      await compile({ contentDir: dir, cache: memory })
      // Every file comes from memory; the one edited makes the outcome miss.
      await apply(dir, { kind: 'insert', rel: 'mod/01-avsnitt.md', at: 1000, line: 0 })
      await compile({ contentDir: dir, cache: memory, persistentCache: cacheDir })
      await rm(path.join(cacheDir, OUTCOME_FILE))
      const next = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(next.persistentCache).toEqual({ reused: 3, resolved: 0, note: null })
      expect(observable(next)).toEqual(observable(await compile({ contentDir: dir })))
    } finally {
      await cleanup()
    }
  })

  it('keys entries by the path shown in diagnostics as well as the text', async () => {
    const { dir, cleanup } = await materialise('plus201-unknown-directive')
    const cacheDir = await tempDir()
    try {
      const a = await compile({ contentDir: dir, displayDir: 'content', persistentCache: cacheDir })
      const b = await compile({ contentDir: dir, displayDir: 'annan', persistentCache: cacheDir })
      expect(a.diagnostics.map((d) => d.file)).toContain('content/mod/01-avsnitt.md')
      expect(b.diagnostics.map((d) => d.file)).toContain('annan/mod/01-avsnitt.md')
      expect(b.diagnostics).toEqual((await compile({ contentDir: dir, displayDir: 'annan' })).diagnostics)
    } finally {
      await cleanup()
    }
  })

  const flip = (bytes: Buffer, at: number) => {
    const copy = Buffer.from(bytes)
    copy[at] = copy[at]! ^ 0xff
    return copy
  }
  // [what, how, whether the whole file is unusable (else only the blob hit, found when it is read),
  //  whether the section's JSON in the pack, which the outcome refers to, is hit too]
  const damage: Array<[string, (bytes: Buffer) => Buffer, boolean, boolean]> = [
    ['truncated', (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2)), true, true],
    ['corrupt (one byte flipped in the index)', (bytes) => flip(bytes, indexStart(bytes) + 5), true, false],
    ['corrupt (one byte flipped in the last blob)', (bytes) => flip(bytes, bytes.length - 10), false, false],
    ['foreign (not a PLUS cache)', () => Buffer.from('{"some":"other tool"}'), true, true],
    ['empty', () => Buffer.alloc(0), true, true],
  ]
  for (const [what, spoil, whole, referenced] of damage) for (const names of [[PACKS_DIR], [OUTCOME_FILE], [PACKS_DIR, OUTCOME_FILE]]) {
    it(`ignores ${names.join(' and ')} when ${what}, with a note; builds the same bundle, and rebuilds the cache`, async () => {
      const { dir, cleanup } = await materialise('ok-film')
      const cacheDir = await tempDir()
      try {
        const fresh = await compile({ contentDir: dir })
        await compile({ contentDir: dir, persistentCache: cacheDir })
        for (const name of names) {
          for (const file of await cacheFiles(cacheDir, name)) await writeFile(file, spoil(await readFile(file)))
        }
        const spoilt = await compile({ contentDir: dir, persistentCache: cacheDir })
        expect(observable(spoilt)).toEqual(observable(fresh))
        if (names.includes(OUTCOME_FILE)) {
          // The outcome is the first file read, and all of it is checked: its damage is always noticed.
          expect(spoilt.persistentCache!.note).not.toBeNull()
          // A damaged blob of a pack (here the section's steps, the last blob) spoils only itself.
          expect(spoilt.persistentCache!.reused).toBe(names.includes(PACKS_DIR) && whole ? 0 : 3)
        } else if (referenced) {
          // The outcome refers to the section's JSON in the pack: damaged there, the outcome is a
          // miss, and the damaged pack is not used either.
          expect(spoilt.persistentCache).toMatchObject({ reused: 0, resolved: 3 })
          expect(spoilt.persistentCache!.note).not.toBeNull()
        } else {
          // A sound outcome (and the pack blobs it refers to) answers; the damaged per-file cache
          // is found when the result's tree is asked for, and is then not used.
          expect(spoilt.persistentCache!.reused).toBe(3)
        }
        // The tree was read above (observable): damage anywhere has been found by now.
        expect(spoilt.persistentCache!.note).not.toBeNull()
        // Edit a file so the per-file cache is read: it must be sound again, or ignored and rebuilt.
        await apply(dir, { kind: 'insert', rel: 'mod/01-avsnitt.md', at: 1000, line: 0 })
        const edited = await compile({ contentDir: dir, persistentCache: cacheDir })
        expect(observable(edited)).toEqual(observable(await compile({ contentDir: dir })))
        await apply(dir, { kind: 'insert', rel: 'mod/module.md', at: 1000, line: 0 })
        const healed = await compile({ contentDir: dir, persistentCache: cacheDir })
        expect(healed.persistentCache).toEqual({ reused: 2, resolved: 1, note: null })
      } finally {
        await cleanup()
      }
    })
  }

  it('does not use entries written by another compiler or for other schemas (another fingerprint)', async () => {
    const { dir, cleanup } = await materialise('ok-film')
    const cacheDir = await tempDir()
    try {
      await compile({ contentDir: dir, persistentCache: cacheDir })
      for (const name of [PACKS_DIR, OUTCOME_FILE]) {
        for (const file of await cacheFiles(cacheDir, name)) {
          // The same contents under another compiler's fingerprint (the second line of the header).
          const bytes = await readFile(file)
          const start = bytes.indexOf(0x0a) + 1
          const fingerprint = bytes.subarray(start, bytes.indexOf(0x0a, start))
          expect(fingerprint.toString('latin1')).toMatch(/^[0-9a-f]{64}$/)
          fingerprint.write('0'.repeat(64), 'latin1')
          await writeFile(file, bytes)
        }
      }
      const foreign = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(foreign.persistentCache).toEqual({ reused: 0, resolved: 3, note: null })
      const again = await compile({ contentDir: dir, persistentCache: cacheDir })
      expect(again.persistentCache!.reused).toBe(3)
      expect(observable(again)).toEqual(observable(await compile({ contentDir: dir })))
    } finally {
      await cleanup()
    }
  })

  it('plus check prints the note for a damaged cache; --no-cache neither reads nor writes the cache', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    try {
      const cwd = path.dirname(dir)
      const cacheFile = path.join(cwd, 'node_modules/.cache/plus', OUTCOME_FILE)
      const run = async (...args: string[]) => {
        let err = ''
        const code = await main(args, { out: () => {}, err: (t) => (err += t), env: { LANG: 'en_US.UTF-8' }, cwd })
        return { code, err }
      }
      expect((await run('check', '--no-cache')).code).toBe(0)
      expect(existsSync(cacheFile)).toBe(false)
      expect((await run('check')).code).toBe(0)
      expect(existsSync(cacheFile)).toBe(true)
      await writeFile(cacheFile, 'garbage')
      const noted = await run('check')
      expect(noted.code).toBe(0)
      expect(noted.err).toMatch(/^plus: .*cache/)
      const quiet = await run('check', '--no-cache')
      expect(quiet.err).not.toMatch(/cache/)
      expect((await run('check')).err).not.toMatch(/cache/)
    } finally {
      await cleanup()
    }
  })
})
