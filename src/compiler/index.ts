// The compiler: load → parse → resolve → validate → emit, each a plain function of its input.
// Problems in content are diagnostics, collected from every phase so one run shows them all;
// misuse of this API throws.
import path from 'node:path'
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.ts'
import { createEmitCache, emit, type BundleFiles, type BundlePieces, type EmitCache, type EmitResult, type SectionStore } from './emit/bundle.ts'
import { writeBundleDir, type WriteOutcome } from './emit/write.ts'
import { diagnostic, fileSpan } from './diagnostics/diagnostic.ts'
import type { IRSection, IRTree } from './ir.ts'
import { loadContent } from './load/discover.ts'
import type { SourceCache, SourceFile } from './load/source-file.ts'
import { loadMedia, type MediaCache } from './load/media.ts'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { assemble } from './resolve/assemble.ts'
import type { ResolvedFile } from './resolve/index.ts'
import { compilerFingerprint, DiskCache, entryKey, mediaStamp, type DiskCacheReport, type StoredOutcome } from './disk-cache.ts'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { deserialize, serialize } from 'node:v8'
import type { SectionFindingsStore } from './validate/index.ts'
import { summaryOf } from './section-summary.ts'

/** Per-file results kept between watch-mode rebuilds, keyed by the file's text. */
export interface CompileCache {
  sources: SourceCache
  files: Map<string, { text: string; resolved: ResolvedFile }>
  media: MediaCache
  emit: EmitCache
}

export function createCache(): CompileCache {
  return { sources: new Map(), files: new Map(), media: new Map(), emit: createEmitCache() }
}

export interface CompileOptions {
  /** The content folder (`content/`). */
  contentDir: string
  /** The content folder as shown in diagnostics; defaults to `contentDir`. */
  displayDir?: string
  /** A release build: stricter rules, approvals recorded in the manifest. */
  release?: boolean
  /** Reuse work from an earlier compile of the same folder (watch mode). */
  cache?: CompileCache
  /**
   * A folder for the persistent cache (src/compiler/disk-cache.ts), which carries each file's
   * resolved form from one process to the next; the command line uses
   * `node_modules/.cache/plus/`. Without it nothing is read from or written to disk.
   */
  persistentCache?: string
  /**
   * Threads that resolve files, the main one included: 1 keeps all work on this thread. Absent,
   * a compile with enough text uses worker threads, one per core up to a few
   * (src/compiler/resolve/parallel.ts). The result is the same either way.
   */
  threads?: number
}

export interface CompileResult {
  /** Every problem found, sorted by file and position. */
  diagnostics: Diagnostic[]
  /** The bundle, when there were no errors. */
  output: EmitResult | null
  tree: IRTree
  /** How many modules and steps the content has (also when `tree` is not yet built). */
  counts: { modules: number; steps: number }
  /** What the persistent cache contributed, when one was asked for. */
  persistentCache?: DiskCacheReport
}

const countsOf = (tree: IRTree) => ({
  modules: tree.modules.length,
  steps: tree.modules.reduce((n, m) => n + m.sections.reduce((k, s) => k + summaryOf(s).steps, 0), 0),
})

export async function compile(options: CompileOptions): Promise<CompileResult> {
  if (!options || typeof options.contentDir !== 'string') throw new TypeError('compile(): `contentDir` is required')
  const release = options.release ?? false
  const cache = options.cache
  const diagnostics: Diagnostic[] = []

  let loaded
  try {
    loaded = await loadContent(options.contentDir, options.displayDir ?? options.contentDir, cache?.sources)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    const d = diagnostic('PLUS101', fileSpan(options.displayDir ?? options.contentDir), { reason })
    return {
      diagnostics: [d],
      output: null,
      tree: { programme: null, modules: [], collected: { ids: [], links: [], media: [] } },
      counts: { modules: 0, steps: 0 },
    }
  }
  diagnostics.push(...loaded.diagnostics)

  const disk = options.persistentCache === undefined ? null : new DiskCache(options.persistentCache)
  const keys = disk ? loaded.files.map(entryKey) : []
  let outcomeKey = ''
  if (disk) {
    // Everything the outcome depends on besides the files' texts and the media files.
    const readme = await readFile(path.join(options.contentDir, 'README.md'), 'utf8').catch(() => null)
    const inputs = [compilerFingerprint(), release, options.displayDir ?? options.contentDir, path.resolve(options.contentDir), readme, loaded.diagnostics, [...loaded.failedDirs].sort(), keys]
    outcomeKey = createHash('sha256').update(JSON.stringify(inputs)).digest('hex')
    const stored = await disk.outcome(outcomeKey, options.contentDir, loaded.files.length)
    if (stored) return fromOutcome(stored, disk, loaded.files, keys)
    await disk.load()
  }
  // The parser and the rules are loaded when there is work for them: an answer from the
  // persistent cache needs neither, and they are most of a short command's start-up.
  const [{ resolveFiles, threadsFor }, { validate }] = await Promise.all([import('./resolve/parallel.ts'), import('./validate/index.ts')])
  // The files no cache holds are resolved together first, on several threads when there are
  // many (resolve/parallel.ts); the loop below takes their results. On one thread the resolve
  // phase is loaded here, and only when there is a file to resolve (parse/resolver.ts: the
  // command line loads it pre-bundled); a cached entry found damaged is resolved after all.
  const fresh = new Map<SourceFile, ResolvedFile>()
  const pending = loaded.files.filter((file, i) => (!cache || cache.files.get(file.rel)?.text !== file.text) && !disk?.has(keys[i]!))
  const oneThread = threadsFor(pending, options.threads) <= 1
  const resolveOne = oneThread && pending.length > 0 ? (await (await import('./parse/resolver.ts')).loadResolver()).resolveFile : (file: SourceFile) => resolveFileSync()(file)
  const results = oneThread ? pending.map(resolveOne) : await resolveFiles(pending, options.threads === undefined ? {} : { threads: options.threads })
  pending.forEach((file, i) => fresh.set(file, results[i]!))
  const resolveFile = (file: SourceFile) => fresh.get(file) ?? resolveOne(file)
  const resolved: ResolvedFile[] = []
  /** Each section's entry key: the persistent cache keeps its emitted JSON and rule findings beside it. */
  const sectionKeys = new Map<IRSection, string>()
  const seen = new Set<string>()
  for (const file of loaded.files) {
    seen.add(file.rel)
    const hit = cache?.files.get(file.rel)
    let result = hit && hit.text === file.text ? hit.resolved : null
    if (disk) {
      const key = keys[resolved.length]!
      // A result from the in-memory cache is kept on disk too, so the file is not forgotten.
      if (result) disk.keep(key, result)
      else {
        result = disk.get(file, key)
        if (!result) disk.set(key, (result = resolveFile(file)))
      }
    }
    result ??= resolveFile(file)
    if (disk && result.kind === 'section' && result.node) sectionKeys.set(result.node, keys[resolved.length]!)
    cache?.files.set(file.rel, { text: file.text, resolved: result })
    resolved.push(result)
    diagnostics.push(...result.diagnostics)
  }
  if (cache) {
    // Forget files that are gone, so a long watch session does not hold them.
    for (const rel of cache.files.keys()) if (!seen.has(rel)) cache.files.delete(rel)
    const present = new Set(loaded.files.map((f) => path.join(options.contentDir, f.rel)))
    for (const absolute of cache.sources.keys()) if (!present.has(absolute)) cache.sources.delete(absolute)
  }

  const report = disk ? { persistentCache: disk.report } : {}
  const sectionStore: SectionStore | undefined = disk
    ? {
        get: (section, key) => {
          const entry = sectionKeys.get(section)
          return entry ? disk.blob(`emit\n${entry}\n${key}`) : null
        },
        set: (section, key, json) => {
          const entry = sectionKeys.get(section)
          if (entry) disk.setBlob(`emit\n${entry}\n${key}`, json)
        },
      }
    : undefined
  // The section rules' findings, kept beside each section's entry: they depend on nothing else.
  const findingsStore: SectionFindingsStore | undefined = disk
    ? {
        get: (section) => {
          const entry = sectionKeys.get(section)
          const bytes = entry ? disk.blob(`rules\n${entry}`) : null
          try {
            return bytes ? (deserialize(bytes) as Diagnostic[]) : null
          } catch {
            return null
          }
        },
        set: (section, found) => {
          const entry = sectionKeys.get(section)
          if (entry) disk.setBlob(`rules\n${entry}`, serialize(found))
        },
      }
    : undefined
  const remember = async (result: CompileResult): Promise<CompileResult> => {
    if (disk) {
      await disk.save()
      await disk.saveOutcome({
        key: outcomeKey,
        mediaRefs: tree.collected.media,
        media: [...media].map(([k, state]) => [k, mediaStamp(state)]),
        diagnostics: result.diagnostics,
        counts: result.counts,
        files: result.output ? [...result.output.pieces].map(([name, pieces]) => [name, [...pieces]]) : null,
      })
    }
    return result
  }

  const tree = assemble(resolved)
  const media = await loadMedia(options.contentDir, tree.collected.media, cache?.media)
  // A module whose section file could not be read is not also reported as empty.
  const empty = (d: Diagnostic) => d.code === 'PLUS307' && tree.modules.some((m) => m.id === d.args.id && loaded.failedDirs.has(m.dir))
  diagnostics.push(...validate({ tree, media, release, contentDir: options.contentDir, displayDir: options.displayDir ?? options.contentDir }, findingsStore).filter((d) => !empty(d)))

  const sorted = sortDiagnostics(diagnostics)
  const counts = countsOf(tree)
  if (hasErrors(sorted) || !tree.programme) return remember({ diagnostics: sorted, output: null, tree, counts, ...report })
  const approvals = release
    ? { approvals: tree.modules.map((m) => ({ module: m.id, reviewer: m.review.reviewer ?? '', date: m.review.date ?? '' })) }
    : null
  return remember({ diagnostics: sorted, output: emit(tree, media, { release: approvals, cache: cache?.emit, persistent: sectionStore }), tree, counts, ...report })
}

/**
 * resolveFile for a tree asked for synchronously when the per-file cache lacks an entry (it was
 * deleted or damaged after the outcome was stored): require() loads the ES module graph
 * synchronously. The module's own extension (.ts from source, .js compiled) names its sibling.
 */
function resolveFileSync(): typeof import('./resolve/index.ts')['resolveFile'] {
  const ext = path.extname(fileURLToPath(import.meta.url))
  return (createRequire(import.meta.url)(`./resolve/index${ext}`) as typeof import('./resolve/index.ts')).resolveFile
}

/**
 * A result answered from the stored outcome. The bundle object and the tree are built only when
 * asked for: the bundle by parsing the stored plus.json, the tree from the per-file cache (or by
 * resolving afresh), exactly as the compile that stored the outcome built them.
 */
function fromOutcome(stored: StoredOutcome, disk: DiskCache, files: SourceFile[], keys: string[]): CompileResult {
  let tree: IRTree | null = null
  const result = {
    diagnostics: stored.diagnostics,
    output: null as EmitResult | null,
    counts: stored.counts,
    persistentCache: disk.report,
    get tree(): IRTree {
      if (!tree) {
        disk.loadSync()
        tree = assemble(files.map((file, i) => disk.get(file, keys[i]!) ?? resolveFileSync()(file)))
      }
      return tree
    },
  }
  if (stored.files) {
    // Stored as pieces (disk-cache.ts): joined only when a caller asks for whole files.
    const pieces: BundlePieces = new Map(stored.files)
    const whole = (parts: readonly Uint8Array[]) => (parts.length === 1 ? parts[0]! : Buffer.concat(parts))
    const json = (name: string) => JSON.parse(Buffer.from(whole(pieces.get(name)!)).toString('utf8'))
    let joined: BundleFiles | null = null
    let bundle: EmitResult['bundle'] | null = null
    result.output = {
      get files() {
        return (joined ??= new Map([...pieces].map(([name, parts]) => [name, whole(parts)])))
      },
      pieces,
      manifest: json('manifest.json'),
      get bundle() {
        return (bundle ??= json('plus.json'))
      },
    }
  }
  return result
}

export interface BuildOptions extends CompileOptions {
  /** Where the bundle folder is written (`dist/bundle`). */
  outDir: string
}

export interface BuildResult extends CompileResult {
  /** What happened to the output folder; null when errors stopped the build. */
  write: WriteOutcome | null
}

/** Compiles and, when there are no errors, writes the bundle folder atomically. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  if (typeof options?.outDir !== 'string') throw new TypeError('build(): `outDir` is required')
  const result = await compile(options)
  // Object.assign, not a spread: a result from the persistent cache builds its tree only when asked.
  if (!result.output) return Object.assign(result, { write: null })
  try {
    return Object.assign(result, { write: await writeBundleDir(options.outDir, result.output.pieces) })
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    const d = diagnostic('PLUS401', fileSpan(options.outDir), { path: options.outDir, reason })
    return { ...result, diagnostics: [...result.diagnostics, d], output: null, write: null }
  }
}

export type { Diagnostic, Lang, Severity, Span } from './diagnostics/diagnostic.ts'
export { formatText, toJson, formatDiagnostic } from './diagnostics/format.ts'
export { catalogue, codes, type Code } from './diagnostics/catalogue.ts'
export { BUNDLE_SCHEMA_VERSION } from './emit/bundle.ts'
