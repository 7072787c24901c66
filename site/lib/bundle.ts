// The preview's only data source: the compiled bundle in dist/bundle, read through the same
// loader the engine and host applications use (schema-checked), never content/ itself. What is
// previewed is therefore exactly what the runtime gets.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { loadBundle, loadManifest } from '../../src/bundle/load.ts'
import type { PlusBundle, PlusManifest } from '../../src/types/bundle.generated.ts'
import { indexProgramme, type ProgrammeIndex } from './programme-index.ts'

/** Everything a page needs: the bundle, its manifest, lookups and when the bundle was written. */
export interface PreviewData {
  bundle: PlusBundle
  manifest: PlusManifest
  index: ProgrammeIndex
  /** When dist/bundle/plus.json was last written (ISO 8601). */
  bundleWrittenAt: string
}

/**
 * The bundle folder. The integration sets PLUS_BUNDLE_DIR to an absolute path; the fallback
 * keeps the module usable from scripts run in the project root.
 */
export function bundleDir(): string {
  return path.resolve(process.env.PLUS_BUNDLE_DIR ?? 'dist/bundle')
}

let cached: { key: string; data: Promise<PreviewData> } | null = null

/**
 * A bundle the dev server's content watcher has just written (site/integration/index.ts), handed
 * over in memory: the very objects the compiler serialised into the folder's files, so a page
 * after a save need not read, parse and schema-check several megabytes again. `key` is the
 * written files' bundleKey; the hand-over is used only while the files on disk still have it.
 */
export interface PublishedBundle {
  dir: string
  key: string
  bundle: PlusBundle
  manifest: PlusManifest
}

// On globalThis: the integration and the pages are loaded by different module graphs (Astro's
// config loader and Vite's server-side runner) in the same process.
const PUBLISHED = Symbol.for('plus.preview.published-bundle')
type WithPublished = typeof globalThis & { [PUBLISHED]?: PublishedBundle | null }

/** Hands a just-written bundle to the pages (null withdraws it). */
export function publishBundle(entry: PublishedBundle | null): void {
  ;(globalThis as WithPublished)[PUBLISHED] = entry
}

/** The version of a bundle folder's files on disk: their modification times and size. */
export async function bundleKey(dir: string): Promise<{ key: string; writtenAt: Date }> {
  const [bundleStat, manifestStat] = await Promise.all([stat(path.join(dir, 'plus.json')), stat(path.join(dir, 'manifest.json'))])
  return { key: `${bundleStat.mtimeMs}:${manifestStat.mtimeMs}:${bundleStat.size}`, writtenAt: bundleStat.mtime }
}

/**
 * Loads the bundle once per version of the files on disk. A static build renders every page in
 * one process, so this runs once; the dev server re-renders on each request, and the key (the
 * files' modification times) makes it pick up each rebuild by the content watcher, from memory
 * when the watcher handed it over (publishBundle), else from the files.
 */
export async function previewData(): Promise<PreviewData> {
  const dir = bundleDir()
  const { key, writtenAt } = await bundleKey(dir)
  if (cached?.key !== key) {
    const published = (globalThis as WithPublished)[PUBLISHED]
    const read =
      published && published.dir === dir && published.key === key
        ? Promise.resolve([published.bundle, published.manifest] as const)
        : Promise.all([loadBundle(dir), loadManifest(dir)])
    const data = read.then(([bundle, manifest]) => ({
      bundle,
      manifest,
      index: indexProgramme(bundle.programme),
      bundleWrittenAt: writtenAt.toISOString(),
    }))
    // A failed load is not cached, so the next request tries again.
    data.catch(() => {
      if (cached?.data === data) cached = null
    })
    cached = { key, data }
  }
  return cached.data
}
