// Compiler benchmarks for one corpus size, run in a child process of bench/run.ts so that each
// measurement has its own peak memory. Prints one JSON line.
//
//   node bench/compile.ts <floor|build|build1|incremental> <steps> <work-dir>
//
// build uses worker threads as `plus build` does (automatic); build1 keeps everything on one
// thread (`--threads 1`).
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseDocument } from 'yaml'
import remarkDirective from 'remark-directive'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { getHeapStatistics } from 'node:v8'
import { build } from '../src/compiler/index.ts'
import { loadContent } from '../src/compiler/load/discover.ts'
import { threadsFor } from '../src/compiler/resolve/parallel.ts'
import { watchContent } from '../src/compiler/watch.ts'
import { writeCorpus } from './corpus.ts'

const [mode, stepsArg, work] = process.argv.slice(2)
const steps = Number(stepsArg)
if (!mode || !steps || !work) throw new Error('usage: compile.ts <floor|build|build1|incremental> <steps> <work-dir>')
const contentDir = path.join(work, `content-${steps}`)
const outDir = path.join(work, `bundle-${steps}`)

/** Every Markdown file of a content folder. */
async function markdownFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.md')) out.push(path.join(entry.parentPath, entry.name))
  }
  return out.sort()
}

/** The bare floor: read every file, parse its frontmatter with yaml and its body with remark-parse + remark-directive. */
async function floor(): Promise<number> {
  const processor = unified().use(remarkParse).use(remarkDirective)
  let nodes = 0
  for (const file of await markdownFiles(contentDir)) {
    const text = await readFile(file, 'utf8')
    const frontmatter = /^---\n([\s\S]*?)\n---\n?/.exec(text)
    parseDocument(frontmatter?.[1] ?? '')
    nodes += processor.parse(frontmatter ? text.slice(frontmatter[0].length) : text).children.length
  }
  return nodes
}

let builds = 0
/** A full `plus build` into a fresh output folder, so every run really writes the bundle. */
async function fullBuild(threads?: number): Promise<number> {
  const result = await build({ contentDir, outDir: `${outDir}-${builds++}`, ...(threads ? { threads } : {}) })
  if (!result.output) throw new Error(`the corpus does not compile: ${result.diagnostics.slice(0, 3).map((d) => d.code).join(', ')}`)
  return result.output.bundle.programme.modules.length
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  return times
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The main process's CPU time (all its threads) per save in watch mode, from the write to the bundle written. */
const savesCpu: number[] = []

async function incremental(): Promise<number[]> {
  const files = await markdownFiles(contentDir)
  const target = files.find((f) => f.endsWith('-avsnitt.md'))!
  let resolveBuild: (() => void) | null = null
  const watcher = watchContent({ contentDir, outDir, debounceMs: 0, onBuild: () => resolveBuild?.() })
  await watcher.ready
  const times: number[] = []
  const original = await readFile(target, 'utf8')
  for (let i = 0; i < 7; i++) {
    const built = new Promise<void>((resolve) => (resolveBuild = resolve))
    const cpu = process.cpuUsage()
    const start = performance.now()
    await writeFile(target, original.replace('Steg ', `Steg ${i} `))
    await built
    times.push(performance.now() - start)
    const used = process.cpuUsage(cpu)
    savesCpu.push((used.user + used.system) / 1000)
  }
  watcher.close()
  return times
}

await writeCorpus(contentDir, steps)
// The main thread's committed heap, sampled whenever its event loop turns (between the batches of
// a threaded compile; after the whole synchronous work of a single-threaded one). Worker threads'
// heaps are not in it; they are in the peak RSS, which covers the whole process.
let peakHeap = 0
const sample = setInterval(() => (peakHeap = Math.max(peakHeap, getHeapStatistics().total_heap_size)), 2)
let times: number[]
let threads = 1
if (mode === 'floor') times = await time(floor, 3)
else if (mode === 'build' || mode === 'build1') {
  if (mode === 'build') threads = threadsFor((await loadContent(contentDir)).files)
  times = await time(() => fullBuild(mode === 'build1' ? 1 : undefined), 3)
} else times = await incremental()
clearInterval(sample)
peakHeap = Math.max(peakHeap, getHeapStatistics().total_heap_size)
const usage = process.resourceUsage()
process.stdout.write(
  JSON.stringify({ mode, steps, ms: Math.min(...times), medianMs: median(times), ...(savesCpu.length ? { cpuMedianMs: median(savesCpu) } : {}), peakRssMb: Math.round(usage.maxRSS / 1024), peakHeapMb: Math.round(peakHeap / 2 ** 20), threads }) + '\n',
)
