// `npm run bench`: compiler and engine benchmarks, reported as ratios against a baseline
// measured in the same run (the bare parse floor), never as absolute pass/fail times.
//
// Each measurement runs in its own child process, so peak memory is per measurement. Outputs
// go to an in-memory folder (/dev/shm) where there is one: this machine's disk is slow at
// creating many files, and the benchmark should measure the compiler, not the disk.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
const work = path.join(base, `plus-bench-${process.pid}`)
const sizes = (process.env.BENCH_SIZES ?? '250,1000,4000,10000').split(',').map(Number)
const engineProgrammes = Number(process.env.BENCH_PROGRAMMES ?? 100_000)
// The same V8 flags for the floor and the build, so the ratio compares code, not settings.
const nodeFlags = ['--max-semi-space-size=64']

interface Measurement {
  mode: string
  steps: number
  ms: number
  medianMs: number
  peakRssMb: number
}

function measure(mode: string, steps: number): Measurement {
  const out = execFileSync(process.execPath, [...nodeFlags, path.join(here, 'compile.ts'), mode, String(steps), work], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  return JSON.parse(out.trim().split('\n').at(-1)!)
}

const fmt = (n: number, digits = 0) => n.toFixed(digits)
const pad = (s: string, n: number) => s.padStart(n)

await mkdir(work, { recursive: true })
console.log(`PLUS benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`)
console.log(`outputs written to ${work} (${base === '/dev/shm' ? 'in memory' : 'temporary folder on disk'})\n`)

console.log('Full compile (plus build) against the bare floor (read + yaml + remark-parse + remark-directive)')
console.log(`${pad('steps', 6)} ${pad('floor ms', 9)} ${pad('build ms', 9)} ${pad('µs/step', 8)} ${pad('floor µs/step', 14)} ${pad('ratio', 6)} ${pad('peak MB floor', 14)} ${pad('peak MB build', 14)}`)
const results: Array<{ steps: number; ratio: number }> = []
for (const steps of sizes) {
  const floor = measure('floor', steps)
  const build = measure('build', steps)
  const ratio = build.ms / floor.ms
  results.push({ steps, ratio })
  console.log(
    `${pad(String(steps), 6)} ${pad(fmt(floor.ms), 9)} ${pad(fmt(build.ms), 9)} ${pad(fmt((build.ms * 1000) / steps), 8)} ${pad(fmt((floor.ms * 1000) / steps), 14)} ${pad(fmt(ratio, 2), 6)} ${pad(String(floor.peakRssMb), 14)} ${pad(String(build.peakRssMb), 14)}`,
  )
}
const at4000 = results.find((r) => r.steps === 4000)
if (at4000) console.log(`target: build within 1.5× the floor at 4,000 steps — ${at4000.ratio <= 1.5 ? 'met' : 'NOT met'} (${fmt(at4000.ratio, 2)}×)`)

if (sizes.includes(4000)) {
  const inc = measure('incremental', 4000)
  console.log(`\nIncremental rebuild in watch mode at 4,000 steps (save one section file → bundle written)`)
  console.log(`best ${fmt(inc.ms)} ms, median ${fmt(inc.medianMs)} ms of 7 saves; target under 100 ms — ${inc.medianMs < 100 ? 'met' : 'NOT met'}`)
}

const enginePath = path.join(here, 'engine.ts')
if (existsSync(enginePath) && engineProgrammes > 0) {
  const { benchEngine } = await import(enginePath)
  const dir = path.join(work, 'engine')
  await mkdir(dir, { recursive: true })
  const r = await benchEngine({ programmes: engineProgrammes, dir })
  console.log(`\nEngine over ${r.programmes.toLocaleString('en')} active programmes in SQLite (${fmt(r.dbBytes / 2 ** 20)} MB)`)
  console.log(`populate ${fmt(r.populateMs)} ms; flag sweep ${fmt(r.sweepMs)} ms (${r.sweepDelivered} flags delivered); target under 2,000 ms — ${r.sweepMs < 2000 ? 'met' : 'NOT met'}`)
  for (const c of r.commandMs) console.log(`  ${c.name}: median ${fmt(c.medianMs, 2)} ms`)
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
