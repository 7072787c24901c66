// Watch mode: rebuild the bundle after every save, reusing unchanged files' work. Part of the
// compiler's API: `plus build --watch`, `plus dev` and the preview's dev server all use it.
//
// Editors save in many ways: writing in place, writing a temporary file and renaming it over the
// original (vim, `sed -i`, JetBrains "safe write"), deleting and recreating, and authors move
// files and rename whole module folders. Node's own recursive `fs.watch` follows inodes and
// loses a file after a rename-style save; chokidar re-attaches to replaced files and folders and
// folds the unlink+add of an atomic save into one change. Every event also drops the cached read
// of its path, so a save that keeps size and modification time is never mistaken for no change.
// If the watcher reports an error it may have lost track: it says so, starts a new watcher and
// rebuilds from scratch.
import { watch as chokidarWatch, type FSWatcher } from 'chokidar'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { build, createCache, type BuildResult, type CompileCache } from './index.ts'

export interface WatchOptions {
  contentDir: string
  outDir: string
  /** Called after every build, the first one included, with the paths (relative) that changed. */
  onBuild: (result: BuildResult, changed: string[]) => void
  /**
   * Called when the watcher may have missed changes (a watcher error, the content folder
   * removed); a full rebuild follows.
   */
  onLostTrack?: (reason: LostTrack) => void
  /** Threads that resolve files (see CompileOptions.threads); automatic when absent. */
  threads?: number
  /** Milliseconds to wait for more saves before rebuilding. */
  debounceMs?: number
  /**
   * Milliseconds between checks that the files still match the last build (0: never). A change
   * that no event announced means the watcher lost track.
   */
  auditMs?: number
  /** Decides which watcher events are seen (all by default); tests use it to simulate lost events. */
  filterEvent?: (event: string, file: string) => boolean
}

/** Why the watcher may have missed changes, in both languages. */
export interface LostTrack {
  sv: string
  en: string
}

export interface Watcher {
  /** Resolves after the first build. */
  ready: Promise<BuildResult>
  /** Builds now (used by tests and after bursts of events). */
  rebuild: () => Promise<BuildResult>
  /** Forgets every cached read and builds from scratch. */
  rebuildFromScratch: (reason?: LostTrack) => Promise<BuildResult>
  /** True while a build is running or one is scheduled. */
  busy: () => boolean
  /** The number of builds finished so far. */
  builds: () => number
  close: () => Promise<void>
}

export function watchContent(options: WatchOptions): Watcher {
  const root = path.resolve(options.contentDir)
  let cache: CompileCache = createCache()
  let running: Promise<BuildResult> | null = null
  let again = false
  let changed = new Set<string>()
  let timer: NodeJS.Timeout | null = null
  let finished = 0
  let closed = false
  let watcher: FSWatcher

  // What the files looked like just after the last build, for the audit (none without one).
  const auditMs = options.auditMs ?? 2000
  let snapshot: Map<string, string> | null = null
  let builds = 0
  let suspicious = 0

  const rebuild = async (): Promise<BuildResult> => {
    if (running) {
      again = true
      return running
    }
    const files = [...changed]
    changed = new Set()
    suspicious = 0
    const generation = ++builds
    // The absolute folder keys the cache the way events name files; messages keep the given one.
    const used = cache
    running = build({
      contentDir: root,
      displayDir: options.contentDir,
      outDir: options.outDir,
      cache: used,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    })
    try {
      const result = await running
      finished++
      options.onBuild(result, files)
      // The audit's reference, taken after the build and off its path (a save must not wait
      // for a walk of the folder). For every file the build read, the reference is what the
      // build saw (the size and time it recorded before reading), not what the walk finds: a
      // save without an event between the build and the walk would otherwise become part of
      // the reference and never be noticed.
      // The files the build read are not stat()ed again: their state is what the build saw.
      const seenByBuild = (key: string) => {
        const seen = used.sources.get(key) ?? used.media.get(key)
        return seen ? `${seen.size}:${seen.mtimeMs}` : undefined
      }
      if (auditMs > 0) {
        void fingerprint(root, seenByBuild).then((taken) => {
          if (generation === builds) snapshot = taken
        })
      }
      return result
    } finally {
      running = null
      if (again && !closed) {
        again = false
        void rebuild()
      }
    }
  }

  const schedule = () => {
    if (closed) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      void rebuild()
    }, options.debounceMs ?? 30)
  }

  const forget = (absolute: string, isDir: boolean) => {
    if (isDir) {
      // A folder moved or renamed: every cached read under it may be stale.
      const prefix = absolute + path.sep
      for (const key of cache.sources.keys()) if (key === absolute || key.startsWith(prefix)) cache.sources.delete(key)
      for (const key of cache.media.keys()) if (key === absolute || key.startsWith(prefix)) cache.media.delete(key)
      return
    }
    cache.sources.delete(absolute)
    cache.media.delete(absolute)
  }

  const rebuildFromScratch = (reason?: LostTrack) => {
    if (reason) options.onLostTrack?.(reason)
    cache = createCache()
    return rebuild()
  }

  const start = () => {
    const w = chokidarWatch(root, {
      ignoreInitial: true,
      // Folds the unlink + add of a safe save into one change.
      atomic: true,
      ignored: (file: string) => /(^|[\\/])(\.git|node_modules)([\\/]|$)/.test(file),
    })
    w.on('all', (event, file) => {
      if (options.filterEvent && !options.filterEvent(event, file)) return
      suspicious = 0
      const absolute = path.resolve(root, file)
      forget(absolute, event === 'addDir' || event === 'unlinkDir')
      if (event === 'unlinkDir' && absolute === root) {
        // The content folder itself is gone (moved away or replaced): start over when it is back.
        void restart({ sv: 'innehållsmappen togs bort eller byttes ut', en: 'the content folder was removed or replaced' })
        return
      }
      changed.add(path.relative(root, absolute).split(path.sep).join('/'))
      schedule()
    })
    w.on('error', (error) => {
      const detail = (error as Error).message ?? String(error)
      void restart({ sv: `filbevakningen rapporterade ett fel (${detail})`, en: `the file watcher reported an error (${detail})` })
    })
    return w
  }

  const restart = async (reason: LostTrack) => {
    if (closed) return
    suspicious = 0
    await watcher.close().catch(() => undefined)
    if (closed) return
    watcher = start()
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
    await rebuildFromScratch(reason)
  }

  watcher = start()
  // The audit: when nothing is pending and the files differ from the last build's snapshot
  // twice in a row (an event may still be on its way the first time), an event was lost.
  const audit =
    auditMs > 0
      ? setInterval(async () => {
          if (closed || running || timer || again || !snapshot) return
          const now = await fingerprint(root)
          if (closed || running || timer || again) return
          if (sameFingerprint(now, snapshot)) {
            suspicious = 0
            return
          }
          // A fresh watcher too: the old one may be attached to a folder that is no longer there.
          if (++suspicious >= 2) void restart({ sv: 'filer ändrades utan att filbevakningen märkte det', en: 'files changed without the file watcher noticing' })
        }, auditMs)
      : null
  audit?.unref()
  const watching = new Promise<void>((resolve) => watcher.once('ready', () => resolve()))

  return {
    // The first build waits for the watcher, so no save after `ready` can go unseen.
    ready: watching.then(() => rebuild()),
    rebuild,
    rebuildFromScratch,
    busy: () => running !== null || timer !== null || again,
    builds: () => finished,
    close: async () => {
      closed = true
      if (timer) clearTimeout(timer)
      if (audit) clearInterval(audit)
      await watcher.close()
    },
  }
}

/** Files the compiler may read: Markdown and media, not editors' temporary and backup files. */
const CONTENT_FILE = /\.(md|vtt|svg|png|jpe?g|webp|gif|mp4|webm)$/i

/**
 * Size and modification time of every content file, by path: cheap to take, enough to compare.
 * `known` answers for files whose state is already known (the ones a build read).
 */
async function fingerprint(root: string, known: (file: string) => string | undefined = () => undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  // The folder itself: replaced by another folder of the same name, it has another inode.
  const rootInfo = await stat(root).catch(() => null)
  out.set(root, rootInfo ? `dir:${rootInfo.ino}` : 'missing')
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const full = path.join(dir, entry.name)
      if (entry.isDirectory() && depth < 3) await walk(full, depth + 1)
      else if (entry.isFile() && CONTENT_FILE.test(entry.name)) {
        const state = known(full)
        if (state !== undefined) {
          out.set(full, state)
          continue
        }
        const info = await stat(full).catch(() => null)
        if (info) out.set(full, `${info.size}:${info.mtimeMs}`)
      }
    }
  }
  await walk(root, 0)
  return out
}

function sameFingerprint(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false
  for (const [key, value] of a) if (b.get(key) !== value) return false
  return true
}
