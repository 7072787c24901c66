// `npm run bench`: compiler and engine benchmarks, reported as ratios against a baseline
// measured in the same run (the bare parse floor), never as absolute pass/fail times.
//
// Each measurement runs in its own child process, so peak memory is per measurement. Outputs
// go to an in-memory folder (/dev/shm) where there is one: this machine's disk is slow at
// creating many files, and the benchmark should measure the compiler, not the disk.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
const work = path.join(base, `plus-bench-${process.pid}`)
const sizes = (process.env.BENCH_SIZES ?? '250,1000,4000,10000').split(',').map(Number)
const engineProgrammes = Number(process.env.BENCH_PROGRAMMES ?? 100_000)
// Rounds of floor / one-thread build / threaded build at 4,000 steps, the target's size.
const rounds4000 = Number(process.env.BENCH_ROUNDS ?? 2)
// The engine's PostgreSQL part (bench/engine-postgres.ts) runs when PostgreSQL is installed and
// BENCH_POSTGRES is not 0; its cluster lives in the benchmark's folder unless BENCH_PG_DIR says where.
// Each store's flag sweep is measured BENCH_SWEEP_RUNS times (default 3; bench/engine-sweep.ts).
// The same V8 flags for the floor and the build, so the ratio compares code, not settings.
const nodeFlags = ['--max-semi-space-size=64']

interface Measurement {
  mode: string
  steps: number
  ms: number
  medianMs: number
  /** The first of the runs in the process: cold code, and for a threaded build no worker started yet. */
  firstMs: number
  /** CPU time (user + system, all threads) of each run. */
  cpuMs: number[]
  /** The same, the main JS thread alone. */
  mainCpuMs: number[]
  /** The same, the resolve pool's worker threads (0 on one thread). The rest is V8's GC and compiler threads. */
  workerCpuMs: number[]
  peakRssMb: number
  /** The main thread's peak committed heap (sampled); worker threads' heaps are in peakRssMb. */
  peakHeapMb: number
  /** Threads the build used, the main one included. */
  threads: number
  /** Watch mode (incremental): the process's CPU time per save, median (all its threads). */
  cpuMedianMs?: number
}

function measure(mode: string, steps: number): Measurement {
  const out = execFileSync(process.execPath, [...nodeFlags, path.join(here, 'compile.ts'), mode, String(steps), work], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  return JSON.parse(out.trim().split('\n').at(-1)!)
}

/** Wall time of a new process, best and median of `runs`, in milliseconds. */
function wall(args: string[], runs: number, cwd: string): { best: number; median: number } {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    try {
      execFileSync(process.execPath, args, { cwd, stdio: 'ignore' })
    } catch {
      // Content with errors exits 1; the time still counts.
    }
    times.push(performance.now() - start)
  }
  const sorted = [...times].sort((a, b) => a - b)
  return { best: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! }
}
const plusBin = path.join(here, '..', 'scripts', 'plus.js')
const repoContent = path.join(here, '..', 'content')

const fmt = (n: number, digits = 0) => n.toFixed(digits)
const pad = (s: string, n: number) => s.padStart(n)

await mkdir(work, { recursive: true })
console.log(`PLUS benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`)
console.log(`outputs written to ${work} (${base === '/dev/shm' ? 'in memory' : 'temporary folder on disk'})\n`)

console.log('Full compile (plus build) against the bare floor (read + yaml + remark-parse + remark-directive, one thread)')
console.log('build: worker threads as `plus build` uses them (automatic); 1 thread: `--threads 1`. Each mode runs 3 times in a process of its own,')
console.log('with Node\'s compile cache on (as `plus` has it) and the same V8 flags; best of 3 counts. The worker pool persists between the')
console.log('3 builds of a process (as in watch mode and the dev server), so builds 2 and 3 find their workers warm; "first" is the')
console.log('first build of the process (cold code, workers started by it) against the first floor run of its process.')
console.log(`at 4,000 steps floor, 1-thread and threaded build alternate ${rounds4000} times and the best of each counts (the cores may be shared).`)
console.log(
  `${pad('steps', 6)} ${pad('floor ms', 9)} ${pad('1 thread', 9)} ${pad('ratio', 6)} ${pad('build ms', 9)} ${pad('threads', 7)} ${pad('ratio', 6)} ${pad('first: floor/1/build ms', 24)} ${pad('ratios 1/build', 15)} ${pad('µs/step', 8)} ${pad('peak RSS MB floor/1/build', 26)} ${pad('main heap MB 1/build', 21)} ${pad('CPU s 1 | build: all = main + workers + V8, first / least run', 40)}`,
)
/**
 * Where a build's CPU went, its first run and its fastest: all threads = main JS thread + resolve
 * workers + the rest (V8's parallel GC and background compiler threads, which a second JS heap adds to).
 */
function cpuSplit(m: Measurement): string {
  const split = (i: number) => {
    const s = (ms: number) => fmt(ms / 1000, 1)
    const all = m.cpuMs[i]!
    const main = m.mainCpuMs[i]!
    const workers = m.workerCpuMs[i]!
    return `${s(all)} = ${s(main)} + ${s(workers)} + ${s(all - main - workers)}`
  }
  const fastest = m.cpuMs.indexOf(Math.min(...m.cpuMs))
  return `${split(0)} / ${split(fastest)}`
}
const results: Array<{ steps: number; ratio: number; firstRatio: number; floorMs: number }> = []
const best = (a: Measurement, b: Measurement | undefined) => (b && b.ms < a.ms ? b : a)
const bestFirst = (a: number, b: number | undefined) => Math.min(a, b ?? Infinity)
for (const steps of sizes) {
  let floor: Measurement | undefined
  let single: Measurement | undefined
  let threaded: Measurement | undefined
  let firsts: { floor?: number; single?: number; threaded?: number } = {}
  for (let round = 0; round < (steps === 4000 ? rounds4000 : 1); round++) {
    const f = measure('floor', steps)
    const s = measure('build1', steps)
    const t = measure('build', steps)
    floor = best(f, floor)
    single = best(s, single)
    threaded = best(t, threaded)
    firsts = { floor: bestFirst(f.firstMs, firsts.floor), single: bestFirst(s.firstMs, firsts.single), threaded: bestFirst(t.firstMs, firsts.threaded) }
  }
  const ratio = threaded!.ms / floor!.ms
  const firstRatio = firsts.threaded! / firsts.floor!
  results.push({ steps, ratio, firstRatio, floorMs: floor!.ms })
  console.log(
    `${pad(String(steps), 6)} ${pad(fmt(floor!.ms), 9)} ${pad(fmt(single!.ms), 9)} ${pad(fmt(single!.ms / floor!.ms, 2), 6)} ${pad(fmt(threaded!.ms), 9)} ${pad(String(threaded!.threads), 7)} ${pad(fmt(ratio, 2), 6)} ${pad(`${fmt(firsts.floor!)}/${fmt(firsts.single!)}/${fmt(firsts.threaded!)}`, 24)} ${pad(`${fmt(firsts.single! / firsts.floor!, 2)}/${fmt(firstRatio, 2)}`, 15)} ${pad(fmt((threaded!.ms * 1000) / steps), 8)} ${pad(`${floor!.peakRssMb}/${single!.peakRssMb}/${threaded!.peakRssMb}`, 26)} ${pad(`${single!.peakHeapMb}/${threaded!.peakHeapMb}`, 21)} ${cpuSplit(single!)} | ${cpuSplit(threaded!)}`,
  )
}
const at4000 = results.find((r) => r.steps === 4000)
if (at4000) {
  console.log(`target: build within 1.5× the floor at 4,000 steps — ${at4000.ratio <= 1.5 ? 'met' : 'NOT met'} (${fmt(at4000.ratio, 2)}×)`)
  console.log(
    `target: both cores, at most 0.9× the one-thread floor (goal 0.7×) — ${at4000.ratio <= 0.9 ? 'met' : 'NOT met'} (${fmt(at4000.ratio, 2)}×, best of 3 with the pool kept between builds; the first, cold build ${fmt(at4000.firstRatio, 2)}× the first floor run; ${os.availableParallelism()} cores available)`,
  )
}

// Start-up and the persistent cache, as a user meets them: each run a new `plus` process.
// Their floor is a bare `node -e 0` start measured here; the cached builds are also set against
// the bare parse floor at 4,000 steps from the table above.
{
  const runs = 7
  const bare = wall([...nodeFlags, '-e', '0'], runs, work)
  const help = wall([...nodeFlags, plusBin, '--help'], runs, work)
  // The real content, its cache in the benchmark's folder (the command keeps it under the
  // working folder's node_modules/.cache/plus/).
  wall([...nodeFlags, plusBin, 'check', repoContent], 1, work)
  const check = wall([...nodeFlags, plusBin, 'check', repoContent], runs, work)
  const checkCold = wall([...nodeFlags, plusBin, 'check', repoContent, '--no-cache'], 3, work)
  const row = (what: string, t: { best: number; median: number }, target: number | null, floor: number, floorName: string) =>
    console.log(
      `${what.padEnd(50)} ${pad(fmt(t.best), 6)} ${pad(fmt(t.median), 7)}   ${target === null ? '          ' : pad(`< ${target}`, 7) + '   '}${pad(fmt(t.median / floor, 2), 6)}× ${floorName}${target === null ? '' : t.median < target ? '  met' : '  NOT met'}`,
    )
  console.log('\nStart-up and the persistent cache (new process each run; ms, best and median of runs)')
  console.log(`${'what'.padEnd(50)} ${pad('best', 6)} ${pad('median', 7)}   ${pad('target', 7)}   ratio`)
  row('node -e 0 (start-up floor)', bare, null, bare.median, 'node start')
  row('plus --help', help, 100, bare.median, 'node start')
  row(`plus check content/ (cached)`, check, 250, bare.median, 'node start')
  row(`plus check content/ --no-cache`, checkCold, null, bare.median, 'node start')

  const at = results.find((r) => r.steps === 4000)
  if (at) {
    const content = path.join(work, 'content-4000')
    const out = path.join(work, 'bundle-cli-4000')
    const cacheRoot = path.join(work, 'cli-4000')
    await mkdir(cacheRoot, { recursive: true })
    const buildArgs = [...nodeFlags, plusBin, 'build', content, '--out', out]
    // A cold build as a user meets it: a new process, no cache, threaded and on one thread, in turns.
    const noCache = [...nodeFlags, plusBin, 'build', content, '--out', `${out}-no-cache`, '--no-cache']
    const coldRuns: Array<{ threaded: number; single: number }> = []
    for (let i = 0; i < 3; i++) coldRuns.push({ threaded: wall(noCache, 1, cacheRoot).best, single: wall([...noCache, '--threads', '1'], 1, cacheRoot).best })
    const spread = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b)
      return { best: sorted[0]!, median: sorted[1]! }
    }
    row('plus build, 4,000 steps, --no-cache', spread(coldRuns.map((r) => r.threaded)), null, at.floorMs, 'parse floor')
    row('plus build, 4,000 steps, --no-cache --threads 1', spread(coldRuns.map((r) => r.single)), null, at.floorMs, 'parse floor')
    const cold = wall(buildArgs, 1, cacheRoot)
    const warm = wall(buildArgs, runs, cacheRoot)
    // One section file changed per run, inside a step, so the content stays valid.
    const section = (await readdir(path.join(content, 'm1'))).filter((n) => n.endsWith('-avsnitt.md')).sort()[0]!
    const sectionFile = path.join(content, 'm1', section)
    const original = await readFile(sectionFile, 'utf8')
    const changed: number[] = []
    for (let i = 0; i < 3; i++) {
      await writeFile(sectionFile, original.replace('Steg ', `Steg ${i} `))
      changed.push(wall(buildArgs, 1, cacheRoot).best)
    }
    await writeFile(sectionFile, original)
    const sortedChanged = [...changed].sort((a, b) => a - b)
    const one = { best: sortedChanged[0]!, median: sortedChanged[1]! }
    row('plus build, 4,000 steps, first run (fills cache)', cold, null, at.floorMs, 'parse floor')
    row('plus build, 4,000 steps, unchanged', warm, 300, at.floorMs, 'parse floor')
    row('plus build, 4,000 steps, one section changed', one, 500, at.floorMs, 'parse floor')
  }
}

if (sizes.includes(4000)) {
  const inc = measure('incremental', 4000)
  const at = results.find((r) => r.steps === 4000)
  console.log(`\nIncremental rebuild in watch mode at 4,000 steps (save one section file → bundle written)`)
  console.log(
    `best ${fmt(inc.ms)} ms, median ${fmt(inc.medianMs)} ms of 7 saves (CPU median ${fmt(inc.cpuMedianMs ?? NaN)} ms); target under 50 ms — ${inc.medianMs < 50 ? 'met' : 'NOT met'}` +
      (at ? `; ${fmt(inc.medianMs / at.floorMs, 3)}× the parse floor` : ''),
  )
}

// The preview's edit loop: save → page reloaded in `npm run dev`, in Chromium (bench/dev.ts).
if (process.env.BENCH_DEV !== '0') {
  const chromium = process.env.PLUS_CHROMIUM ?? '/usr/bin/chromium'
  if (!existsSync(chromium)) console.log(`\nDev loop skipped: no Chromium at ${chromium}`)
  else {
    console.log('\nDev loop: save → page reloaded in `npm run dev` (Chromium; from the write to the `load` of the page with the new title)')
    const at = results.find((r) => r.steps === 4000)
    const folders: Array<[string, string]> = [['content/ (the real programme)', repoContent]]
    if (at) folders.push(['4,000 steps', path.join(work, 'content-4000')])
    for (const [what, folder] of folders) {
      const out = execFileSync(process.execPath, [path.join(here, 'dev.ts'), folder, path.join(work, `dev-${folders.findIndex((f) => f[1] === folder)}`), '9'], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      })
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { bestMs: number; medianMs: number; saves: number }
      console.log(
        `${what}: best ${fmt(r.bestMs)} ms, median ${fmt(r.medianMs)} ms of ${r.saves} saves; target under 300 ms — ${r.medianMs < 300 ? 'met' : 'NOT met'}` +
          (at ? `; ${fmt(r.medianMs / at.floorMs, 3)}× the parse floor at 4,000 steps` : ''),
      )
    }
  }
}

const enginePath = path.join(here, 'engine.ts')
if (existsSync(enginePath) && engineProgrammes > 0) {
  const { benchEngine } = await import(enginePath)
  const { sweepRunsFromEnv } = await import(path.join(here, 'engine-sweep.ts'))
  const { engineReport } = await import(path.join(here, 'engine-report.ts'))
  const dir = path.join(work, 'engine')
  await mkdir(dir, { recursive: true })
  const sweepRuns: number = sweepRunsFromEnv()
  const r: import('./engine.ts').EngineBenchResult = await benchEngine({ programmes: engineProgrammes, dir, sweepRuns, postgres: process.env.BENCH_POSTGRES !== '0', postgresDir: process.env.BENCH_PG_DIR || undefined })
  for (const line of engineReport(r)) console.log(line)
}

// The unit export's memory: 10,000 against 100,000 ended programmes, each size in its own process.
const exportSizes = (process.env.BENCH_EXPORT_SIZES ?? '10000,100000').split(',').map(Number).filter((n) => n > 0)
if (exportSizes.length > 0) {
  const dir = path.join(work, 'export')
  await mkdir(dir, { recursive: true })
  console.log('\nUnit export of ended programmes, streamed to a file (engine.exportEnded); live heap after a full GC every 500 pieces')
  console.log(`${pad('programmes', 10)} ${pad('format', 6)} ${pad('rows', 8)} ${pad('MB out', 7)} ${pad('ms', 7)} ${pad('live heap Δ MB', 15)} ${pad('peak RSS Δ MB', 14)}`)
  const runs = exportSizes.map((n) => {
    const out = execFileSync(process.execPath, ['--expose-gc', ...nodeFlags, path.join(here, 'export.ts'), String(n), dir], { encoding: 'utf8', maxBuffer: 1 << 20 })
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as import('./export.ts').ExportBenchResult
    for (const f of result.formats) {
      console.log(
        `${pad(n.toLocaleString('en'), 10)} ${pad(f.format, 6)} ${pad(String(f.rows), 8)} ${pad(fmt(f.bytes / 2 ** 20, 1), 7)} ${pad(fmt(f.ms), 7)} ${pad(fmt(f.peakLiveHeapDeltaMb, 2), 15)} ${pad(fmt(f.peakRssDeltaMb, 1), 14)}`,
      )
    }
    return result
  })
  const small = runs[0]
  const large = runs.at(-1)
  if (small && large && large !== small) {
    for (const format of ['csv', 'json'] as const) {
      const a = small.formats.find((f) => f.format === format)
      const b = large.formats.find((f) => f.format === format)
      if (!a || !b) continue
      // A floor of 1 MB keeps a near-zero baseline from turning noise into a large ratio.
      const ratio = Math.max(b.peakLiveHeapDeltaMb, 1) / Math.max(a.peakLiveHeapDeltaMb, 1)
      console.log(
        `${format}: ${large.programmes / small.programmes}× the programmes → live heap ${fmt(ratio, 2)}× (target: flat, under 1.5×) — ${ratio < 1.5 ? 'met' : 'NOT met'}; time ${fmt(b.ms / a.ms, 1)}×`,
      )
    }
  }
}

await rm(work, { recursive: true, force: true })
