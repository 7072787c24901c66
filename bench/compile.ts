// Compiler benchmarks for one corpus size, run in a child process of bench/run.ts so that each
// measurement has its own peak memory. Prints one JSON line.
//
//   node bench/compile.ts <floor|build|build1|incremental> <steps> <work-dir>
//
// build uses worker threads as `plus build` does (automatic); build1 keeps everything on one
// thread (`--threads 1`). Each mode runs 3 times in this one process, the best counts; the first
// run (`firstMs`) is also reported: it is the cold one, as `plus build` meets it in a new process
// (nothing loaded or optimised yet, and for build no worker started). The worker pool persists
// between the builds of one process, as it does in watch mode and the dev server, so the 2nd and
// 3rd threaded builds find their workers warm.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import module from 'node:module'
import path from 'node:path'
import { getHeapStatistics } from 'node:v8'

// Node's on-disk compile cache, as `plus` enables it (scripts/plus.js), for every mode alike: the
// floor's parser and the compiler (and its worker threads) load their code from it. It must be on
// before the modules are loaded, so they are imported below, not at the top.
module.enableCompileCache?.()
const [{ parseDocument }, { default: remarkDirective }, { default: remarkParse }, { unified }] = await Promise.all([
  import('yaml'),
  import('remark-directive'),
  import('remark-parse'),
  import('unified'),
])
const { build } = await import('../src/compiler/index.ts')
const { loadContent } = await import('../src/compiler/load/discover.ts')
const { resolvePoolCpuUsage, threadsFor } = await import('../src/compiler/resolve/parallel.ts')
const { watchContent } = await import('../src/compiler/watch.ts')
const { writeCorpus } = await import('./corpus.ts')
// The builds load the resolve phase as `plus` does (src/cli/main.ts): pre-bundled into one file,
// on the main thread and in the workers alike (made first here, as an earlier `plus` run would have).
const { freshBundle, resolvePlace, useBundledResolver } = await import('../src/compiler/parse/resolver.ts')

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

/**
 * CPU time (user + system, ms) of each run: all threads of the process (`cpu`), the main JS thread
 * alone (`mainCpu`) and the pool's worker threads (`workerCpu`). The rest of `cpu` is V8's helper
 * threads (parallel and concurrent GC, background compilation) and libuv's.
 */
const cpu: number[] = []
const mainCpu: number[] = []
const workerCpu: number[] = []
async function time(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  const times: number[] = []
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  for (let i = 0; i < runs; i++) {
    const workersBefore = sum(await resolvePoolCpuUsage())
    const used = process.cpuUsage()
    const main = process.threadCpuUsage()
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
    const { user, system } = process.cpuUsage(used)
    const mainUsed = process.threadCpuUsage(main)
    cpu.push((user + system) / 1000)
    mainCpu.push((mainUsed.user + mainUsed.system) / 1000)
    // The pool's workers live on between runs; a worker started by this run counts from its start.
    workerCpu.push((sum(await resolvePoolCpuUsage()) - workersBefore) / 1000)
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
  useBundledResolver()
  await freshBundle(resolvePlace)
  if (mode === 'build') threads = threadsFor((await loadContent(contentDir)).files)
  times = await time(() => fullBuild(mode === 'build1' ? 1 : undefined), 3)
} else times = await incremental()
clearInterval(sample)
peakHeap = Math.max(peakHeap, getHeapStatistics().total_heap_size)
const usage = process.resourceUsage()
process.stdout.write(
  JSON.stringify({ mode, steps, ms: Math.min(...times), medianMs: median(times), firstMs: times[0], cpuMs: cpu.map(Math.round), mainCpuMs: mainCpu.map(Math.round), workerCpuMs: workerCpu.map(Math.round), ...(savesCpu.length ? { cpuMedianMs: median(savesCpu) } : {}), peakRssMb: Math.round(usage.maxRSS / 1024), peakHeapMb: Math.round(peakHeap / 2 ** 20), threads }) + '\n',
)
