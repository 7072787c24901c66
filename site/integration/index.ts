// The Astro integration that ties the preview to the content pipeline:
// - build: the site reads the bundle written by `plus build`; the media are copied alongside.
// - dev: the content watcher (src/compiler/watch.ts) rebuilds the bundle on every save; the browser
//   reloads after each rebuild, and while the content has errors every page is replaced by a
//   list of them, which the terminal prints too.
import type { AstroIntegration } from 'astro'
import type { ViteDevServer } from 'vite'
import type { IncomingMessage } from 'node:http'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatText, type BuildResult, type Diagnostic, type Lang } from '../../src/compiler/index.ts'
import { hasErrors } from '../../src/compiler/diagnostics/diagnostic.ts'
import { watchContent, type LostTrack, type Watcher } from '../../src/compiler/watch.ts'
import { bundleKey, publishBundle } from '../lib/bundle.ts'
import { errorPage } from './error-page.ts'
import { externalSrc } from './external-src.ts'
import { copyMedia, serveMedia } from './media.ts'

export interface PlusPreviewOptions {
  /** The content folder, relative to the project root. PLUS_CONTENT_DIR overrides it. */
  contentDir?: string
  /** The bundle folder, relative to the project root. PLUS_BUNDLE_DIR overrides it. */
  bundleDir?: string
}

export default function plusPreview(options: PlusPreviewOptions = {}): AstroIntegration {
  let root = process.cwd()
  let contentDir = ''
  let bundleDir = ''
  // Diagnostics are shown in Swedish, the language of the people who edit the content.
  const lang: Lang = process.env.PLUS_LANG === 'en' ? 'en' : 'sv'

  return {
    name: 'plus-preview',
    hooks: {
      'astro:config:setup': ({ config, updateConfig }) => {
        root = fileURLToPath(config.root)
        contentDir = path.resolve(root, process.env.PLUS_CONTENT_DIR ?? options.contentDir ?? 'content')
        bundleDir = path.resolve(root, process.env.PLUS_BUNDLE_DIR ?? options.bundleDir ?? 'dist/bundle')
        // Pages read the bundle folder from here (site/lib/bundle.ts), the content folder for
        // links to source files (site/lib/source.ts) and the released bundle to compare with
        // (site/lib/released.ts).
        process.env.PLUS_BUNDLE_DIR = bundleDir
        process.env.PLUS_CONTENT_DIR = contentDir
        process.env.PLUS_RELEASED_DIR = path.resolve(root, process.env.PLUS_RELEASED_DIR ?? 'dist/released')
        updateConfig({
          vite: {
            plugins: [externalSrc(path.join(root, 'src'))],
            // The watcher below owns content/ and the bundle; Vite need not watch them.
            server: { watch: { ignored: [`${contentDir}/**`, `${bundleDir}/**`, `${bundleDir}.*/**`] } },
          },
        })
      },

      'astro:server:setup': ({ server, logger }) => {
        // Diagnostics name files by the path the compiler is given: relative to the working
        // directory when the content is inside it (`content/stress/01-….md:8:31`), which terminals
        // and editors turn into links.
        const relative = path.relative(process.cwd(), contentDir)
        const watchedDir = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : contentDir
        let diagnostics: Diagnostic[] = []
        let builds = 0
        // The pages read the bundle just written from memory rather than from the files
        // (site/lib/bundle.ts): after a save in a large programme, reading, parsing and checking
        // the bundle again was most of the time before the reloaded page showed.
        const publish = async (result: BuildResult): Promise<void> => {
          if (!result.output || result.write === null) return publishBundle(null)
          const { key } = await bundleKey(bundleDir).catch(() => ({ key: '' }))
          publishBundle(key ? { dir: bundleDir, key, bundle: result.output.bundle, manifest: result.output.manifest } : null)
        }
        const onBuild = async (result: BuildResult, changed: string[]): Promise<void> => {
          await publish(result)
          const before = hasErrors(diagnostics)
          diagnostics = result.diagnostics
          const now = hasErrors(diagnostics)
          // Editors save through temporary files; name only the files that are still there.
          const saved = changed.filter((name) => existsSync(path.join(contentDir, name)))
          const files = saved.length ? saved.join(', ') : watchedDir
          if (diagnostics.length > 0) {
            const text = `${files}\n${formatText(diagnostics, lang)}`
            if (now) logger.error(text)
            else logger.warn(text)
          } else if (builds === 0) {
            logger.info(`${watchedDir} → ${path.relative(root, bundleDir) || bundleDir}: förhandsvisningen följer innehållet och laddar om vid varje sparning`)
          } else {
            const what = before ? 'felen är rättade' : result.write === 'unchanged' ? 'paketet är oförändrat' : 'paketet är byggt'
            logger.info(`${files}: ${what}`)
          }
          if (builds++ > 0 && (result.write === 'written' || before || now)) reload(server)
        }
        const onLostTrack = (reason: LostTrack) =>
          logger.warn(lang === 'sv' ? `bevakningen kan ha missat ändringar (${reason.sv}); bygger om allt från början` : `the watcher may have missed changes (${reason.en}); rebuilding everything from scratch`)
        const watcher: Watcher = watchContent({ contentDir: watchedDir, outDir: bundleDir, onBuild, onLostTrack })
        server.httpServer?.once('close', () => watcher.close())

        server.middlewares.use(serveMedia(bundleDir))
        server.middlewares.use(async (req, res, next) => {
          // A crash in the compiler is Astro's to report; this page is for content errors.
          await watcher.ready.catch(() => undefined)
          if (!hasErrors(diagnostics) || !isPageRequest(req)) return next()
          res.statusCode = 500
          res.setHeader('Content-Type', 'text/html; charset=utf-8')
          res.setHeader('Cache-Control', 'no-store')
          res.end(errorPage(diagnostics, lang, root))
        })
      },

      'astro:build:done': async ({ dir }) => {
        await copyMedia(bundleDir, fileURLToPath(dir))
      },
    },
  }
}

/** A browser navigation to a page, as opposed to a module, an asset or Vite's own requests. */
function isPageRequest(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false
  if (!(req.headers.accept ?? '').includes('text/html')) return false
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
  return !/^\/(@|_astro\/|node_modules\/|media\/|__)/.test(pathname)
}

/**
 * After a rebuild: clear Astro's cached static paths (steps may have been added or removed) and
 * reload every open page, the way Astro's own content layer does on a content change.
 */
function reload(server: ViteDevServer): void {
  for (const [name, environment] of Object.entries(server.environments)) {
    if (name !== 'client') environment.hot.send('astro:content-changed', {})
  }
  server.environments.client.hot.send({ type: 'full-reload', path: '*' })
}
