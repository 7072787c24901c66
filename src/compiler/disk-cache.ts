// The persistent build cache: what each content file resolved to, kept on disk between
// processes, so a second `plus check` or `plus build` of unchanged content skips the Markdown
// parse, which is nearly all of a cold build's time.
//
// Two files in a folder (by default `node_modules/.cache/plus/`, where tools keep caches that
// are safe to delete): resolve.bin holds each file's resolved form; outcome.bin holds the last
// compile's whole outcome (diagnostics and bundle files) under a key of all its inputs, so an
// unchanged content folder is answered without decoding a single file. Neither is trusted blindly:
// - the whole file is keyed by a fingerprint of this compiler (its version, the hash of its own
//   code files, the Node/V8 version that serialised the entries) and of the JSON Schemas; a cache
//   written by another compiler or for other schemas is ignored as a whole;
// - each entry is keyed by a hash of everything its result depends on: the file's text, its
//   place in the content folder and the path shown in diagnostics;
// - the outcome is keyed by every file's entry key, the load-phase findings, the options, the
//   content folder's README.md (the guide-list rule reads it), and is used only when every media
//   file it refers to still has the same state and SHA-256;
// - each file carries a SHA-256 of its body: a truncated or corrupt file is ignored and rebuilt,
//   with a note, and so is a file that does not start with the cache's magic line.
// Entries are stored serialised one by one and decoded only when a file asks for them.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize, serialize } from 'node:v8'
import { schemasDir } from '../bundle/contract.ts'
import type { Diagnostic } from './diagnostics/diagnostic.ts'
import type { MediaRef } from './ir.ts'
import { loadMedia, type MediaFileState } from './load/media.ts'
import type { SourceFile } from './load/source-file.ts'
import type { ResolvedFile } from './resolve/index.ts'

/** The cache file's first bytes; a file without them is not ours. */
const MAGIC = 'PLUS-BUILD-CACHE 1\n'
/** The per-file cache's name inside the cache folder. */
export const CACHE_FILE = 'resolve.bin'
/** The whole-outcome cache's name inside the cache folder. */
export const OUTCOME_FILE = 'outcome.bin'

/** A whole compile's outcome, as stored. */
export interface StoredOutcome {
  key: string
  /** The media references of the tree, to check their files again before trusting the rest. */
  mediaRefs: MediaRef[]
  /** Each media key with its state: `ok:<sha256>`, `missing` or `outside`. */
  media: Array<[string, string]>
  diagnostics: Diagnostic[]
  counts: { modules: number; steps: number }
  /** The bundle files, when the compile had no errors. */
  files: Array<[string, Uint8Array]> | null
}

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

/** The state of a media file as the outcome key records it. */
export function mediaStamp(state: MediaFileState): string {
  return state.status === 'ok' ? `ok:${state.sha256}` : state.status
}

/** The persistent cache of one compile: consulted per file, written back once. */
export class DiskCache {
  readonly dir: string
  private stored: Map<string, Uint8Array> = new Map()
  private next: Map<string, Uint8Array> = new Map()
  private changed = false
  private loaded = false
  readonly report: DiskCacheReport = { reused: 0, resolved: 0, note: null }

  constructor(dir: string) {
    this.dir = dir
  }

  private noteProblem(problem: { en: string; sv: string }): void {
    this.report.note ??= problem
  }

  /**
   * The stored outcome for this key, when there is one and every media file it used is as it
   * was; otherwise null. Counts every file as reused on a hit.
   */
  async outcome(key: string, contentDir: string, files: number): Promise<StoredOutcome | null> {
    const read = await readCacheFile(path.join(this.dir, OUTCOME_FILE))
    if (read === null) return null
    if ('problem' in read) {
      this.noteProblem(read.problem)
      return null
    }
    const value = read.value as StoredOutcome
    if (value.key !== key) return null
    const media = await loadMedia(contentDir, value.mediaRefs)
    const now = [...media].map(([k, state]) => [k, mediaStamp(state)])
    if (JSON.stringify(now) !== JSON.stringify(value.media)) return null
    this.report.reused = files
    return value
  }

  /** Stores a compile's outcome for the next run. */
  async saveOutcome(outcome: StoredOutcome): Promise<void> {
    await writeCacheFile(this.dir, OUTCOME_FILE, outcome)
  }

  /** Reads the per-file entries (once); a damaged or foreign file counts as empty. */
  async load(): Promise<void> {
    if (this.loaded) return
    this.loaded = true
    const read = await readCacheFile(path.join(this.dir, CACHE_FILE))
    if (read === null) return
    this.changed = true
    if ('problem' in read) this.noteProblem(read.problem)
    else if (read.value instanceof Map) {
      this.stored = read.value as Map<string, Uint8Array>
      this.changed = false
    }
  }

  /** The same, synchronously, for a result's tree asked for after an outcome hit. */
  loadSync(): void {
    if (this.loaded) return
    this.loaded = true
    let bytes: Buffer
    try {
      bytes = readFileSync(path.join(this.dir, CACHE_FILE))
    } catch {
      return
    }
    const read = decode(bytes)
    if ('value' in read && read.value instanceof Map) this.stored = read.value as Map<string, Uint8Array>
  }

  /** True when an entry is stored under this key (it may still turn out damaged when read). */
  has(key: string): boolean {
    return this.stored.has(key)
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

  /** Keeps the entry of a file resolved elsewhere (the in-memory cache of watch mode). */
  keep(key: string, resolved: ResolvedFile): void {
    const bytes = this.stored.get(key)
    if (bytes) this.next.set(key, bytes)
    else {
      this.set(key, resolved)
      this.report.resolved--
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

  /** Writes the entries used by this compile, when anything changed. */
  async save(): Promise<void> {
    if (!this.changed && this.next.size === this.stored.size) return
    await writeCacheFile(this.dir, CACHE_FILE, this.next)
  }
}

type Problem = { en: string; sv: string }

/** Reads one cache file: its value, a problem (not ours, damaged), or null (absent, or another compiler's). */
async function readCacheFile(file: string): Promise<{ value: unknown } | { problem: Problem } | null> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch {
    return null
  }
  const read = decode(bytes)
  // Another version of the compiler or other schemas: expected after an upgrade, no note.
  return 'foreign' in read ? null : read
}

/** Writes one cache file atomically (a temporary file, then rename); failures only cost time. */
async function writeCacheFile(dir: string, name: string, value: unknown): Promise<void> {
  const file = path.join(dir, name)
  const temp = `${file}.tmp-${process.pid}`
  try {
    const body = serialize({ fingerprint: compilerFingerprint(), value })
    const digest = createHash('sha256').update(body).digest()
    await mkdir(dir, { recursive: true })
    await writeFile(temp, Buffer.concat([Buffer.from(MAGIC), digest, body]))
    await rename(temp, file)
  } catch {
    await rm(temp, { force: true }).catch(() => {})
  }
}

function decode(bytes: Buffer): { value: unknown } | { problem: Problem } | { foreign: true } {
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
    const stored = deserialize(body) as { fingerprint: unknown; value: unknown }
    if (typeof stored?.fingerprint !== 'string') throw new Error('shape')
    return stored.fingerprint === compilerFingerprint() ? { value: stored.value } : { foreign: true }
  } catch {
    return { problem: { en: 'the build cache could not be read; rebuilding it', sv: 'byggcachen gick inte att läsa; bygger om den' } }
  }
}
