// The fingerprint of this compiler: the hash of its own code files (src/compiler and src/bundle,
// or their compiled copies in the package), of the JSON Schemas, of its version and of the
// Node/V8 version that serialises the cache's entries. Every file of the persistent cache
// carries it, so a changed rule is never answered from an old cache.
//
// Reading and hashing the ~75 files anew costs a short command 10–20 ms of CPU. With a cache
// folder, each file's SHA-256 is kept there beside its stat stamp (size, mtime, ctime, inode),
// the way Git keeps its index and parse/resolver.ts its bundle's manifest: a file whose stamp
// is unchanged is not read again. This trusts file times for the compiler's own code only,
// never for content (content entries stay keyed by each file's SHA-256). A stamp is trusted
// only when the file's ctime lies well before the stamp was taken: a file changed within one
// tick of the clock around then could still have the stamp with other bytes, so it is hashed
// again (Git's "racily clean" files). The fingerprint is the same with or without the stamps:
// only how each file's hash is found differs.
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { schemasDir } from '../bundle/contract.ts'

/** The stamps' file inside the cache folder. */
export const STAMPS_FILE = 'compiler-stamps.json'
/** A file changed this close to when its stamp was taken is hashed again (see above). */
const RACY_MS = 2000
/** The stamps' format: another one is ignored and replaced. */
const STAMPS_VERSION = 1

/** A folder of code files that the fingerprint covers; names are hashed relative to `base`. */
export interface FingerprintSource {
  dir: string
  /** Names are hashed relative to this folder; null hashes the base name alone. */
  base: string | null
}

/** One file's stamp and SHA-256 (hex): [path, size, mtimeMs, ctimeMs, ino, sha256]. */
type Stamp = [string, number, number, number, number, string]

interface Stamps {
  version: number
  /** When the stamps were taken (ms since the epoch), before any file was looked at. */
  taken: number
  stamps: Stamp[]
  /** SHA-256 of the JSON of `taken` and `stamps`: a damaged file is ignored. */
  check: string
}

/** What a fingerprint computation did: its value, and how many files it read and hashed. */
export interface Fingerprint {
  value: string
  hashed: number
}

let memo: string | null = null

/**
 * The fingerprint of this compiler and its schemas; `cacheDir` (the persistent cache's folder)
 * keeps the files' stamps, so that unchanged files are not read again. Computed once per process.
 */
export function compilerFingerprint(cacheDir?: string): string {
  if (memo) return memo
  const here = path.dirname(fileURLToPath(import.meta.url))
  const sources: FingerprintSource[] = [
    { dir: here, base: here },
    { dir: path.join(here, '../bundle'), base: here },
    { dir: schemasDir, base: null },
  ]
  const pkg = findPackageJson(here)
  const version = pkg ? ((JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '') : null
  memo = fingerprintOf(sources, version, cacheDir === undefined ? null : path.join(cacheDir, STAMPS_FILE)).value
  return memo
}

/**
 * The fingerprint of the code files in `sources` (.ts, .js, .json), the version and the running
 * Node/V8; with `stampsFile`, each file's hash is taken from its stamp there when the stamp
 * still holds, and the stamps are written back when any file had to be hashed. `now` is the
 * clock (tests move it).
 */
export function fingerprintOf(sources: FingerprintSource[], version: string | null, stampsFile: string | null, now: () => number = Date.now): Fingerprint {
  const taken = now()
  const known = stampsFile ? readStamps(stampsFile) : null
  const byPath = new Map<string, Stamp>()
  for (const stamp of known?.stamps ?? []) byPath.set(stamp[0], stamp)
  const hash = createHash('sha256')
  hash.update(`node ${process.versions.node} v8 ${process.versions.v8}\n`)
  const stamps: Stamp[] = []
  let hashed = 0
  for (const source of sources) {
    for (const file of listFiles(source.dir)) {
      const info = statSync(file)
      const old = byPath.get(file)
      let sha: string
      if (
        known &&
        old &&
        old[1] === info.size &&
        old[2] === info.mtimeMs &&
        old[3] === info.ctimeMs &&
        old[4] === info.ino &&
        info.ctimeMs < known.taken - RACY_MS
      ) {
        sha = old[5]
      } else {
        sha = createHash('sha256').update(readFileSync(file)).digest('hex')
        hashed++
      }
      stamps.push([file, info.size, info.mtimeMs, info.ctimeMs, info.ino, sha])
      hash.update(`${source.base === null ? path.basename(file) : path.relative(source.base, file)}\n${sha}\n`)
    }
  }
  if (version !== null) hash.update(`version ${version}\n`)
  // Written when something was hashed (a changed file, or one changed too recently to trust),
  // or a file is gone: the next run then trusts what it can.
  if (stampsFile && (hashed > 0 || stamps.length !== byPath.size)) writeStamps(stampsFile, taken, stamps)
  return { value: hash.digest('hex'), hashed }
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|js|json)$/.test(e.name))
      .map((e) => path.join(e.parentPath, e.name))
      .sort()
  } catch {
    return []
  }
}

const checkOf = (taken: number, stamps: Stamp[]) => createHash('sha256').update(JSON.stringify([taken, stamps])).digest('hex')

/** The stamps kept in a file, or null when there are none or they cannot be trusted (damaged, another format). */
function readStamps(file: string): { taken: number; stamps: Stamp[] } | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Stamps
    if (value.version !== STAMPS_VERSION || typeof value.taken !== 'number' || !Array.isArray(value.stamps)) return null
    if (checkOf(value.taken, value.stamps) !== value.check) return null
    return { taken: value.taken, stamps: value.stamps }
  } catch {
    return null
  }
}

/** Writes the stamps atomically (a temporary file, then rename); a failure only costs time next run. */
function writeStamps(file: string, taken: number, stamps: Stamp[]): void {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    mkdirSync(path.dirname(file), { recursive: true })
    const value: Stamps = { version: STAMPS_VERSION, taken, stamps, check: checkOf(taken, stamps) }
    writeFileSync(temp, JSON.stringify(value))
    renameSync(temp, file)
  } catch {
    try {
      rmSync(temp, { force: true })
    } catch {
      // Nothing was left, or nothing can be done.
    }
  }
}

function findPackageJson(from: string): string | null {
  let dir = from
  for (;;) {
    const file = path.join(dir, 'package.json')
    try {
      statSync(file)
      return file
    } catch {
      const parent = path.dirname(dir)
      if (parent === dir) return null
      dir = parent
    }
  }
}
