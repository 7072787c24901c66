// plus.json is emitted, hashed and written in pieces (src/compiler/emit/piece-hash.ts,
// emit/write.ts), and in watch mode its hash resumes from states kept at piece boundaries. The
// manifest must still carry the SHA-256 of the whole file as written, and the bytes must be those
// of a fresh build, after any sequence of edits.
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { writeCorpus } from '../../bench/corpus.ts'
import { build, compile, createCache } from '../../src/compiler/index.ts'
import { digestPieces, type PieceHashMemo } from '../../src/compiler/emit/piece-hash.ts'
import { writeBundleDir } from '../../src/compiler/emit/write.ts'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

const temps: string[] = []
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

describe('the SHA-256 of a file in pieces', () => {
  it('is the SHA-256 of the joined bytes after any sequence of edits, wherever states are kept', () => {
    const bytes = fc.uint8Array({ maxLength: 40 })
    // An edit of the piece list: a piece replaced (by other bytes, or by the same bytes in a new
    // array), inserted or removed, or nothing changed.
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), bytes }),
      fc.record({ kind: fc.constant('copy' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.constant({ kind: 'none' as const }),
    )
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 30 }), fc.array(edit, { maxLength: 12 }), fc.nat(120), (start, edits, every) => {
        let pieces: Uint8Array[] = start
        let memo: PieceHashMemo | null = null
        const check = () => {
          const digest = digestPieces(pieces, memo, every)
          expect(digest.hex).toBe(sha256(Buffer.concat(pieces)))
          memo = digest.memo
        }
        check()
        for (const e of edits) {
          pieces = [...pieces]
          const at = pieces.length ? ('at' in e ? e.at % pieces.length : 0) : 0
          if (e.kind === 'replace' && pieces.length) pieces[at] = e.bytes
          else if (e.kind === 'copy' && pieces.length) pieces[at] = Uint8Array.from(pieces[at]!)
          else if (e.kind === 'insert') pieces.splice(at, 0, e.bytes)
          else if (e.kind === 'remove') pieces.splice(at, 1)
          check()
        }
      }),
      { numRuns: 400, seed: 20261206 },
    )
  })
})

describe('plus.json in pieces', () => {
  it('is written whole from more pieces than one gathering write takes (IOV_MAX, 1024 on Linux)', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'plus-pieces-'))
    temps.push(root)
    const pieces = Array.from({ length: 5000 }, (_, i) => new TextEncoder().encode(`${i},`.repeat(1 + (i % 7))))
    const manifest = [new TextEncoder().encode('{}\n')]
    expect(await writeBundleDir(path.join(root, 'bundle'), new Map([['plus.json', pieces], ['manifest.json', manifest]]))).toBe('written')
    expect(Buffer.compare(await readFile(path.join(root, 'bundle', 'plus.json')), Buffer.concat(pieces))).toBe(0)
  })

  it('after random edits in watch mode: written as a fresh build writes it, with the manifest carrying its SHA-256', { timeout: 240_000 }, async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'plus-pieces-'))
    temps.push(root)
    const contentDir = path.join(root, 'content')
    // Large enough for plus.json to span many kept hash states (several hundred kilobytes).
    const sections = await writeCorpus(contentDir, 300)
    const originals = await Promise.all(sections.map((file) => readFile(file, 'utf8')))
    const cache = createCache()
    const outDir = path.join(root, 'bundle')
    const edits = fc.sample(fc.tuple(fc.nat(sections.length - 1), fc.nat(5), fc.boolean()), { numRuns: 9, seed: 20261206 })
    for (const [round, [file, steps, restore]] of [[-1, [0, 0, true]] as const, ...edits.map((e, i) => [i, e] as const)]) {
      // Changed step titles, longer or of the same length (only the bytes differ), or the original text back.
      const title = steps % 2 ? `title="Steg ${round}.${steps} ` : `title="Ste${'abcdefghij'[round + 1]} `
      const text = restore ? originals[file]! : originals[file]!.replaceAll('title="Steg ', title)
      await writeFile(sections[file]!, text)
      // The watcher drops the cached read of a saved file; here the edit is forgotten the same way.
      cache.sources.delete(sections[file]!)
      const watched = await build({ contentDir, outDir, cache })
      const fresh = await compile({ contentDir })
      expect(watched.diagnostics).toEqual(fresh.diagnostics)
      expect(watched.write).not.toBeNull()
      const written = await readFile(path.join(outDir, 'plus.json'))
      expect(Buffer.compare(written, Buffer.from(fresh.output!.files.get('plus.json')!))).toBe(0)
      expect(watched.output!.manifest).toEqual(fresh.output!.manifest)
      const listed = watched.output!.manifest.files.find((f) => f.path === 'plus.json')!
      expect(listed).toEqual({ path: 'plus.json', bytes: written.byteLength, sha256: sha256(written) })
      expect(await readFile(path.join(outDir, 'manifest.json'), 'utf8')).toBe(`${JSON.stringify(fresh.output!.manifest, null, 2)}\n`)
      // The joined view of the files is the same bytes as the pieces written.
      expect(Buffer.compare(Buffer.from(watched.output!.files.get('plus.json')!), written)).toBe(0)
    }
  })
})
