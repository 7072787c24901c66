// Watch mode, save by save: wall and CPU time (process.cpuUsage: this process's threads) from
// the write of a section file to the watcher's onBuild, and the CPU of the whole cycle (the
// post-build work included) when saves come `gapMs` apart. For A/B comparisons on a shared
// machine, where wall times are noisy and CPU time is the better evidence. Prints one JSON line.
//
//   node bench/watch-saves.ts <content-dir> <out-dir> [saves=15] [gapMs=150] [repo root]
//
// The content folder is a corpus from bench/corpus.ts (writeCorpus); its first section file is
// edited and put back at the end. `repo root` loads another checkout's watch.ts (an A/B baseline).
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [contentDir, outDir, savesArg, gapArg, rootArg] = process.argv.slice(2)
if (!contentDir || !outDir) throw new Error('usage: watch-saves.ts <content-dir> <out-dir> [saves] [gapMs] [repo root]')
const saves = Number(savesArg ?? 15)
const gapMs = Number(gapArg ?? 150)
const root = rootArg ? path.resolve(rootArg) : path.resolve(import.meta.dirname, '..')
const { watchContent } = (await import(pathToFileURL(path.join(root, 'src/compiler/watch.ts')).href)) as typeof import('../src/compiler/watch.ts')

const sectionFiles = (await readdir(contentDir, { recursive: true })).filter((f) => f.endsWith('-avsnitt.md')).sort()
const target = path.join(contentDir, sectionFiles[0]!)
const original = await readFile(target, 'utf8')

let onBuilt: (() => void) | null = null
const threads = process.env.WATCH_THREADS ? { threads: Number(process.env.WATCH_THREADS) } : {}
const watcher = watchContent({ contentDir, outDir, debounceMs: 0, onBuild: () => onBuilt?.(), ...threads })
await watcher.ready
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000
const wall: number[] = []
const cpu: number[] = []
const cycle: number[] = []
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
await sleep(gapMs)
// WATCH_PROFILE=<file>: a CPU profile of the saves alone (not the first build), for --cpu-prof's viewers.
const profile = process.env.WATCH_PROFILE
const session = profile ? new (await import('node:inspector/promises')).Session() : null
if (session) {
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 250 })
  await session.post('Profiler.start')
}
try {
  for (let i = 0; i < saves; i++) {
    const built = new Promise<void>((resolve) => (onBuilt = resolve))
    const cpu0 = process.cpuUsage()
    const start = performance.now()
    await writeFile(target, original.replace('Steg ', `Steg ${i} `))
    await built
    wall.push(performance.now() - start)
    cpu.push(cpuMs(process.cpuUsage(cpu0)))
    await sleep(gapMs)
    cycle.push(cpuMs(process.cpuUsage(cpu0)))
  }
} finally {
  if (session) {
    const { profile: taken } = await session.post('Profiler.stop')
    await writeFile(profile!, JSON.stringify(taken))
  }
  await watcher.close()
  await writeFile(target, original)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (x: number) => Math.round(x * 10) / 10
process.stdout.write(
  JSON.stringify({
    root,
    wallMedian: round(median(wall)),
    wallBest: round(Math.min(...wall)),
    cpuMedian: round(median(cpu)),
    cycleCpuMedian: round(median(cycle)),
    wall: wall.map(round),
    cpu: cpu.map(round),
  }) + '\n',
)
