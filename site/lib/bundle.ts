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
 * Loads the bundle once per version of the files on disk. A static build renders every page in
 * one process, so this runs once; the dev server re-renders on each request, and the key (the
 * files' modification times) makes it pick up each rebuild by the content watcher.
 */
export async function previewData(): Promise<PreviewData> {
  const dir = bundleDir()
  const [bundleStat, manifestStat] = await Promise.all([
    stat(path.join(dir, 'plus.json')),
    stat(path.join(dir, 'manifest.json')),
  ])
  const key = `${bundleStat.mtimeMs}:${manifestStat.mtimeMs}:${bundleStat.size}`
  if (cached?.key !== key) {
    const data = Promise.all([loadBundle(dir), loadManifest(dir)]).then(([bundle, manifest]) => ({
      bundle,
      manifest,
      index: indexProgramme(bundle.programme),
      bundleWrittenAt: bundleStat.mtime.toISOString(),
    }))
    // A failed load is not cached, so the next request tries again.
    data.catch(() => {
      if (cached?.data === data) cached = null
    })
    cached = { key, data }
  }
  return cached.data
}
