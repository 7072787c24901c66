// The compiler: load → parse → resolve → validate → emit, each a plain function of its input.
// Problems in content are diagnostics, collected from every phase so one run shows them all;
// misuse of this API throws.
import path from 'node:path'
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.ts'
import { createEmitCache, emit, type EmitCache, type EmitResult } from './emit/bundle.ts'
import { writeBundleDir, type WriteOutcome } from './emit/write.ts'
import { diagnostic, fileSpan } from './diagnostics/diagnostic.ts'
import type { IRTree } from './ir.ts'
import { loadContent } from './load/discover.ts'
import type { SourceCache } from './load/source-file.ts'
import { loadMedia, type MediaCache } from './load/media.ts'
import { assemble, resolveFile, type ResolvedFile } from './resolve/index.ts'
import { validate } from './validate/index.ts'
import { DiskCache, entryKey, type DiskCacheReport } from './disk-cache.ts'

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
}

export interface CompileResult {
  /** Every problem found, sorted by file and position. */
  diagnostics: Diagnostic[]
  /** The bundle, when there were no errors. */
  output: EmitResult | null
  tree: IRTree
  /** What the persistent cache contributed, when one was asked for. */
  persistentCache?: DiskCacheReport
}

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
    return { diagnostics: [d], output: null, tree: { programme: null, modules: [], collected: { ids: [], links: [], media: [] } } }
  }
  diagnostics.push(...loaded.diagnostics)

  const disk = options.persistentCache === undefined ? null : await DiskCache.open(options.persistentCache)
  const resolved: ResolvedFile[] = []
  const seen = new Set<string>()
  for (const file of loaded.files) {
    seen.add(file.rel)
    const hit = cache?.files.get(file.rel)
    let result = hit && hit.text === file.text ? hit.resolved : null
    if (!result && disk) {
      const key = entryKey(file)
      result = disk.get(file, key)
      if (!result) disk.set(key, (result = resolveFile(file)))
    }
    result ??= resolveFile(file)
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

  await disk?.save()
  const report = disk ? { persistentCache: disk.report } : {}

  const tree = assemble(resolved)
  const media = await loadMedia(options.contentDir, tree.collected.media, cache?.media)
  // A module whose section file could not be read is not also reported as empty.
  const empty = (d: Diagnostic) => d.code === 'PLUS307' && tree.modules.some((m) => m.id === d.args.id && loaded.failedDirs.has(m.dir))
  diagnostics.push(...validate({ tree, media, release, contentDir: options.contentDir, displayDir: options.displayDir ?? options.contentDir }).filter((d) => !empty(d)))

  const sorted = sortDiagnostics(diagnostics)
  if (hasErrors(sorted) || !tree.programme) return { diagnostics: sorted, output: null, tree, ...report }
  const approvals = release
    ? { approvals: tree.modules.map((m) => ({ module: m.id, reviewer: m.review.reviewer ?? '', date: m.review.date ?? '' })) }
    : null
  return { diagnostics: sorted, output: emit(tree, media, { release: approvals, cache: cache?.emit }), tree, ...report }
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
  if (!result.output) return { ...result, write: null }
  try {
    return { ...result, write: await writeBundleDir(options.outDir, result.output.files) }
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
