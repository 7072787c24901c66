// `npm run sandbox` / `plus sandbox`: starts Provkör on 127.0.0.1 with the real engine on
// `.plus/sandbox.db` and the bundle from dist/bundle (built first when missing, rebuilt on save).
import path from 'node:path'
import { Sandbox } from './app.ts'
import { defaultStart } from './clock.ts'
import { loadOrBuildBundle, watchBundle } from './content-source.ts'
import { startServer } from './server.ts'

export const DEFAULT_PORT = 4322

export interface SandboxRunOptions {
  /** The repository root: content/, dist/bundle, site/styles and .plus/ are found from it. */
  root: string
  port?: number
  /** Rebuild the bundle when content changes (default true). */
  watch?: boolean
  out: (line: string) => void
}

/** Starts the sandbox and resolves once it listens; the returned function stops it. */
export async function runSandbox(options: SandboxRunOptions): Promise<{ origin: string; stop: () => Promise<void> }> {
  const root = path.resolve(options.root)
  const paths = { contentDir: path.join(root, 'content'), bundleDir: path.join(root, 'dist/bundle') }
  const bundle = await loadOrBuildBundle(paths)
  const sandbox = await Sandbox.open({ dbPath: path.join(root, '.plus/sandbox.db'), bundle, start: defaultStart() })
  const server = await startServer(sandbox, { globalCss: path.join(root, 'site/styles/global.css'), favicon: path.join(root, 'site/public/favicon.svg'), bundleDir: paths.bundleDir }, options.port ?? DEFAULT_PORT)
  const watching =
    options.watch === false
      ? null
      : watchBundle(paths, (result) => {
          if (result.bundle) {
            const { version } = result.bundle.programme
            sandbox.useBundle(result.bundle).then(
              () => options.out(`Innehållet är ombyggt (version ${version}).`),
              (error: unknown) => options.out(`Det ombyggda innehållet kunde inte tas i bruk: ${error instanceof Error ? error.message : String(error)}`),
            )
          } else {
            sandbox.contentProblems = result.problems
            options.out(`Innehållet har fel (${result.problems.length}); Provkör visar det senast fungerande.`)
          }
        })
  options.out(`PLUS Provkör: ${server.origin}/`)
  options.out('Lyssnar bara på 127.0.0.1 (den här datorn). Provmiljö — inga riktiga patientuppgifter.')
  options.out(`Databas: ${path.relative(root, path.join(root, '.plus/sandbox.db'))}. Avsluta med Ctrl+C.`)
  return {
    origin: server.origin,
    stop: async () => {
      watching?.close()
      await server.close()
      await sandbox.close()
    },
  }
}
