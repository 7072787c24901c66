// The persistent build cache: what each content file resolved to, kept on disk between
// processes, so a second `plus check` or `plus build` of unchanged content skips the Markdown
// parse, which is nearly all of a cold build's time.
//
// The cache is one file in a folder (by default `node_modules/.cache/plus/`, where tools keep
// caches that are safe to delete). It is never trusted blindly:
// - the whole file is keyed by a fingerprint of this compiler (its version, the hash of its own
//   code files, the Node/V8 version that serialised the entries) and of the JSON Schemas; a cache
//   written by another compiler or for other schemas is ignored as a whole;
// - each entry is keyed by a hash of everything its result depends on: the file's text, its
//   place in the content folder and the path shown in diagnostics;
// - the file carries a SHA-256 of its body: a truncated or corrupt file is ignored and rebuilt,
//   with a note, and so is a file that does not start with the cache's magic line.
// Entries are stored serialised one by one and decoded only when a file asks for them.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize, serialize } from 'node:v8'
import { schemasDir } from '../bundle/contract.ts'
import type { SourceFile } from './load/source-file.ts'
import type { ResolvedFile } from './resolve/index.ts'

/** The cache file's first bytes; a file without them is not ours. */
const MAGIC = 'PLUS-RESOLVE-CACHE 1\n'
/** The cache file's name inside the cache folder. */
export const CACHE_FILE = 'resolve.bin'

/** What happened to the persistent cache in one compile. */
export interface DiskCacheReport {
  /** Files whose resolved form came from the cache. */
  reused: number
  /** Files resolved afresh. */
  resolved: number
  /**
   * Why the cache on disk was not used, when there was one that could not be trusted
   * (corrupt, truncated, foreign); null otherwise. In both languages, for the command line.
   */
  note: { en: string; sv: string } | null
}

interface Stored {
  fingerprint: string
  /** Entry key → the serialised resolved file without its source (that is the key's input). */
  entries: Map<string, Uint8Array>
}

let fingerprintMemo: string | null = null

/**
 * The fingerprint of this compiler and its schemas: any change to the compiler's code, the
 * schemas or the serialiser makes every stored entry unusable.
 */
export function compilerFingerprint(): string {
  if (fingerprintMemo) return fingerprintMemo
  const hash = createHash('sha256')
  hash.update(`node ${process.versions.node} v8 ${process.versions.v8}\n`)
  const here = path.dirname(fileURLToPath(import.meta.url))
  // The compiler's own code (src/compiler and src/bundle in the repository, their compiled
  // copies in the package): a changed rule must never be answered from an old cache.
  for (const dir of [here, path.join(here, '../bundle')]) {
    for (const name of listFiles(dir)) {
      hash.update(`${path.relative(here, name)}\n`)
      hash.update(readFileSync(name))
    }
  }
  for (const name of listFiles(schemasDir)) {
    hash.update(`${path.basename(name)}\n`)
    hash.update(readFileSync(name))
  }
  const pkg = findPackageJson(here)
  if (pkg) hash.update(`version ${(JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? ''}\n`)
  fingerprintMemo = hash.digest('hex')
  return fingerprintMemo
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

function findPackageJson(from: string): string | null {
  let dir = from
  for (;;) {
    const file = path.join(dir, 'package.json')
    try {
      readFileSync(file)
      return file
    } catch {
      const parent = path.dirname(dir)
      if (parent === dir) return null
      dir = parent
    }
  }
}

/** The key of one file's entry: everything its resolved form depends on besides the compiler. */
export function entryKey(file: SourceFile): string {
  return createHash('sha256')
    .update(JSON.stringify([file.kind, file.rel, file.path, file.moduleDir]))
    .update('\n')
    .update(file.text)
    .digest('base64')
}

/** The persistent cache of one compile: read once, consulted per file, written back once. */
export class DiskCache {
  readonly dir: string
  private stored: Map<string, Uint8Array> = new Map()
  private next: Map<string, Uint8Array> = new Map()
  private changed = false
  readonly report: DiskCacheReport = { reused: 0, resolved: 0, note: null }

  private constructor(dir: string) {
    this.dir = dir
  }

  /** Opens the cache in `dir`; a missing cache is empty, an untrustworthy one is empty with a note. */
  static async open(dir: string): Promise<DiskCache> {
    const cache = new DiskCache(dir)
    const file = path.join(dir, CACHE_FILE)
    let bytes: Buffer
    try {
      bytes = await readFile(file)
    } catch {
      return cache
    }
    const read = decode(bytes)
    if ('problem' in read) {
      cache.report.note = read.problem
      cache.changed = true
    } else if (read.stored.fingerprint !== compilerFingerprint()) {
      // Another version of the compiler or other schemas: expected after an upgrade, no note.
      cache.changed = true
    } else cache.stored = read.stored.entries
    return cache
  }

  /** The cached resolved form of a file, or null. A damaged entry counts as a miss. */
  get(file: SourceFile, key: string): ResolvedFile | null {
    const bytes = this.stored.get(key)
    if (!bytes) return null
    try {
      const value = deserialize(bytes) as Omit<ResolvedFile, 'file'>
      this.next.set(key, bytes)
      this.report.reused++
      return { ...value, file } as ResolvedFile
    } catch {
      return null
    }
  }

  /** Records a freshly resolved file. */
  set(key: string, resolved: ResolvedFile): void {
    this.report.resolved++
    const { file: _file, ...rest } = resolved
    try {
      this.next.set(key, serialize(rest))
      this.changed = true
    } catch {
      // A value the serialiser cannot hold is simply not cached.
    }
  }

  /** Writes the entries used by this compile, when anything changed; atomically, by rename. */
  async save(): Promise<void> {
    if (!this.changed && this.next.size === this.stored.size) return
    const body = serialize({ fingerprint: compilerFingerprint(), entries: this.next } satisfies Stored)
    const digest = createHash('sha256').update(body).digest()
    const file = path.join(this.dir, CACHE_FILE)
    const temp = `${file}.tmp-${process.pid}`
    try {
      await mkdir(this.dir, { recursive: true })
      await writeFile(temp, Buffer.concat([Buffer.from(MAGIC), digest, body]))
      await rename(temp, file)
    } catch {
      // A cache that cannot be written only costs time next run.
      await rm(temp, { force: true }).catch(() => {})
    }
  }
}

function decode(bytes: Buffer): { stored: Stored } | { problem: { en: string; sv: string } } {
  const magic = Buffer.from(MAGIC)
  if (bytes.length < magic.length || !bytes.subarray(0, magic.length).equals(magic)) {
    return { problem: { en: 'the build cache is not a PLUS cache; rebuilding it', sv: 'byggcachen är inte en PLUS-cache; bygger om den' } }
  }
  const digest = bytes.subarray(magic.length, magic.length + 32)
  const body = bytes.subarray(magic.length + 32)
  if (digest.length < 32 || !createHash('sha256').update(body).digest().equals(digest)) {
    return { problem: { en: 'the build cache is damaged or incomplete; rebuilding it', sv: 'byggcachen är skadad eller ofullständig; bygger om den' } }
  }
  try {
    const value = deserialize(body) as Stored
    if (typeof value?.fingerprint !== 'string' || !(value.entries instanceof Map)) throw new Error('shape')
    return { stored: value }
  } catch {
    return { problem: { en: 'the build cache could not be read; rebuilding it', sv: 'byggcachen gick inte att läsa; bygger om den' } }
  }
}
