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
//   checking, the stored bundle. A bundle file is stored as its pieces: a piece that is a blob of
//   a pack (a section's JSON in plus.json, most of its bytes) as a reference to it (the pack, the
//   offset, the length and the CRC-32), any other piece as it is; so plus.json is not written a
//   second time. An outcome whose referenced blobs are gone (their pack compacted away) is a
//   miss; one whose referenced blobs are damaged is a miss, noted.
// Nothing is trusted blindly:
// - every file starts with the cache's magic line, then the fingerprint of this compiler (its
//   version, the hash of its own code files, the Node/V8 version that serialised the entries)
//   and of the JSON Schemas; a file written by another compiler or for other schemas is ignored;
// - each entry is keyed by a hash of everything its result depends on: the file's text, its
//   place in the content folder and the path shown in diagnostics;
// - the outcome is keyed by every file's entry key, the load-phase findings, the options, the
//   content folder's README.md (the guide-list rule reads it), and is used only when every media
//   file it refers to still has the same state and SHA-256;
// - each file carries a CRC-32 of its index, and the index one of every blob (an entry, a
//   section's steps, a bundle file): a file that is truncated, appended to or whose index is
//   corrupt is ignored and rebuilt, with a note, and so is a file that does not start with the
//   magic line; a blob is checked when it is read, and a damaged one is a miss, noted, and left
//   out when the packs are next compacted. (CRC-32 finds damage, which is what can happen to a
//   cache; the keys, which decide what an entry stands for, are SHA-256.)
// Entries are stored serialised one by one and decoded only when a file asks for them. A compile
// reads the packs' indexes and the blobs it always needs at once; a section's steps, some 15 MB at
// 4,000 steps that a build with one changed file does not need, only when asked for.
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize, serialize } from 'node:v8'
import { crc32 } from 'node:zlib'
import type { Diagnostic } from './diagnostics/diagnostic.ts'
import { compilerFingerprint } from './fingerprint.ts'
import type { IRSection, IRStep, MediaRef } from './ir.ts'
import { rememberSummary, summaryOf, type SectionSummary } from './section-summary.ts'
import { loadMedia, type MediaFileState } from './load/media.ts'
import type { SourceFile } from './load/source-file.ts'
import type { ResolvedFile } from './resolve/index.ts'

export { compilerFingerprint } from './fingerprint.ts'

/** Every cache file's first bytes; a file without them is not ours. */
const MAGIC = 'PLUS-BUILD-CACHE 3\n'
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
  /** The bundle files, each as pieces whose bytes, one after the other, are the file, when the compile had no errors. */
  files: Array<[string, Uint8Array[]]> | null
}

/**
 * A piece of a bundle file as the outcome stores it: the index of a blob of the outcome file, or
 * a blob of a pack: its file name in packs/, offset, length and CRC-32.
 */
type StoredPiece = number | [string, number, number, number]

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

/**
 * The key of one file's entry: everything its resolved form depends on besides the compiler.
 * A file read from disk is keyed by the digest of its bytes (its text is a function of them),
 * so its text need not be decoded to find its entry; any other by its text.
 */
export function entryKey(file: SourceFile): string {
  return createHash('sha256')
    .update(JSON.stringify([file.kind, file.rel, file.path, file.moduleDir]))
    .update(file.digest === undefined ? '\n' : `\nbytes ${file.digest}\n`)
    .update(file.digest === undefined ? file.text : '')
    .digest('base64')
}

/** The state of a media file as the outcome key records it. */
export function mediaStamp(state: MediaFileState): string {
  return state.status === 'ok' ? `ok:${state.sha256}` : state.status
}

/**
 * One blob of a cache file: where it lies, its length and CRC-32 (from the file's index), and its
 * bytes once read and checked. The blobs a compile always needs are read with the index, at
 * once; a section's steps, which a compile rarely needs, are read one by one when asked for.
 */
interface Blob {
  /** The cache file, or null for bytes made by this compile. */
  file: string | null
  offset: number
  length: number
  crc: number
  /** Bytes read with the file's hot part and not yet checked. */
  unchecked: Uint8Array | null
  /** The bytes, once their CRC-32 matched. */
  bytes: Uint8Array | null
  /** Unreadable, or the CRC-32 did not match: never used. */
  failed: boolean
}

const madeBlob = (bytes: Uint8Array): Blob => ({ file: null, offset: 0, length: bytes.byteLength, crc: 0, unchecked: null, bytes, failed: false })

/** The persistent cache of one compile: consulted per file; what was resolved afresh is written back once. */
export class DiskCache {
  readonly dir: string
  /** Entries of every pack read, by key. */
  private stored: Map<string, Blob> = new Map()
  /** Entries this compile used or made, by key: what a compacted pack holds. */
  private next: Map<string, Blob> = new Map()
  /** Entries resolved afresh by this compile: what a new pack holds. */
  private fresh: Map<string, Uint8Array> = new Map()
  /** The packs read (sound, damaged or foreign), and the bytes of the sound ones' entries. */
  private packsRead: string[] = []
  private storedBytes = 0
  /** A pack could not be used: the next save compacts, which removes it. */
  private spoilt = false
  private loaded = false
  /** The outcome answered the compile: entries read later (for its tree) are not counted again. */
  private answered = false
  /**
   * Blobs whose bytes were handed to the caller or given by it, by those very bytes: an outcome
   * stores a bundle piece that is one of them as a reference to its pack (see saveOutcome).
   */
  private handed = new Map<Uint8Array, Blob>()
  readonly report: DiskCacheReport = { reused: 0, resolved: 0, note: null }

  constructor(dir: string) {
    this.dir = dir
    // The fingerprint every cache file carries, found with the help of the stamps kept in this
    // folder (fingerprint.ts); later calls in this process reuse it.
    compilerFingerprint(dir)
  }

  private noteProblem(problem: Problem): void {
    this.report.note ??= problem
  }

  /**
   * A stored blob's bytes, checked against its CRC-32 (once); null when it cannot be read or is
   * damaged, which is noted, and makes the next save compact the packs without it.
   */
  private read(blob: Blob, fds?: Map<string, number>): Uint8Array | null {
    if (blob.bytes || blob.failed) return blob.bytes
    let bytes = blob.unchecked
    blob.unchecked = null
    if (!bytes && blob.file !== null) bytes = readAt(blob.file, blob.offset, blob.length, fds)
    if (bytes && bytes.byteLength === blob.length && crc32(bytes) === blob.crc) return (blob.bytes = bytes)
    blob.failed = true
    // A pack removed meanwhile (another process compacted it) is not damage; anything else is.
    if (bytes || blob.file === null || existsSync(blob.file)) this.noteProblem(DAMAGED)
    this.spoilt = true
    return null
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
    const stored = meta as Omit<StoredOutcome, 'files'> & { files: Array<[string, StoredPiece[]]> | null }
    if (stored?.key !== key) return null
    // The outcome's own blobs (all hot: read with the index) are all checked before any is trusted.
    const bytes = blobs.map((blob) => (blob.unchecked && crc32(blob.unchecked) === blob.crc ? blob.unchecked : null))
    if (bytes.some((b) => b === null)) {
      this.noteProblem(DAMAGED)
      return null
    }
    // Media files changed since: a miss, found before the bundle's pieces are read from the packs.
    const media = await loadMedia(contentDir, stored.mediaRefs)
    const now = [...media].map(([k, state]) => [k, mediaStamp(state)])
    if (JSON.stringify(now) !== JSON.stringify(stored.media)) return null
    let filesStored: StoredOutcome['files'] = null
    if (stored.files) {
      if (!Array.isArray(stored.files) || !stored.files.every((file) => Array.isArray(file) && typeof file[0] === 'string' && Array.isArray(file[1]))) {
        this.noteProblem(UNREADABLE)
        return null
      }
      const referenced = readReferences(path.join(this.dir, PACKS_DIR), stored.files.flatMap(([, pieces]) => pieces.filter((p) => typeof p !== 'number')))
      if (referenced === 'gone') return null
      if (referenced === 'damaged') {
        this.noteProblem(DAMAGED)
        return null
      }
      let next = 0
      const own = (i: number) => {
        if (!Number.isInteger(i) || i < 0 || i >= bytes.length) throw new Error('cache outcome: no such blob')
        return bytes[i]!
      }
      try {
        filesStored = stored.files.map(([name, pieces]) => [name, pieces.map((p) => (typeof p === 'number' ? own(p) : referenced[next++]!))])
      } catch {
        this.noteProblem(UNREADABLE)
        return null
      }
    }
    this.report.reused = files
    this.answered = true
    return { ...stored, files: filesStored }
  }

  /**
   * Stores a compile's outcome for the next run (after save(), which places this compile's new
   * blobs in a pack). A bundle piece that is the bytes of a blob in a pack is stored as a
   * reference to it; any other as it is, after the rest: no copy into the serialiser.
   */
  async saveOutcome(outcome: StoredOutcome): Promise<void> {
    const blobs: Uint8Array[] = []
    const files = outcome.files?.map(([name, pieces]): [string, StoredPiece[]] => [
      name,
      pieces.map((piece) => {
        const blob = this.handed.get(piece)
        if (blob?.file && !blob.failed && blob.length === piece.byteLength) return [path.basename(blob.file), blob.offset, blob.length, blob.crc]
        blobs.push(piece)
        return blobs.length - 1
      }),
    ]) ?? null
    await writeCacheFile(this.dir, OUTCOME_FILE, outcome.key, { ...outcome, files }, blobs, blobs.length)
  }

  /** Reads the packs' indexes and the blobs a compile always needs (once); a damaged or foreign pack counts as empty. */
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
        const blob = contents.blobs[i]!
        this.stored.set(key, blob)
        this.storedBytes += blob.length
      })
    }
  }

  /** True when an entry is stored under this key (it may still turn out damaged when read). */
  has(key: string): boolean {
    return this.stored.has(key)
  }

  /**
   * The cached resolved form of a file, or null. A damaged entry counts as a miss. A section's
   * steps are read and decoded when first asked for: its summary (section-summary.ts) answers
   * the rules that only count or sum them. Should they then turn out unreadable (damaged, or
   * their pack removed by another process), the file is resolved again for them, which gives
   * the same steps: resolving is a pure function of the file.
   */
  get(file: SourceFile, key: string): ResolvedFile | null {
    const entry = this.stored.get(key)
    const bytes = entry ? this.read(entry) : null
    if (!bytes) return null
    try {
      const value = deserialize(bytes) as Omit<ResolvedFile, 'file'>
      if (value.kind === 'section' && value.node) {
        const node = value.node as IRSection
        const stepsBlob = this.stored.get(STEPS + key)
        const summaryBlob = this.stored.get(SUMMARY + key)
        const summaryBytes = summaryBlob ? this.read(summaryBlob) : null
        if (!stepsBlob || !summaryBytes) return null
        rememberSummary(node, deserialize(summaryBytes) as SectionSummary)
        let steps: IRStep[] | null = null
        Object.defineProperty(node, 'steps', {
          enumerable: true,
          configurable: true,
          get: () => (steps ??= this.steps(stepsBlob, file)),
          set: (next: IRStep[]) => (steps = next),
        })
      }
      this.use(key)
      if (!this.answered) this.report.reused++
      return { ...value, file } as ResolvedFile
    } catch {
      return null
    }
  }

  /** A cached section's steps, from its blob, or resolved again when the blob cannot be used. */
  private steps(blob: Blob, file: SourceFile): IRStep[] {
    const bytes = this.read(blob)
    if (bytes) {
      try {
        return deserialize(bytes) as IRStep[]
      } catch {
        this.noteProblem(DAMAGED)
      }
    }
    const again = resolveSync(file)
    return again.kind === 'section' && again.node ? again.node.steps : []
  }

  /** Marks an entry, and what is stored beside it, as used by this compile. */
  private use(key: string): void {
    for (const k of [key, STEPS + key, SUMMARY + key]) {
      const blob = this.stored.get(k)
      if (blob) this.next.set(k, blob)
    }
  }

  /** Bytes stored by the caller under a key of its own (a section's emitted JSON), or null. */
  blob(key: string): Uint8Array | null {
    const stored = this.stored.get(key)
    const bytes = stored ? this.read(stored) : null
    if (bytes) {
      this.next.set(key, stored!)
      this.handed.set(bytes, stored!)
      return bytes
    }
    return this.fresh.get(key) ?? null
  }

  /** Stores bytes under a key of the caller's, for the next compile. */
  setBlob(key: string, bytes: Uint8Array): void {
    const blob = madeBlob(bytes)
    this.next.set(key, blob)
    this.fresh.set(key, bytes)
    this.handed.set(bytes, blob)
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
   * replaces the packs read. A compacted pack holds only blobs read back and checked.
   */
  async save(): Promise<void> {
    let used = 0
    for (const [key, blob] of this.next) if (!this.fresh.has(key)) used += blob.length
    let compact = this.spoilt || this.packsRead.length >= MAX_PACKS || this.storedBytes - used > used
    if (!compact && this.fresh.size === 0) return
    let entries: Array<[string, Uint8Array]>
    if (compact) {
      // Every blob in use, read with one open file per pack.
      const fds = new Map<string, number>()
      try {
        entries = [...this.next].flatMap(([key, blob]) => {
          const bytes = this.read(blob, fds)
          return bytes ? [[key, bytes] as [string, Uint8Array]] : []
        })
      } finally {
        for (const fd of fds.values()) closeSync(fd)
      }
    } else entries = [...this.fresh]
    // What a compile always reads first, a section's steps after it (see readCacheFile).
    const hot = entries.filter(([key]) => !key.startsWith(STEPS))
    const cold = entries.filter(([key]) => key.startsWith(STEPS))
    const ordered = [...hot, ...cold]
    const dir = path.join(this.dir, PACKS_DIR)
    const name = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString('hex')}.pack`
    const meta = ordered.map(([key]) => key)
    const written = await writeCacheFile(dir, name, null, meta, ordered.map(([, bytes]) => bytes), hot.length)
    if (!written) return
    // Where each blob written now lies, for the outcome's references (saveOutcome): the blobs
    // made by this compile, and on compaction every blob in use (the packs read are removed).
    ordered.forEach(([key, bytes], i) => {
      const blob = this.next.get(key)
      if (!blob || blob.bytes !== bytes) return
      Object.assign(blob, { file: written.file, offset: written.offsets[i]!, length: bytes.byteLength, crc: written.crcs[i]!, bytes, failed: false })
    })
    if (!compact) return
    for (const old of this.packsRead) await rm(path.join(dir, old), { force: true }).catch(() => {})
    for (const old of LEGACY_FILES) await rm(path.join(this.dir, old), { force: true }).catch(() => {})
  }
}

/**
 * Resolves a file synchronously, for steps whose stored blob could not be used after their
 * section was taken from the cache: require() loads the ES module graph synchronously. The
 * module's own extension (.ts from source, .js compiled) names its sibling.
 */
function resolveSync(file: SourceFile): ResolvedFile {
  const ext = path.extname(fileURLToPath(import.meta.url))
  return (createRequire(import.meta.url)(`./resolve/index${ext}`) as typeof import('./resolve/index.ts')).resolveFile(file)
}

/** Reads `length` bytes at `offset` of a file; null when it cannot. `fds` keeps files open across calls. */
function readAt(file: string, offset: number, length: number, fds?: Map<string, number>): Uint8Array | null {
  let fd = fds?.get(file)
  const own = fd === undefined
  try {
    if (fd === undefined) {
      fd = openSync(file, 'r')
      if (fds) fds.set(file, fd)
    }
    const bytes = Buffer.allocUnsafe(length)
    let at = 0
    while (at < length) {
      const n = readSync(fd, bytes, at, length - at, offset + at)
      if (n === 0) return null
      at += n
    }
    return bytes
  } catch {
    return null
  } finally {
    if (own && !fds && fd !== undefined) closeSync(fd)
  }
}

type Problem = { en: string; sv: string }

const NOT_OURS: Problem = { en: 'the build cache is not a PLUS cache; rebuilding it', sv: 'byggcachen är inte en PLUS-cache; bygger om den' }
const DAMAGED: Problem = { en: 'the build cache is damaged or incomplete; rebuilding it', sv: 'byggcachen är skadad eller ofullständig; bygger om den' }
const UNREADABLE: Problem = { en: 'the build cache could not be read; rebuilding it', sv: 'byggcachen gick inte att läsa; bygger om den' }

/**
 * A cache file: a header (the magic line, the fingerprint line, the key line, the index's length
 * and CRC-32), the index (the serialised `meta`, and each blob's length and CRC-32), then the
 * blobs as they are: the hot ones, which a reader always needs and reads with the index at once,
 * then the cold ones, read one by one when asked for. Each blob is checked against its CRC-32
 * before it is used, so a compile reads, and checks, only what it uses.
 */
const KEY_WIDTH = 64
const HEADER_BYTES = MAGIC.length + KEY_WIDTH + 1 + KEY_WIDTH + 1 + 8
const NO_KEY = '-'.repeat(KEY_WIDTH)
/** The first words of every version's magic line: a file of another version is ours, but foreign. */
const MAGIC_FAMILY = 'PLUS-BUILD-CACHE '

interface Index {
  meta: unknown
  /** Each blob's length and CRC-32, in the file's order. */
  lengths: number[]
  crcs: number[]
  /** How many blobs, from the first, are hot. */
  hot: number
}

function header(key: string | null, index: Uint8Array): Buffer {
  const head = Buffer.alloc(HEADER_BYTES)
  const text = `${MAGIC}${compilerFingerprint()}\n${key ?? NO_KEY}\n`
  if (Buffer.byteLength(text) !== HEADER_BYTES - 8) throw new Error('cache header: a key is 64 hex digits')
  head.write(text, 0, 'latin1')
  head.writeUInt32BE(index.byteLength, HEADER_BYTES - 8)
  head.writeUInt32BE(crc32(index), HEADER_BYTES - 4)
  return head
}

/** What a cache file holds: a value, and blobs kept out of the serialiser. */
interface Contents {
  meta: unknown
  blobs: Blob[]
}

/**
 * Reads one cache file's index and hot blobs: its value, a problem (not ours, damaged), `foreign`
 * (another compiler's), or null (absent, or an outcome stored under another key: nothing past the
 * header is read). A file whose length is not what its index says is damaged (truncated, or
 * appended to).
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
    if (got < MAGIC_FAMILY.length || !text.startsWith(MAGIC_FAMILY)) return { problem: NOT_OURS }
    // An earlier format of this cache: expected after an upgrade, no note.
    if (!text.startsWith(MAGIC)) return key === null ? { foreign: true } : null
    if (got < HEADER_BYTES) return { problem: DAMAGED }
    const fingerprint = text.slice(MAGIC.length, MAGIC.length + KEY_WIDTH)
    const storedKey = text.slice(MAGIC.length + KEY_WIDTH + 1, MAGIC.length + 2 * KEY_WIDTH + 1)
    // Another version of the compiler or other schemas: expected after an upgrade, no note.
    if (fingerprint !== compilerFingerprint()) return key === null ? { foreign: true } : null
    if (key !== null && storedKey !== key) return null
    const size = fstatSync(fd).size
    const indexLength = head.readUInt32BE(HEADER_BYTES - 8)
    if (HEADER_BYTES + indexLength > size) return { problem: DAMAGED }
    const indexBytes = Buffer.allocUnsafe(indexLength)
    if (readSync(fd, indexBytes, 0, indexLength, HEADER_BYTES) !== indexLength) return { problem: DAMAGED }
    if (crc32(indexBytes) !== head.readUInt32BE(HEADER_BYTES - 4)) return { problem: DAMAGED }
    let index: Index
    try {
      index = deserialize(indexBytes) as Index
      if (!Array.isArray(index.lengths) || !Array.isArray(index.crcs) || index.lengths.length !== index.crcs.length) throw new Error('cache index')
    } catch {
      return { problem: UNREADABLE }
    }
    let at = HEADER_BYTES + indexLength
    const blobs: Blob[] = index.lengths.map((length, i) => {
      const blob: Blob = { file, offset: at, length, crc: index.crcs[i]!, unchecked: null, bytes: null, failed: false }
      at += length
      return blob
    })
    if (at !== size) return { problem: DAMAGED }
    const hot = blobs.slice(0, index.hot)
    const start = hot[0]?.offset ?? at
    const hotBytes = hot.reduce((n, blob) => n + blob.length, 0)
    const bytes = Buffer.allocUnsafe(hotBytes)
    let done = 0
    while (done < hotBytes) {
      const n = readSync(fd, bytes, done, hotBytes - done, start + done)
      if (n === 0) return { problem: DAMAGED }
      done += n
    }
    for (const blob of hot) blob.unchecked = bytes.subarray(blob.offset - start, blob.offset - start + blob.length)
    return { value: { meta: index.meta, blobs } }
  } catch {
    return { problem: UNREADABLE }
  } finally {
    closeSync(fd)
  }
}

/** Where a cache file was written, and where each of its blobs lies in it, with its CRC-32. */
interface Written {
  file: string
  offsets: number[]
  crcs: number[]
}

/** Writes one cache file atomically (a temporary file, then rename); failures only cost time (null). */
async function writeCacheFile(dir: string, name: string, key: string | null, meta: unknown, blobs: Uint8Array[], hot: number): Promise<Written | null> {
  const file = path.join(dir, name)
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    const index: Index = { meta, lengths: blobs.map((b) => b.byteLength), crcs: blobs.map((b) => crc32(b)), hot }
    const indexBytes = serialize(index)
    const offsets: number[] = []
    let at = HEADER_BYTES + indexBytes.byteLength
    for (const blob of blobs) {
      offsets.push(at)
      at += blob.byteLength
    }
    await mkdir(dir, { recursive: true })
    const handle = await open(temp, 'w')
    try {
      await handle.writev([header(key, indexBytes), indexBytes, ...blobs])
    } finally {
      await handle.close()
    }
    await rename(temp, file)
    return { file, offsets, crcs: index.crcs }
  } catch {
    await rm(temp, { force: true }).catch(() => {})
    return null
  }
}

/** Pack blobs closer than this are read together, with what lies between them. */
const READ_GAP = 64 * 1024

/**
 * The bytes of the pack blobs an outcome refers to, in the order given, each checked against
 * its CRC-32: 'gone' when a pack is no longer there (another compile compacted it away),
 * 'damaged' when a blob cannot be read whole or does not match. Each pack is opened once, and
 * blobs that lie close together are read with one call.
 */
function readReferences(dir: string, refs: Array<[string, number, number, number]>): Uint8Array[] | 'gone' | 'damaged' {
  const out: Uint8Array[] = new Array(refs.length)
  const byPack = new Map<string, number[]>()
  for (const [i, ref] of refs.entries()) {
    const [name, offset, length, crc] = ref
    if (!Array.isArray(ref) || typeof name !== 'string' || path.basename(name) !== name || !name.endsWith('.pack')) return 'damaged'
    if (![offset, length, crc].every((n) => Number.isSafeInteger(n) && n >= 0)) return 'damaged'
    const indices = byPack.get(name)
    if (indices) indices.push(i)
    else byPack.set(name, [i])
  }
  for (const [name, indices] of byPack) {
    let fd: number
    try {
      fd = openSync(path.join(dir, name), 'r')
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'damaged'
    }
    try {
      indices.sort((a, b) => refs[a]![1] - refs[b]![1])
      for (let first = 0; first < indices.length; ) {
        // A run of blobs with small gaps between them: one read.
        let last = first
        let end = refs[indices[first]!]![1] + refs[indices[first]!]![2]
        while (last + 1 < indices.length && refs[indices[last + 1]!]![1] <= end + READ_GAP) {
          last++
          end = Math.max(end, refs[indices[last]!]![1] + refs[indices[last]!]![2])
        }
        const start = refs[indices[first]!]![1]
        const bytes = Buffer.allocUnsafe(end - start)
        let done = 0
        while (done < bytes.byteLength) {
          const n = readSync(fd, bytes, done, bytes.byteLength - done, start + done)
          if (n === 0) return 'damaged'
          done += n
        }
        for (let k = first; k <= last; k++) {
          const [, offset, length, crc] = refs[indices[k]!]!
          const piece = bytes.subarray(offset - start, offset - start + length)
          if (crc32(piece) !== crc) return 'damaged'
          out[indices[k]!] = piece
        }
        first = last + 1
      }
    } catch {
      return 'damaged'
    } finally {
      closeSync(fd)
    }
  }
  return out
}
