// A seeded mutation fuzzer over real content. Each case copies nothing: it rewrites one file of
// a temporary copy of the content folder with a few random mutations (byte flips, inserted
// fences and quotes, deleted, duplicated and swapped lines, truncation, repetition, line-ending
// changes), compiles, checks the invariants, and puts the file back.
//
// Invariants: compile never throws; every diagnostic lies inside the file it names (line and
// column within that file's text, in UTF-16 code units); every compile finishes within a
// generous budget (a hang detector, not a speed test); and the same text with LF, CRLF or CR
// line endings gives the same diagnostics and the same bundle.
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compile, createCache, type CompileCache, type Diagnostic } from '../../src/compiler/index.ts'
import { normaliseText } from '../../src/compiler/load/source-file.ts'

/** A compile slower than this is reported as a failure: something went quadratic or hung. */
export const COMPILE_BUDGET_MS = 15_000

/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same run everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!
const int = (random: Random, max: number) => Math.floor(random() * max)

const FENCES = [':::', '::::', ':::::', '::', ':::step{#fz title="x"}', '::::step{#fz}', '::::form{#fz title="F"}', ':::question{#fzq type="scale"}', ':::scoring', ':::tips', '::::film{#fz}', '::image{src="media/x.png" alt="x"}', ':::steg', ':::']
const INSERTS = ['"', "'", '”', '“', '’', '{', '}', '#', '[', ']', '*', '_', '`', ':', '---', '\u200b', '\u202e', '\u0000', '\t', '> ', '- ', '1. ', '&a ', '*a', '!!str ', '<b>', '\\', '\n', '\n\n', '{#', '="', ' #x ']

export interface Mutation {
  name: string
  apply: (text: string, random: Random) => string | Uint8Array
}

const lines = (text: string) => text.split('\n')

export const mutations: Mutation[] = [
  {
    name: 'flip-byte',
    apply: (text, random) => {
      const bytes = new TextEncoder().encode(text)
      if (bytes.length === 0) return bytes
      const at = int(random, bytes.length)
      // Mostly printable ASCII, sometimes anything (invalid UTF-8 included).
      bytes[at] = random() < 0.8 ? 32 + int(random, 95) : int(random, 256)
      return bytes
    },
  },
  {
    name: 'insert-fence',
    apply: (text, random) => {
      const all = lines(text)
      all.splice(int(random, all.length + 1), 0, pick(random, FENCES))
      return all.join('\n')
    },
  },
  {
    name: 'insert-char',
    apply: (text, random) => {
      const at = int(random, text.length + 1)
      return text.slice(0, at) + pick(random, INSERTS) + text.slice(at)
    },
  },
  {
    name: 'delete-line',
    apply: (text, random) => {
      const all = lines(text)
      all.splice(int(random, all.length), 1)
      return all.join('\n')
    },
  },
  {
    name: 'duplicate-line',
    apply: (text, random) => {
      const all = lines(text)
      const at = int(random, all.length)
      all.splice(at, 0, all[at] ?? '')
      return all.join('\n')
    },
  },
  {
    name: 'swap-lines',
    apply: (text, random) => {
      const all = lines(text)
      const a = int(random, all.length)
      const b = int(random, all.length)
      ;[all[a], all[b]] = [all[b]!, all[a]!]
      return all.join('\n')
    },
  },
  { name: 'truncate', apply: (text, random) => text.slice(0, int(random, text.length + 1)) },
  {
    name: 'repeat',
    apply: (text, random) => {
      const start = int(random, text.length + 1)
      const slice = text.slice(start, start + 1 + int(random, 200))
      return text.slice(0, start) + slice.repeat(2 + int(random, 40)) + text.slice(start)
    },
  },
  {
    name: 'line-endings',
    apply: (text, random) => {
      const ending = pick(random, ['\r\n', '\r', '\n'])
      return text.replace(/\r\n?|\n/g, () => (random() < 0.7 ? ending : '\n'))
    },
  },
]

/** One mutated case: which file, what was done, the resulting content. */
export interface FuzzCase {
  seed: number
  index: number
  rel: string
  steps: string[]
  content: string | Uint8Array
}

/** A broken invariant, with everything needed to replay it. */
export interface FuzzFailure {
  case: FuzzCase
  problem: string
}

/** The case with the given index of a seeded run over the given files (deterministic). */
export function makeCase(seed: number, index: number, files: Map<string, string>): FuzzCase {
  const random = prng(seed * 1_000_003 + index)
  const rel = pick(random, [...files.keys()])
  let content: string | Uint8Array = files.get(rel)!
  const steps: string[] = []
  const count = 1 + int(random, 3)
  for (let i = 0; i < count; i++) {
    const mutation = pick(random, mutations)
    steps.push(mutation.name)
    // Once bytes, only byte flips apply; decode leniently to keep mutating as text.
    const asText: string = typeof content === 'string' ? content : new TextDecoder().decode(content)
    content = typeof content !== 'string' && mutation.name !== 'flip-byte' ? content : mutation.apply(asText, random)
  }
  return { seed, index, rel, steps, content }
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(...(await listFiles(root, child)))
    // The top README.md is read too: its list of modules is checked (PLUS319).
    else if (/\.(md|vtt|svg)$/.test(entry.name) && (entry.name !== 'README.md' || rel === '')) out.push(child)
  }
  return out
}

/** A scratch copy of a content folder to mutate, and its text files. */
export interface FuzzWorkspace {
  dir: string
  files: Map<string, string>
  cache: CompileCache
  cleanup: () => Promise<void>
}

export async function workspace(contentDir: string): Promise<FuzzWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'plus-fuzz-'))
  const dir = path.join(root, 'content')
  await cp(contentDir, dir, { recursive: true })
  const files = new Map<string, string>()
  for (const rel of (await listFiles(dir)).sort()) files.set(rel, await readFile(path.join(dir, rel), 'utf8'))
  return { dir, files, cache: createCache(), cleanup: () => rm(root, { recursive: true, force: true }) }
}

/** The text of a file as the compiler sees it, for checking positions; null when it is gone. */
async function textOf(file: string): Promise<string | null> {
  if (!existsSync(file)) return null
  return normaliseText(new TextDecoder().decode(await readFile(file)))
}

/** Problems with the positions of the diagnostics (empty when all lie inside their files). */
export async function positionProblems(diagnostics: Diagnostic[]): Promise<string[]> {
  const problems: string[] = []
  const texts = new Map<string, string[] | null>()
  const spans = diagnostics.flatMap((d) => (d.related ? [d, { ...d.related, code: `${d.code} (related)` }] : [d]))
  for (const d of spans) {
    if (!texts.has(d.file)) {
      const text = await textOf(d.file)
      texts.set(d.file, text === null ? null : text.split('\n'))
    }
    const fileLines = texts.get(d.file)
    if (fileLines === null) {
      // Only "file missing" diagnostics may name a file that does not exist.
      if (!['PLUS101', 'PLUS104', 'PLUS302', 'PLUS401'].includes(d.code.slice(0, 7))) problems.push(`${d.code} names a missing file ${d.file}`)
      continue
    }
    if (fileLines === undefined) continue
    const inside = (line: number, column: number) => line >= 1 && line <= fileLines.length && column >= 1 && column <= fileLines[line - 1]!.length + 1
    if (!inside(d.line, d.column)) problems.push(`${d.code} at ${d.line}:${d.column} lies outside ${path.basename(d.file)} (${fileLines.length} lines)`)
    else if (!inside(d.endLine, d.endColumn) || d.endLine < d.line || (d.endLine === d.line && d.endColumn < d.column)) {
      problems.push(`${d.code} ends at ${d.endLine}:${d.endColumn}, outside ${path.basename(d.file)} or before its start ${d.line}:${d.column}`)
    }
  }
  return problems
}

const summary = (diagnostics: Diagnostic[]) => JSON.stringify(diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.endLine, d.endColumn]))

async function compileWith(ws: FuzzWorkspace, rel: string, content: string | Uint8Array) {
  const absolute = path.join(ws.dir, rel)
  await writeFile(absolute, content)
  // The same size in the same millisecond would look unchanged to the stat-based cache.
  ws.cache.sources.delete(absolute)
  ws.cache.media.delete(absolute)
  const started = performance.now()
  const result = await compile({ contentDir: ws.dir, cache: ws.cache })
  return { result, ms: performance.now() - started }
}

/** Runs one case and returns the broken invariants (empty when it passed). */
export async function runCase(ws: FuzzWorkspace, fuzzCase: FuzzCase, checkLineEndings: boolean): Promise<string[]> {
  const problems: string[] = []
  // The original file's resolved result, put back afterwards so the next case need not
  // resolve it again (the cache keys it by the file's text, so it is only reused when equal).
  const saved = ws.cache.files.get(fuzzCase.rel)
  try {
    const { result, ms } = await compileWith(ws, fuzzCase.rel, fuzzCase.content)
    if (ms > COMPILE_BUDGET_MS) problems.push(`compile took ${Math.round(ms)} ms (budget ${COMPILE_BUDGET_MS} ms)`)
    problems.push(...(await positionProblems(result.diagnostics)))
    if (checkLineEndings && typeof fuzzCase.content === 'string') {
      const lf = fuzzCase.content.replace(/\r\n?/g, '\n')
      const outcomes: string[] = []
      for (const ending of ['\n', '\r\n', '\r']) {
        const { result: r } = await compileWith(ws, fuzzCase.rel, lf.replace(/\n/g, ending))
        // Media files are copied byte for byte, so only Markdown must give the same bundle.
        const bundle = fuzzCase.rel.endsWith('.md') ? JSON.stringify(r.output?.bundle ?? null) : ''
        outcomes.push(summary(r.diagnostics) + '\n' + bundle)
      }
      if (outcomes[1] !== outcomes[0]) problems.push('CRLF line endings give a different result than LF')
      if (outcomes[2] !== outcomes[0]) problems.push('CR line endings give a different result than LF')
    }
  } catch (error) {
    problems.push(`compile threw: ${(error as Error).stack ?? String(error)}`)
  } finally {
    await writeFile(path.join(ws.dir, fuzzCase.rel), ws.files.get(fuzzCase.rel)!)
    ws.cache.sources.delete(path.join(ws.dir, fuzzCase.rel))
    ws.cache.media.delete(path.join(ws.dir, fuzzCase.rel))
    if (saved) ws.cache.files.set(fuzzCase.rel, saved)
  }
  return problems
}

/** Runs `count` cases of a seeded run; every `lineEndingsEvery`-th case also checks line endings. */
export async function fuzz(
  contentDir: string,
  options: { seed: number; count: number; lineEndingsEvery?: number; onFailure?: (failure: FuzzFailure) => void | Promise<void> },
): Promise<{ cases: number; failures: FuzzFailure[] }> {
  const ws = await workspace(contentDir)
  const failures: FuzzFailure[] = []
  try {
    await compile({ contentDir: ws.dir, cache: ws.cache })
    for (let index = 0; index < options.count; index++) {
      const fuzzCase = makeCase(options.seed, index, ws.files)
      const problems = await runCase(ws, fuzzCase, index % (options.lineEndingsEvery ?? 10) === 0)
      for (const problem of problems) {
        const failure = { case: fuzzCase, problem }
        failures.push(failure)
        await options.onFailure?.(failure)
      }
    }
  } finally {
    await ws.cleanup()
  }
  return { cases: options.count, failures }
}
