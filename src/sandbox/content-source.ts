// Where the sandbox gets its content: the compiled bundle in dist/bundle, built first when it is
// missing, and rebuilt on every save when watching. The one place the sandbox touches the
// compiler and its watch mode, so that a move of either is absorbed here.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { loadBundle } from '../bundle/load.ts'
import { watchContent } from '../compiler/watch.ts'
import { build, formatText, type BuildResult, type Diagnostic } from '../compiler/index.ts'
import type { PlusBundle } from '../types/bundle.generated.ts'

/** Folders the content comes from and goes to. */
export interface ContentPaths {
  contentDir: string
  bundleDir: string
}

/** The outcome of a build as the sandbox reports it. */
export interface ContentBuild {
  /** The new bundle, or null when the content has errors. */
  bundle: PlusBundle | null
  /** Error and warning lines, in Swedish, for the page. */
  problems: string[]
}

function errorLines(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map((d) => formatText([d], 'sv').trim())
}

/** The bundle in `bundleDir`, building it from `contentDir` first when there is none. */
export async function loadOrBuildBundle(paths: ContentPaths): Promise<PlusBundle> {
  if (!existsSync(path.join(paths.bundleDir, 'plus.json'))) {
    const result = await build({ contentDir: paths.contentDir, outDir: paths.bundleDir })
    if (result.write === null) {
      throw new Error(`The content has errors, so there is no bundle to run:\n${formatText(result.diagnostics, 'sv')}`)
    }
  }
  return loadBundle(paths.bundleDir)
}

/** A running watch: `ready` resolves after the first build; `close` stops watching. */
export interface BundleWatch {
  ready: Promise<void>
  close: () => void
}

/** Rebuilds the bundle on every save and hands each changed result to `onBuild`. */
export function watchBundle(paths: ContentPaths, onBuild: (build: ContentBuild) => void): BundleWatch {
  const watcher = watchContent({
    contentDir: paths.contentDir,
    outDir: paths.bundleDir,
    onBuild: (result: BuildResult) => {
      if (result.write === null) {
        onBuild({ bundle: null, problems: errorLines(result.diagnostics) })
        return
      }
      if (result.write === 'unchanged') return
      loadBundle(paths.bundleDir).then(
        (bundle) => onBuild({ bundle, problems: [] }),
        (error: unknown) => onBuild({ bundle: null, problems: [String(error instanceof Error ? error.message : error)] }),
      )
    },
  })
  return { ready: watcher.ready.then(() => undefined), close: () => watcher.close() }
}
