// The persistent build cache: what each content file resolved to, kept on disk between
// processes, so a second `plus check` or `plus build` of unchanged content skips the Markdown
// parse, which is nearly all of a cold build's time.
//
// A folder (by default `node_modules/.cache/plus/`, where tools keep caches that are safe to
// delete) holding:
// - packs/*.pack: each file's resolved form, by entry key, and beside a section's entry its
//   emitted JSON (keyed also by its module id and media hashes) and the section rules' findings
//   (which depend on the section alone). A compile writes one new pack with
//   only the entries it resolved afresh, so one changed file writes one small pack, not the whole
//   cache; when the packs hold much that is no longer used (or there are many), the entries in
//   use are written into one new pack and the packs read are removed. Packs are never changed
//   in place: two processes at once each add their own and remove only the ones they read.
// - outcome.bin: the last compile's whole outcome (diagnostics and bundle files) under a key of
//   all its inputs, so an unchanged content folder is answered without decoding a single file.
//   The key is in the file's header: a changed folder finds out it missed without reading, or
//   checking, the stored bundle.
// Nothing is trusted blindly:
// - every file starts with the cache's magic line, then the fingerprint of this compiler (its
//   version, the hash of its own code files, the Node/V8 version that serialised the entries)
//   and of the JSON Schemas; a file written by another compiler or for other schemas is ignored;
// - each entry is keyed by a hash of everything its result depends on: the file's text, its
//   place in the content folder and the path shown in diagnostics;
// - the outcome is keyed by every file's entry key, the load-phase findings, the options, the
//   content folder's README.md (the guide-list rule reads it), and is used only when every media
//   file it refers to still has the same state and SHA-256;
// - each file carries its length and a CRC-32 of its body: a truncated or corrupt file is
//   ignored and rebuilt, with a note, and so is a file that does not start with the magic line.
//   (CRC-32 finds damage, which is what can happen to a cache; the keys, which decide what an
//   entry stands for, are SHA-256.)
// Entries are stored serialised one by one and decoded only when a file asks for them.
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize, serialize } from 'node:v8'
import { crc32 } from 'node:zlib'
import { schemasDir } from '../bundle/contract.ts'
import type { Diagnostic } from './diagnostics/diagnostic.ts'
import type { IRSection, IRStep, MediaRef } from './ir.ts'
import { rememberSummary, summaryOf, type SectionSummary } from './section-summary.ts'
import { loadMedia, type MediaFileState } from './load/media.ts'
import type { SourceFile } from './load/source-file.ts'
import type { ResolvedFile } from './resolve/index.ts'

/** Every cache file's first bytes; a file without them is not ours. */
const MAGIC = 'PLUS-BUILD-CACHE 2\n'
/** The folder of per-file entry packs inside the cache folder. */
export const PACKS_DIR = 'packs'
/** The whole-outcome cache's name inside the cache folder. */
export const OUTCOME_FILE = 'outcome.bin'
/** Prefixes of the keys of what is stored beside a section's entry: its steps and its summary. */
const STEPS = 'steps\n'
const SUMMARY = 'summary\n'
/** Files of earlier cache formats, removed when the packs are compacted. */
const LEGACY_FILES = ['resolve.bin']
/**
 * The packs are compacted into one when there are more than this many, or when less than half
 * of what they hold was used by the compile (the rest is edits long gone).
 */
const MAX_PACKS = 8

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

/** The persistent cache of one compile: consulted per file; what was resolved afresh is written back once. */
export class DiskCache {
  readonly dir: string
  /** Entries of every pack read, by key. */
  private stored: Map<string, Uint8Array> = new Map()
  /** Entries this compile used or made, by key: what a compacted pack holds. */
  private next: Map<string, Uint8Array> = new Map()
  /** Entries resolved afresh by this compile: what a new pack holds. */
  private fresh: Map<string, Uint8Array> = new Map()
  /** The packs read (sound, damaged or foreign), and the bytes of the sound ones' entries. */
  private packsRead: string[] = []
  private storedBytes = 0
  /** A pack could not be used: the next save compacts, which removes it. */
  private spoilt = false
  private loaded = false
  readonly report: DiskCacheReport = { reused: 0, resolved: 0, note: null }

  constructor(dir: string) {
    this.dir = dir
  }

  private noteProblem(problem: Problem): void {
    this.report.note ??= problem
  }

  /**
   * The stored outcome for this key, when there is one and every media file it used is as it
   * was; otherwise null. Counts every file as reused on a hit.
   */
  async outcome(key: string, contentDir: string, files: number): Promise<StoredOutcome | null> {
    const read = readCacheFile(path.join(this.dir, OUTCOME_FILE), key)
    if (read === null || 'foreign' in read) return null
    if ('problem' in read) {
      this.noteProblem(read.problem)
      return null
    }
    const { meta, blobs } = read.value
    const stored = meta as Omit<StoredOutcome, 'files'> & { files: Array<[string, number]> | null }
    if (stored?.key !== key || (stored.files?.length ?? 0) !== blobs.length) return null
    const value: StoredOutcome = { ...stored, files: stored.files?.map(([name], i) => [name, blobs[i]!]) ?? null }
    const media = await loadMedia(contentDir, value.mediaRefs)
    const now = [...media].map(([k, state]) => [k, mediaStamp(state)])
    if (JSON.stringify(now) !== JSON.stringify(value.media)) return null
    this.report.reused = files
    return value
  }

  /** Stores a compile's outcome for the next run. */
  async saveOutcome(outcome: StoredOutcome): Promise<void> {
    // The bundle's files go in as they are, after the rest: no copy into the serialiser.
    const files = outcome.files?.map(([name, bytes]) => [name, bytes.byteLength] as [string, number]) ?? null
    await writeCacheFile(this.dir, OUTCOME_FILE, outcome.key, { ...outcome, files }, outcome.files?.map(([, bytes]) => bytes) ?? [])
  }

  /** Reads the per-file entries (once); a damaged or foreign pack counts as empty. */
  async load(): Promise<void> {
    this.loadSync()
  }

  /** The same, synchronously, for a result's tree asked for after an outcome hit. */
  loadSync(): void {
    if (this.loaded) return
    this.loaded = true
    const dir = path.join(this.dir, PACKS_DIR)
    let names: string[]
    try {
      names = readdirSync(dir).filter((name) => name.endsWith('.pack')).sort()
    } catch {
      return
    }
    for (const name of names) {
      const read = readCacheFile(path.join(dir, name), null)
      if (read === null) continue
      this.packsRead.push(name)
      if ('problem' in read) {
        this.noteProblem(read.problem)
        this.spoilt = true
        continue
      }
      const contents = 'value' in read ? read.value : null
      const keys = contents?.meta
      if (!contents || !Array.isArray(keys) || keys.length !== contents.blobs.length) {
        // Another compiler's pack: expected after an upgrade, no note; the next save removes it.
        this.spoilt = true
        continue
      }
      keys.forEach((key: string, i) => {
        if (this.stored.has(key)) return
        const bytes = contents.blobs[i]!
        this.stored.set(key, bytes)
        this.storedBytes += bytes.byteLength
      })
    }
  }

  /** True when an entry is stored under this key (it may still turn out damaged when read). */
  has(key: string): boolean {
    return this.stored.has(key)
  }

  /**
   * The cached resolved form of a file, or null. A damaged entry counts as a miss. A section's
   * steps are decoded when first read: its summary (section-summary.ts) answers the rules that
   * only count or sum them.
   */
  get(file: SourceFile, key: string): ResolvedFile | null {
    const bytes = this.stored.get(key)
    if (!bytes) return null
    try {
      const value = deserialize(bytes) as Omit<ResolvedFile, 'file'>
      if (value.kind === 'section' && value.node) {
        const node = value.node as IRSection
        const stepsBytes = this.stored.get(STEPS + key)
        const summaryBytes = this.stored.get(SUMMARY + key)
        if (!stepsBytes || !summaryBytes) return null
        rememberSummary(node, deserialize(summaryBytes) as SectionSummary)
        let steps: IRStep[] | null = null
        Object.defineProperty(node, 'steps', {
          enumerable: true,
          configurable: true,
          get: () => (steps ??= deserialize(stepsBytes) as IRStep[]),
          set: (next: IRStep[]) => (steps = next),
        })
      }
      this.use(key)
      this.report.reused++
      return { ...value, file } as ResolvedFile
    } catch {
      return null
    }
  }

  /** Marks an entry, and what is stored beside it, as used by this compile. */
  private use(key: string): void {
    for (const k of [key, STEPS + key, SUMMARY + key]) {
      const bytes = this.stored.get(k)
      if (bytes) this.next.set(k, bytes)
    }
  }

  /** Bytes stored by the caller under a key of its own (a section's emitted JSON), or null. */
  blob(key: string): Uint8Array | null {
    const bytes = this.stored.get(key) ?? this.fresh.get(key)
    if (bytes) this.next.set(key, bytes)
    return bytes ?? null
  }

  /** Stores bytes under a key of the caller's, for the next compile. */
  setBlob(key: string, bytes: Uint8Array): void {
    this.next.set(key, bytes)
    this.fresh.set(key, bytes)
  }

  /** Keeps the entry of a file resolved elsewhere (the in-memory cache of watch mode). */
  keep(key: string, resolved: ResolvedFile): void {
    if (this.stored.has(key)) this.use(key)
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
      if (rest.kind === 'section' && rest.node) {
        // The steps apart from the rest, and the summary beside them: see get().
        this.setBlob(STEPS + key, serialize(rest.node.steps))
        this.setBlob(SUMMARY + key, serialize(summaryOf(rest.node)))
        this.setBlob(key, serialize({ ...rest, node: { ...rest.node, steps: null } }))
      } else this.setBlob(key, serialize(rest))
    } catch {
      // A value the serialiser cannot hold is simply not cached.
    }
  }

  /**
   * Writes what this compile resolved afresh as a new pack; or, when the packs hold mostly
   * unused entries, are many, or one could not be used, every entry in use as one pack that
   * replaces the packs read.
   */
  async save(): Promise<void> {
    let used = 0
    for (const [key, bytes] of this.next) if (!this.fresh.has(key)) used += bytes.byteLength
    const compact = this.spoilt || this.packsRead.length >= MAX_PACKS || this.storedBytes - used > used
    if (!compact && this.fresh.size === 0) return
    const dir = path.join(this.dir, PACKS_DIR)
    const name = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString('hex')}.pack`
    const entries = compact ? this.next : this.fresh
    const written = await writeCacheFile(dir, name, null, [...entries.keys()], [...entries.values()])
    if (!compact || !written) return
    for (const old of this.packsRead) await rm(path.join(dir, old), { force: true }).catch(() => {})
    for (const old of LEGACY_FILES) await rm(path.join(this.dir, old), { force: true }).catch(() => {})
  }
}

type Problem = { en: string; sv: string }

const NOT_OURS: Problem = { en: 'the build cache is not a PLUS cache; rebuilding it', sv: 'byggcachen är inte en PLUS-cache; bygger om den' }
const DAMAGED: Problem = { en: 'the build cache is damaged or incomplete; rebuilding it', sv: 'byggcachen är skadad eller ofullständig; bygger om den' }
const UNREADABLE: Problem = { en: 'the build cache could not be read; rebuilding it', sv: 'byggcachen gick inte att läsa; bygger om den' }

/** A cache file's header: the magic line, the fingerprint line, the key line, body length and CRC-32. */
const KEY_WIDTH = 64
const HEADER_BYTES = MAGIC.length + KEY_WIDTH + 1 + KEY_WIDTH + 1 + 8
const NO_KEY = '-'.repeat(KEY_WIDTH)

function header(key: string | null, body: Uint8Array[]): Buffer {
  const head = Buffer.alloc(HEADER_BYTES)
  const text = `${MAGIC}${compilerFingerprint()}\n${key ?? NO_KEY}\n`
  if (Buffer.byteLength(text) !== HEADER_BYTES - 8) throw new Error('cache header: a key is 64 hex digits')
  head.write(text, 0, 'latin1')
  head.writeUInt32BE(body.reduce((n, part) => n + part.byteLength, 0), HEADER_BYTES - 8)
  head.writeUInt32BE(body.reduce((crc, part) => crc32(part, crc), 0), HEADER_BYTES - 4)
  return head
}

/**
 * A body: the length of the serialised `meta`, `meta`, then each blob as it is. Blobs are read
 * back as views into the file's bytes, so neither writing nor reading copies them again.
 */
function bodyParts(meta: unknown, blobs: Uint8Array[]): Uint8Array[] {
  const serialised = serialize({ meta, blobs: blobs.map((b) => b.byteLength) })
  const length = Buffer.alloc(4)
  length.writeUInt32BE(serialised.byteLength)
  return [length, serialised, ...blobs]
}

function readBody(body: Buffer): Contents {
  const length = body.readUInt32BE(0)
  const { meta, blobs: lengths } = deserialize(body.subarray(4, 4 + length)) as { meta: unknown; blobs: number[] }
  let at = 4 + length
  const blobs = lengths.map((n) => body.subarray(at, (at += n)))
  if (at !== body.length) throw new Error('cache body: blobs do not add up')
  return { meta, blobs }
}

/** What a cache file holds: a value, and blobs kept out of the serialiser. */
interface Contents {
  meta: unknown
  blobs: Uint8Array[]
}

/**
 * Reads one cache file: its value, a problem (not ours, damaged), `foreign` (another compiler's),
 * or null (absent, or an outcome stored under another key: nothing past the header is read).
 */
function readCacheFile(file: string, key: string | null): { value: Contents } | { problem: Problem } | { foreign: true } | null {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return null
  }
  try {
    const head = Buffer.alloc(HEADER_BYTES)
    const got = readSync(fd, head, 0, HEADER_BYTES, 0)
    const text = head.toString('latin1', 0, HEADER_BYTES - 8)
    if (got < MAGIC.length || !text.startsWith(MAGIC)) return { problem: NOT_OURS }
    if (got < HEADER_BYTES) return { problem: DAMAGED }
    const fingerprint = text.slice(MAGIC.length, MAGIC.length + KEY_WIDTH)
    const storedKey = text.slice(MAGIC.length + KEY_WIDTH + 1, MAGIC.length + 2 * KEY_WIDTH + 1)
    // Another version of the compiler or other schemas: expected after an upgrade, no note.
    if (fingerprint !== compilerFingerprint()) return key === null ? { foreign: true } : null
    if (key !== null && storedKey !== key) return null
    const length = head.readUInt32BE(HEADER_BYTES - 8)
    const body = Buffer.allocUnsafe(length)
    let at = 0
    while (at < length) {
      const n = readSync(fd, body, at, length - at, HEADER_BYTES + at)
      if (n === 0) break
      at += n
    }
    // One byte more than the header says is damage too (a file appended to).
    if (at < length || readSync(fd, Buffer.alloc(1), 0, 1, HEADER_BYTES + length) !== 0) return { problem: DAMAGED }
    if (crc32(body) !== head.readUInt32BE(HEADER_BYTES - 4)) return { problem: DAMAGED }
    try {
      return { value: readBody(body) }
    } catch {
      return { problem: UNREADABLE }
    }
  } catch {
    return { problem: UNREADABLE }
  } finally {
    closeSync(fd)
  }
}

/** Writes one cache file atomically (a temporary file, then rename); failures only cost time. */
async function writeCacheFile(dir: string, name: string, key: string | null, meta: unknown, blobs: Uint8Array[]): Promise<boolean> {
  const file = path.join(dir, name)
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    const body = bodyParts(meta, blobs)
    await mkdir(dir, { recursive: true })
    const handle = await open(temp, 'w')
    try {
      await handle.writev([header(key, body), ...body])
    } finally {
      await handle.close()
    }
    await rename(temp, file)
    return true
  } catch {
    await rm(temp, { force: true }).catch(() => {})
    return false
  }
}
