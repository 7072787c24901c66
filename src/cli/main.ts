// The `plus` command line: parses arguments and calls the library. Returns an exit code:
// 0 clean, 1 when content has errors, 2 for misuse. Only scripts/plus.ts exits the process.
//
// Each command's modules are imported when that command runs, not at start-up: the compiler,
// the watcher, the FHIR export and their packages take several times longer to load than a
// `plus --help` may take, and `plus check` needs none of the others.
import { parseArgs } from 'node:util'
import path from 'node:path'
import { localeLang, parseFormat, pickLang, UsageError, type Io, type Lang } from './io.ts'

/** The usage text in each language. */
export const usages = {
  en: `plus — write, check and build the PLUS programme

Usage:
  plus check [content-dir]             validate only
  plus build [content-dir] [--out dir] validate and write the bundle (default dist/bundle)
  plus build --watch | plus dev        rebuild on every save
  plus new module <title>              a new module folder with a first section
  plus new section <module-dir> <title>
  plus new step <section-file> [title]
  plus report [content-dir]            words, LIX, reading time, films, forms per step
  plus diff <old-bundle> <new-bundle>  what changed, with warnings for stored answers
  plus fhir [bundle] [--out file]      every form as a FHIR R4 Questionnaire
  plus sandbox [--port n]              Provkör: play the programme in the browser (127.0.0.1)

Options:
  --format text|json   diagnostics as text (default) or JSON on stdout
  --lang sv|en         language of messages (default: from the locale)
  --release            refuse unless every module is approved; record approvals
  --content dir        content folder for \`plus new\` (default content)
  --base-url url       canonical base of FHIR Questionnaire urls (plus fhir)
  --no-cache           check/build without the cache in node_modules/.cache/plus/
  --threads n          threads for check/build (or PLUS_THREADS); default: one per core
                       when the content is large; 1: everything on one thread
  -h, --help           this text
`,
  sv: `plus — skriv, kontrollera och bygg PLUS-programmet

Användning:
  plus check [innehållsmapp]           kontrollera bara
  plus build [innehållsmapp] [--out mapp]  kontrollera och skriv paketet (standard dist/bundle)
  plus build --watch | plus dev        bygg om vid varje sparning
  plus new module <titel>              en ny modulmapp med ett första avsnitt
  plus new section <modulmapp> <titel>
  plus new step <avsnittsfil> [titel]
  plus report [innehållsmapp]          ord, LIX, lästid, filmer och formulär per steg
  plus diff <gammalt-paket> <nytt-paket>  vad som ändrats, med varningar för sparade svar
  plus fhir [paket] [--out fil]        varje formulär som ett FHIR R4 Questionnaire

Flaggor:
  --format text|json   fel som text (standard) eller som JSON på stdout
  --lang sv|en         språk för meddelanden (standard: från språkinställningen)
  --release            vägra om inte varje modul är godkänd; spara godkännandena
  --content mapp       innehållsmapp för \`plus new\` (standard content)
  --base-url url       bas för FHIR-formulärens url:er (plus fhir)
  --no-cache           check/build utan cachen i node_modules/.cache/plus/
  --threads n          trådar för check/build (eller PLUS_THREADS); standard: en per kärna
                       när innehållet är stort; 1: allt i en tråd
  -h, --help           den här texten
`,
} as const

/** The English usage text (kept for callers of the earlier API). */
export const usage = usages.en

/** The language for usage and misuse messages: a valid `--lang` in argv, else the locale. */
function usageLang(argv: string[], io: Io): Lang {
  const at = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='))
  const value = at === -1 ? undefined : argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1]
  return value === 'sv' || value === 'en' ? value : localeLang(io.env)
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io)
  } catch (error) {
    if (error instanceof UsageError) {
      const lang = usageLang(argv, io)
      io.err(`plus: ${error.text(lang)}\n\n${usages[lang]}`)
      return 2
    }
    throw error
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        format: { type: 'string' },
        lang: { type: 'string' },
        release: { type: 'boolean' },
        watch: { type: 'boolean' },
        content: { type: 'string' },
        'base-url': { type: 'string' },
        port: { type: 'string' },
        'no-cache': { type: 'boolean' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message, `felaktiga argument: ${(error as Error).message}`)
  }
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  if (values.help || command === 'help') {
    io.out(usages[usageLang(argv, io)])
    return 0
  }
  const lang = pickLang(values.lang, io.env)
  const format = parseFormat(values.format)
  // check and build keep each file's resolved form and the last outcome in node_modules/.cache/plus/ (see
  // src/compiler/disk-cache.ts) unless told not to.
  const cacheDir = values['no-cache'] ? null : path.resolve(io.cwd, 'node_modules/.cache/plus')
  const threads = parseThreads(values.threads ?? io.env.PLUS_THREADS)
  const runCompile = async (options: Omit<import('./compile-command.ts').CompileCommandOptions, 'cacheDir' | 'threads'>) => {
    if (io.bundledResolver) (await import('../compiler/parse/resolver.ts')).useBundledResolver()
    return (await import('./compile-command.ts')).runCompile(io, { ...options, cacheDir, threads })
  }
  switch (command) {
    case 'check':
      if (rest.length > 1) throw new UsageError('check takes at most one content folder', 'check tar högst en innehållsmapp')
      return runCompile({ contentDir: rest[0] ?? 'content', outDir: null, format, lang, release: values.release ?? false })
    case 'build':
      if (rest.length > 1) throw new UsageError('build takes at most one content folder', 'build tar högst en innehållsmapp')
      if (values.watch) return dev(io, rest[0] ?? 'content', values.out ?? 'dist/bundle', lang, threads)
      return runCompile({
        contentDir: rest[0] ?? 'content',
        outDir: values.out ?? 'dist/bundle',
        format,
        lang,
        release: values.release ?? false,
      })
    case 'dev':
      return dev(io, rest[0] ?? 'content', values.out ?? 'dist/bundle', lang, threads)
    case 'report':
      if (rest.length > 1) throw new UsageError('report takes at most one content folder', 'report tar högst en innehållsmapp')
      return (await import('./report.ts')).runReport(io, rest[0] ?? 'content', format, lang)
    case 'diff':
      return (await import('./diff.ts')).runDiff(io, rest, format, lang)
    case 'fhir':
      return (await import('./fhir.ts')).runFhir(io, rest, values.out, values['base-url'])
    case 'new':
      return runNew(io, rest, values.content ?? 'content')
    case 'sandbox':
      return sandbox(io, values.port)
    case undefined:
      throw new UsageError('missing command', 'kommando saknas')
    default:
      throw new UsageError(`unknown command "${command}"`, `okänt kommando "${command}"`)
  }
}

/** `--threads` (or PLUS_THREADS): a whole number of threads, at least 1; absent for automatic. */
function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1) throw new UsageError(`--threads must be a whole number of at least 1, not "${value}"`, `--threads ska vara ett heltal från 1, inte "${value}"`)
  return n
}

async function runNew(io: Io, args: string[], contentDir: string): Promise<number> {
  const [what, ...rest] = args
  const { newModule, newSection, newStep, ScaffoldError } = await import('../compiler/scaffold.ts')
  const content = path.resolve(io.cwd, contentDir)
  const shown = (file: string) => path.relative(io.cwd, file)
  try {
    switch (what) {
      case 'module': {
        if (!rest[0]) throw new UsageError('plus new module <title>', 'plus new module <titel>')
        io.out(`${shown(await newModule(rest.join(' '), content))}\n`)
        return 0
      }
      case 'section': {
        if (!rest[0] || !rest[1]) throw new UsageError('plus new section <module-dir> <title>', 'plus new section <modulmapp> <titel>')
        io.out(`${shown(await newSection(path.resolve(io.cwd, rest[0]), rest.slice(1).join(' '), content))}\n`)
        return 0
      }
      case 'step': {
        if (!rest[0]) throw new UsageError('plus new step <section-file> [title]', 'plus new step <avsnittsfil> [titel]')
        io.out(`#${await newStep(path.resolve(io.cwd, rest[0]), rest.slice(1).join(' ') || 'Nytt steg', content)}\n`)
        return 0
      }
      default:
        throw new UsageError('plus new module|section|step …')
    }
  } catch (error) {
    // Scaffolding names absolute paths; the command line shows them as the user typed them.
    if (error instanceof ScaffoldError) {
      const relative = (text: string) => text.split(io.cwd + path.sep).join('')
      throw new UsageError(relative(error.message), relative(error.sv))
    }
    throw error
  }
}

/** Runs Provkör (src/sandbox) from the current folder until interrupted. */
async function sandbox(io: Io, port: string | undefined): Promise<number> {
  const { DEFAULT_PORT, runSandbox } = await import('../sandbox/main.ts')
  const n = Number(port ?? DEFAULT_PORT)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port takes a number from 0 to 65535')
  const running = await runSandbox({ root: io.cwd, port: n, out: (line) => io.out(`${line}\n`) })
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()))
  await running.stop()
  return 0
}

/** Watches until interrupted; prints each build's result. */
async function dev(io: Io, contentDir: string, outDir: string, lang: 'sv' | 'en', threads: number | undefined): Promise<number> {
  const [{ watchContent }, { formatText }, { hasErrors }] = await Promise.all([
    import('../compiler/watch.ts'),
    import('../compiler/diagnostics/format.ts'),
    import('../compiler/diagnostics/diagnostic.ts'),
  ])
  const watcher = watchContent({
    contentDir: path.resolve(io.cwd, contentDir),
    outDir: path.resolve(io.cwd, outDir),
    ...(threads === undefined ? {} : { threads }),
    onBuild: (result, changed) => {
      const when = new Date().toLocaleTimeString('sv-SE')
      const head = changed.length ? `${when} ${changed.join(', ')}` : `${when} ${contentDir}`
      if (hasErrors(result.diagnostics) || result.diagnostics.length) io.err(`${head}\n${formatText(result.diagnostics, lang)}\n`)
      else io.err(`${head}: ${result.write === 'unchanged' ? (lang === 'sv' ? 'oförändrat' : 'unchanged') : outDir}\n`)
    },
    onLostTrack: (reason) =>
      io.err(lang === 'sv' ? `Bevakningen kan ha missat ändringar (${reason.sv}); bygger om allt från början.\n` : `The watcher may have missed changes (${reason.en}); rebuilding everything from scratch.\n`),
  })
  await watcher.ready
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()))
  await watcher.close()
  return 0
}
