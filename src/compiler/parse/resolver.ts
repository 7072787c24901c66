// The resolve phase's code (resolve/index.ts: the Markdown parser, YAML and every resolver), as
// the compiler loads it when it has files to resolve. Some 310 modules, 270 of them the parser's
// packages (unified, remark-parse, micromark, mdast-util-*, yaml …): loading them one by one
// takes a short command line run longer than parsing the one file it changed. The command line
// therefore loads them as one file, pre-bundled with esbuild into node_modules/.cache/plus-resolve/
// and reused by Node's compile cache, when it runs from this repository's TypeScript sources
// (never in the published package, which runs its compiled JavaScript, and never in tests that
// call the compiler: only the command line's entry point asks for it).
//
// The bundle is only ever a faster copy of what is checked out: it is made from the files as
// they are, and used only while every file it was made from (sources, packages, their
// package.json files, the installed package lock, this file) is as it was then — same size and
// times, or else same SHA-256. Otherwise it is made again first; when it cannot be (no
// esbuild, a read-only folder, another process making it), the sources are loaded as always.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

type Resolver = typeof import('../resolve/index.ts')

/** The manifest's shape; a change to this file's bundling makes every earlier bundle stale (it is an input). */
interface Manifest {
  /** The bundle's file name, in the same folder. */
  bundle: string
  /** When making it started (ms since the epoch). */
  started: number
  /** Each input: path relative to the root, size, mtime and ctime in ms, SHA-256 (hex). */
  inputs: Array<[string, number, number, number, string]>
}

/** What is bundled, from where, to where. */
export interface BundlePlace {
  /** The folder input paths are relative to (the repository). */
  root: string
  /** The module bundled, with everything it imports. */
  entry: string
  /** Where bundles, their manifests and the lock are kept. */
  cacheDir: string
}

/** The repository (src/compiler/parse → the root), and the resolve phase's bundle in it. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const resolvePlace: BundlePlace = { root, entry: path.join(root, 'src/compiler/resolve/index.ts'), cacheDir: path.join(root, 'node_modules/.cache/plus-resolve') }

/** A file changed this close to the bundle's making may have changed within one tick of its clock: check its bytes. */
const RACY_MS = 2000
/** Another process making the bundle for longer than this has died: its lock is taken over. */
const LOCK_STALE_MS = 60_000

let wanted = false

/**
 * Asks for the pre-bundled resolve phase in this process: the command line's entry point does,
 * when it runs from the TypeScript sources. Nothing changes but the time it takes to load.
 */
export function useBundledResolver(): void {
  wanted = import.meta.url.endsWith('.ts')
}

/** The resolve phase's module: the bundle when asked for and possible, else the sources. */
export async function loadResolver(): Promise<Resolver> {
  if (wanted) {
    try {
      const bundle = await freshBundle(resolvePlace)
      if (bundle) return (await import(pathToFileURL(bundle).href)) as Resolver
    } catch {
      // Any failure costs time only: the sources follow.
    }
  }
  return import('../resolve/index.ts')
}

/**
 * The URL of the pre-bundled resolve phase when this process asked for it and it is current, else
 * null; never makes it (synchronous). For resolve worker threads, which load the same code as
 * loadResolver (when the bundle must be made first, they load the sources: it costs time only).
 */
export function resolverBundleUrl(): string | null {
  if (!wanted) return null
  try {
    const bundle = currentBundle(resolvePlace)
    return bundle ? pathToFileURL(bundle).href : null
  } catch {
    return null
  }
}

/**
 * The bundle of a place's entry, made first when there is none or it is stale; null when it
 * cannot be made now (no esbuild, another process making it).
 */
export async function freshBundle(place: BundlePlace): Promise<string | null> {
  return currentBundle(place) ?? (await makeBundle(place))
}

/** Several checkouts may share one node_modules (a link): each has its own bundle and manifest. */
const names = (place: BundlePlace) => {
  const id = createHash('sha256').update(`${place.root}\n${place.entry}`).digest('hex').slice(0, 12)
  return { manifest: `manifest-${id}.json`, bundle: `bundle-${id}-`, lock: `lock-${id}` }
}

/** The bundle, when its manifest's inputs are all as they were; else null. */
export function currentBundle(place: BundlePlace): string | null {
  let manifest: Manifest
  try {
    manifest = JSON.parse(readFileSync(path.join(place.cacheDir, names(place).manifest), 'utf8')) as Manifest
  } catch {
    return null
  }
  const bundle = path.join(place.cacheDir, manifest.bundle)
  if (!Array.isArray(manifest.inputs) || manifest.inputs.length === 0 || !existsSync(bundle)) return null
  for (const [rel, size, mtimeMs, ctimeMs, sha256] of manifest.inputs) {
    const file = path.join(place.root, rel)
    let info
    try {
      info = statSync(file)
    } catch {
      return null
    }
    const same = info.size === size && info.mtimeMs === mtimeMs && info.ctimeMs === ctimeMs && ctimeMs < manifest.started - RACY_MS
    if (!same && digest(readFileSync(file)) !== sha256) return null
  }
  return bundle
}

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * Makes the bundle and its manifest; returns the bundle, or null when another process is making
 * it or esbuild is not installed. The manifest records the very bytes esbuild was given.
 */
async function makeBundle(place: BundlePlace): Promise<string | null> {
  const { cacheDir } = place
  const named = names(place)
  mkdirSync(cacheDir, { recursive: true })
  const lock = path.join(cacheDir, named.lock)
  try {
    closeSync(openSync(lock, 'wx'))
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < LOCK_STALE_MS) return null
      writeFileSync(lock, '')
    } catch {
      return null
    }
  }
  try {
    let esbuild: typeof import('esbuild')
    try {
      esbuild = await import('esbuild')
    } catch {
      return null
    }
    const started = Date.now()
    const inputs = new Map<string, Manifest['inputs'][number]>()
    const record = (file: string): Buffer => {
      const info = statSync(file)
      const bytes = readFileSync(file)
      inputs.set(file, [path.relative(place.root, file), info.size, info.mtimeMs, info.ctimeMs, digest(bytes)])
      return bytes
    }
    const result = await esbuild.build({
      entryPoints: [place.entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      // No comments or whitespace: less for Node to read, hash and decode at every start.
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'silent',
      // CommonJS packages (yaml) require Node's built-in modules.
      banner: { js: "import { createRequire as __plusCreateRequire } from 'node:module'; const require = __plusCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'plus-inputs',
          setup(build) {
            build.onLoad({ filter: /\.(ts|js|mjs|cjs|json)$/ }, (args) => {
              const bytes = record(args.path)
              if (args.path.endsWith('.json')) return { contents: bytes, loader: 'json' }
              // Each module keeps its own URL (schemas are found next to the sources, not the bundle).
              const text = bytes.toString('utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
              return { contents: text, loader: args.path.endsWith('.ts') ? 'ts' : 'js' }
            })
          },
        },
      ],
    })
    const code = result.outputFiles[0]!.contents
    // What decides how the files above were found and bundled: the packages' package.json
    // files, the installed package lock, and this file.
    const packages = new Set<string>()
    const marker = `${path.sep}node_modules${path.sep}`
    for (const file of inputs.keys()) {
      const at = file.lastIndexOf(marker)
      if (at === -1) continue
      const rest = file.slice(at + marker.length).split(path.sep)
      packages.add(path.join(file.slice(0, at + marker.length), ...rest.slice(0, rest[0]!.startsWith('@') ? 2 : 1), 'package.json'))
    }
    for (const file of [...packages, path.join(place.root, 'node_modules/.package-lock.json'), fileURLToPath(import.meta.url)]) {
      if (existsSync(file)) record(file)
    }
    const name = `${named.bundle}${digest(code).slice(0, 16)}.mjs`
    const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`
    writeFileSync(path.join(cacheDir, `${name}.tmp-${suffix}`), code)
    renameSync(path.join(cacheDir, `${name}.tmp-${suffix}`), path.join(cacheDir, name))
    const manifest: Manifest = { bundle: name, started, inputs: [...inputs.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1)) }
    writeFileSync(path.join(cacheDir, `${named.manifest}.tmp-${suffix}`), JSON.stringify(manifest))
    renameSync(path.join(cacheDir, `${named.manifest}.tmp-${suffix}`), path.join(cacheDir, named.manifest))
    // Earlier bundles: a process that read the old manifest a moment ago falls back to the sources.
    for (const old of readdirSync(cacheDir)) if (old.startsWith(named.bundle) && old !== name) rmSync(path.join(cacheDir, old), { force: true })
    return path.join(cacheDir, name)
  } finally {
    rmSync(lock, { force: true })
  }
}
