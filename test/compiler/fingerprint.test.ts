// The compiler's fingerprint (src/compiler/fingerprint.ts): the same with or without the stat
// stamps kept in the cache folder, and the stamps are trusted only while they hold and only for
// files last changed well before they were taken.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { compilerFingerprint, fingerprintOf, STAMPS_FILE, type FingerprintSource } from '../../src/compiler/fingerprint.ts'
import { schemasDir } from '../../src/bundle/contract.ts'

const temps: string[] = []
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

const temp = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plus-fingerprint-'))
  temps.push(dir)
  return dir
}

/** The clock a little later than the racy window: stamps taken then are trusted for files written now. */
const later = () => Date.now() + 10_000

describe("the compiler's fingerprint", () => {
  it('is the same with the stamps as without, for the compiler itself', async () => {
    const cache = await temp()
    const compiler = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/compiler')
    const sources: FingerprintSource[] = [
      { dir: compiler, base: compiler },
      { dir: path.join(compiler, '../bundle'), base: compiler },
      { dir: schemasDir, base: null },
    ]
    const version = (JSON.parse(readFileSync(path.join(compiler, '../../package.json'), 'utf8')) as { version: string }).version
    const plain = fingerprintOf(sources, version, null)
    expect(plain.hashed).toBeGreaterThan(50)
    const stamps = path.join(cache, STAMPS_FILE)
    expect(fingerprintOf(sources, version, stamps, later)).toEqual(plain)
    // The stamps hold: nothing is read again, and the value is the same.
    expect(fingerprintOf(sources, version, stamps)).toEqual({ value: plain.value, hashed: 0 })
    expect(compilerFingerprint(cache)).toBe(plain.value)
  })

  it('reads a file again when its stamp does not hold, or was taken too soon after it changed', async () => {
    const root = await temp()
    const code = path.join(root, 'code')
    const stamps = path.join(root, 'cache', STAMPS_FILE)
    const sources: FingerprintSource[] = [{ dir: code, base: code }]
    await mkdir(path.join(code, 'rules'), { recursive: true })
    const a = path.join(code, 'a.ts')
    const b = path.join(code, 'rules', 'b.ts')
    await writeFile(a, 'export const a = 1\n')
    await writeFile(b, 'export const b = 1\n')
    await writeFile(path.join(code, 'notes.md'), 'not code\n')
    // Whole seconds, so that a modification time can be put back exactly.
    const past = new Date('2026-01-01T00:00:00Z')
    await utimes(a, past, past)
    const fresh = () => fingerprintOf(sources, '1.0.0', null)

    // Stamps taken right after the files changed are not trusted: the files are read again.
    const first = fingerprintOf(sources, '1.0.0', stamps)
    expect(first).toEqual({ value: fresh().value, hashed: 2 })
    expect(fingerprintOf(sources, '1.0.0', stamps).hashed).toBe(2)
    // Taken well after: trusted.
    expect(fingerprintOf(sources, '1.0.0', stamps, later).hashed).toBe(2)
    expect(fingerprintOf(sources, '1.0.0', stamps)).toEqual({ value: first.value, hashed: 0 })
    // Another version is another compiler.
    expect(fingerprintOf(sources, '1.0.1', stamps).value).not.toBe(first.value)

    // Other bytes with the same size and modification time: the change time tells.
    await writeFile(a, 'export const a = 2\n')
    await utimes(a, past, past)
    expect((await stat(a)).mtimeMs).toBe(past.getTime())
    const changed = fingerprintOf(sources, '1.0.0', stamps, later)
    expect(changed).toEqual({ value: fresh().value, hashed: 1 })
    expect(changed.value).not.toBe(first.value)
    expect(fingerprintOf(sources, '1.0.0', stamps)).toEqual({ value: changed.value, hashed: 0 })

    // Touched, same bytes: read again, same value.
    const soon = new Date(Date.now() + 5000)
    await utimes(b, soon, soon)
    expect(fingerprintOf(sources, '1.0.0', stamps, later)).toEqual({ value: changed.value, hashed: 1 })

    // A file added, then removed: the value follows.
    const c = path.join(code, 'rules', 'c.ts')
    await writeFile(c, 'export const c = 1\n')
    const added = fingerprintOf(sources, '1.0.0', stamps, later)
    expect(added).toEqual({ value: fresh().value, hashed: 1 })
    expect(added.value).not.toBe(changed.value)
    await rm(c)
    expect(fingerprintOf(sources, '1.0.0', stamps, later)).toEqual({ value: changed.value, hashed: 0 })

    // A damaged stamps file (here: one file's hash changed) is not trusted: every file is read.
    const text = readFileSync(stamps, 'utf8')
    const sha = createHashOf('export const a = 2\n')
    expect(text).toContain(sha)
    writeFileSync(stamps, text.replace(sha, createHashOf('export const a = 1\n')))
    expect(fingerprintOf(sources, '1.0.0', stamps, later)).toEqual({ value: changed.value, hashed: 2 })
    writeFileSync(stamps, 'not json')
    expect(fingerprintOf(sources, '1.0.0', stamps, later)).toEqual({ value: changed.value, hashed: 2 })
    expect(fingerprintOf(sources, '1.0.0', stamps)).toEqual({ value: changed.value, hashed: 0 })
  })
})

/** The hash the stamps keep for a file: SHA-256 of its bytes, hex. */
const createHashOf = (text: string) => createHash('sha256').update(text).digest('hex')
