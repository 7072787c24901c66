// Watch mode: rebuild the bundle on every save, reusing unchanged files' work. A library
// function (the preview's dev server uses it too); only the CLI prints.
import { watch as fsWatch, type FSWatcher } from 'node:fs'
import { build, createCache, type BuildResult } from '../compiler/index.ts'

export interface WatchOptions {
  contentDir: string
  outDir: string
  /** Called after every build, the first one included. */
  onBuild: (result: BuildResult, changed: string[]) => void
  /** Milliseconds to wait for more saves before rebuilding. */
  debounceMs?: number
}

export interface Watcher {
  /** Resolves after the first build. */
  ready: Promise<BuildResult>
  /** Builds now (used by tests and after bursts of events). */
  rebuild: () => Promise<BuildResult>
  close: () => void
}

export function watchContent(options: WatchOptions): Watcher {
  const cache = createCache()
  let running: Promise<BuildResult> | null = null
  let again = false
  let changed = new Set<string>()
  let timer: NodeJS.Timeout | null = null

  const rebuild = async (): Promise<BuildResult> => {
    if (running) {
      again = true
      return running
    }
    const files = [...changed]
    changed = new Set()
    running = build({ contentDir: options.contentDir, outDir: options.outDir, cache })
    try {
      const result = await running
      options.onBuild(result, files)
      return result
    } finally {
      running = null
      if (again) {
        again = false
        void rebuild()
      }
    }
  }

  const watcher: FSWatcher = fsWatch(options.contentDir, { recursive: true }, (_event, name) => {
    if (name) changed.add(String(name))
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void rebuild(), options.debounceMs ?? 30)
  })

  return {
    ready: rebuild(),
    rebuild,
    close: () => {
      if (timer) clearTimeout(timer)
      watcher.close()
    },
  }
}
