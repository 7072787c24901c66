// Export benchmark: does the dataadministratör's export of a unit's ended programmes keep memory
// flat? bench/run.ts runs this file once per size in its own process (so the peak belongs to one
// export) and reports the ratio of the 100,000-programme figures to the 10,000 ones: about 1 when
// the export streams, about 10 when it holds every programme at once.
//
// The population: one care unit whose ended programmes are copies of simulated programmes from
// bench/engine.ts (steps opened, forms answered, messages; none handed over), each with its own
// id and personnummer, ended with "completed". Each copy is a real event history (the simulated
// events, then programme-ended) folded by the engine's evolve and written through the store's
// appendEvents, in batches. Then `engine.exportEnded` streams CSV, and then JSON, into a file;
// the process's live heap (after a full collection; run with --expose-gc) and resident memory are
// sampled every 500 pieces and after the end.
//
// Run directly: node bench/export.ts <programmes> <dir> → one JSON line.
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type Actor,
  createEngine,
  evolveAll,
  normalisePersonnummer,
  openSqliteStore,
  type ProgrammeEvent,
} from '../src/engine/index.ts'
import { benchPersonnummer, compiledBundle, setUpWorld, simulateProgramme, staffActor, SWEEP_AT, SWEEP_DAY } from './engine.ts'

/** What one export run measured. */
export interface ExportBenchResult {
  programmes: number
  populateMs: number
  formats: {
    format: 'csv' | 'json'
    ms: number
    rows: number
    bytes: number
    /**
     * The most heap the export kept alive: sampled after a full garbage collection every 500
     * pieces, minus the same measure just before it. What the export holds, not garbage in waiting.
     */
    peakLiveHeapDeltaMb: number
    /** The highest resident set size during the export, minus the RSS just before it. */
    peakRssDeltaMb: number
  }[]
}

const UNIT = 'vc-export'
/** Distinct simulated programmes the population is copied from. */
const TEMPLATES = 200
const BATCH = 1000

export async function benchExport(options: { programmes: number; dir: string }): Promise<ExportBenchResult> {
  const bundle = await compiledBundle()
  const path = join(options.dir, `plus-export-bench-${process.pid}.db`)
  const out = join(options.dir, `plus-export-bench-${process.pid}.out`)
  const audit = `${path.slice(0, -3)}-audit.db` // the audit log's own file (store/audit-schema.ts)
  const files = [path, `${path}-wal`, `${path}-shm`, audit, `${audit}-wal`, `${audit}-shm`, out]
  for (const file of files) rmSync(file, { force: true })
  try {
    let now = Date.parse(SWEEP_AT)
    const store = openSqliteStore({ path })
    const engine = await createEngine({ store, bundle, clock: () => new Date(now) })
    const world = await setUpWorld(engine)
    await engine.createUnit({ unitId: UNIT, name: 'Exportenheten' }, 'hsa-adm-export')
    const admin = staffActor('hsa-adm-export', UNIT)
    const data: Actor = staffActor('hsa-data-export', UNIT)
    await engine.execute(admin, { type: 'grant-role', userId: 'hsa-data-export', role: 'dataadministrator' })

    const templates = Array.from({ length: TEMPLATES }, (_, i) => simulateProgramme(i, world).events).filter(
      (events) => !events.some((e) => e.type === 'handed-over'),
    )
    const endedAt = new Date(now - 3_600_000).toISOString()
    const populateStart = performance.now()
    for (let first = 0; first < options.programmes; first += BATCH) {
      await store.transaction(async () => {
        for (let k = first; k < Math.min(options.programmes, first + BATCH); k++) {
          const template = templates[k % templates.length] ?? []
          const programmeId = `exp-${String(k).padStart(7, '0')}`
          const patient = normalisePersonnummer(benchPersonnummer(k), SWEEP_DAY) ?? ''
          const events: ProgrammeEvent[] = template.map((e) => (e.type === 'programme-started' ? { ...e, programmeId, patient, unitId: UNIT } : e))
          events.push({ type: 'programme-ended', reason: 'completed', at: endedAt, by: { kind: 'staff', userId: 'hsa-beh-export', unitId: UNIT } })
          const state = evolveAll(events, null)
          if (state === null) throw new Error('unreachable')
          await store.appendEvents(programmeId, 0, events, state, [])
        }
      })
    }
    const populateMs = performance.now() - populateStart
    now += 3_600_000

    const formats: ExportBenchResult['formats'] = []
    for (const format of ['csv', 'json'] as const) {
      globalThis.gc?.()
      const before = process.memoryUsage()
      let peakHeap = before.heapUsed
      let peakRss = before.rss
      let pieces = 0
      const sample = (): void => {
        globalThis.gc?.()
        const m = process.memoryUsage()
        if (m.heapUsed > peakHeap) peakHeap = m.heapUsed
        if (m.rss > peakRss) peakRss = m.rss
      }
      const fd = openSync(out, 'w')
      const start = performance.now()
      const summary = await engine.exportEnded(data, format, (chunk) => {
        writeSync(fd, chunk)
        if (++pieces % 500 === 0) sample()
      })
      const ms = performance.now() - start
      sample()
      closeSync(fd)
      formats.push({
        format,
        ms,
        rows: summary.rows,
        bytes: statSync(out).size,
        peakLiveHeapDeltaMb: (peakHeap - before.heapUsed) / 2 ** 20,
        peakRssDeltaMb: (peakRss - before.rss) / 2 ** 20,
      })
      rmSync(out, { force: true })
    }
    await engine.close()
    return { programmes: options.programmes, populateMs, formats }
  } finally {
    for (const file of files) rmSync(file, { force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [count = '10000', dir = '/tmp'] = process.argv.slice(2)
  const result = await benchExport({ programmes: Number(count), dir })
  console.log(JSON.stringify(result))
}
