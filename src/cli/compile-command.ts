// `plus check` and `plus build`: compile, print diagnostics, and (build) write the bundle.
import path from 'node:path'
import { build, compile, formatText, toJson, type Diagnostic } from '../compiler/index.ts'
import { hasErrors } from '../compiler/diagnostics/diagnostic.ts'
import { plural, type Io, type Lang } from './io.ts'

export interface CompileCommandOptions {
  contentDir: string
  outDir: string | null
  format: 'text' | 'json'
  lang: Lang
  release: boolean
  /** The persistent cache's folder, or null for none (`--no-cache`). */
  cacheDir?: string | null
  /** Threads that resolve files (`--threads`); automatic when absent. */
  threads?: number | undefined
}

export { parseFormat } from './io.ts'

/** Prints diagnostics in the chosen format. */
export function printDiagnostics(io: Io, diagnostics: Diagnostic[], format: 'text' | 'json', lang: Lang): void {
  if (format === 'json') {
    io.out(JSON.stringify({ diagnostics: toJson(diagnostics, lang) }, null, 2) + '\n')
    return
  }
  if (diagnostics.length > 0) io.err(formatText(diagnostics, lang) + '\n')
}

export async function runCompile(io: Io, options: CompileCommandOptions): Promise<number> {
  const absolute = path.resolve(io.cwd, options.contentDir)
  const contentDir = path.relative(io.cwd, absolute) || '.'
  const common = {
    contentDir: absolute,
    displayDir: contentDir,
    release: options.release,
    ...(options.cacheDir ? { persistentCache: options.cacheDir } : {}),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  }
  const result =
    options.outDir === null
      ? await compile(common)
      : await build({ ...common, outDir: path.resolve(io.cwd, options.outDir) })
  const note = result.persistentCache?.note
  if (note) io.err(`plus: ${note[options.lang]}\n`)
  printDiagnostics(io, result.diagnostics, options.format, options.lang)
  const failed = hasErrors(result.diagnostics)
  if (options.format === 'text' && !failed) {
    const { modules, steps } = result.counts
    io.err(
      options.lang === 'sv'
        ? `${contentDir}: inga fel (${plural(modules, 'modul', 'moduler')}, ${plural(steps, 'steg', 'steg')})\n`
        : `${contentDir}: no errors (${plural(modules, 'module', 'modules')}, ${plural(steps, 'step', 'steps')})\n`,
    )
  }
  if (options.format === 'text' && !failed && options.outDir !== null && 'write' in result) {
    const manifest = result.output?.manifest
    const what = result.write === 'unchanged' ? (options.lang === 'sv' ? 'oförändrat' : 'unchanged') : options.lang === 'sv' ? 'skrivet' : 'written'
    io.err(`${options.outDir}: ${manifest?.programmeId} ${manifest?.programmeVersion} ${manifest?.contentHash.slice(0, 19)} (${what})\n`)
  }
  return failed ? 1 : 0
}
