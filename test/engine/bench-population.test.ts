// The engine benchmark (bench/engine.ts) populates its store through the store interface in
// batches, not command by command. This checks that the shortcut is honest: the same scripts
// run through engine.execute, with the scheduler's deliverDueFlags() every morning at 08:00,
// leave the same rows behind (outbox ids and the interleaving of audit rows across programmes
// aside), and the measured sweep then delivers the same flags.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  SWEEP_AT,
  SWEEP_DAY,
  benchIds,
  compiledBundle,
  morningRunAt,
  populate,
  setUpWorld,
  setupAt,
  simulateProgramme,
} from '../../bench/engine.ts'
import {
  addDays,
  createEngine,
  dueFlags,
  type FlagDeliveryKey,
  type FlagRun,
  localDate,
  openSqliteStore,
  startOfLocalDay,
} from '../../src/engine/index.ts'
import type { PlusBundle } from '../../src/types/bundle.generated.ts'
import { notSqlite } from './harness.ts'

const PROGRAMMES = 80

let dir = ''
let bundle: PlusBundle
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plus-bench-'))
  bundle = await compiledBundle()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The rows that matter, in an order that does not depend on how they were written. */
function contents(path: string): Record<string, unknown[]> {
  const db = new DatabaseSync(path)
  // The audit log has its own file (plus.db → plus-audit.db).
  db.prepare('ATTACH DATABASE ? AS audit').run(path.replace(/\.db$/, '-audit.db'))
  const rows = (sql: string) => db.prepare(sql).all().map((row) => ({ ...row }))
  const result = {
    programmes: rows('SELECT * FROM programmes ORDER BY programme_id'),
    events: rows('SELECT * FROM programme_events ORDER BY programme_id, seq'),
    // A delivered key's row in flag_schedule is its delivery record (delivered_at, no due day).
    deliveries: rows('SELECT * FROM flag_schedule WHERE delivered_at IS NOT NULL ORDER BY programme_id, flag_id, module_id, occurrence'),
    schedule: rows('SELECT * FROM flag_schedule WHERE delivered_at IS NULL ORDER BY programme_id, flag_id, module_id, occurrence'),
    outbox: rows(`SELECT created_at, programme_id, flag_id, recipient, recipient_ref, channel, title, text, sent_at FROM outbox
                  ORDER BY programme_id, created_at, flag_id, channel`),
    // Per programme in the order written; across programmes the interleaving differs.
    audit: rows(`SELECT at, actor_kind, actor_id, actor_personnummer, unit_id, programme_id, patient, programme_status, actor_responsible,
                   action, access, outcome, refusal_code FROM audit.audit_log
                 ORDER BY programme_id, seq`),
  }
  db.close()
  return result
}

// The bench populates SQLite files directly (bench/engine.ts) and compares their rows.
describe.skipIf(notSqlite)('bench population (SQLite file)', () => {
  it('given the same scripts, then populating through the store equals running them through the engine', async () => {
    const populated = join(dir, 'populated.db')
    let now = Date.parse(setupAt())
    const clock = () => new Date(now)
    const a = await createEngine({ store: openSqliteStore({ path: populated }), bundle, clock, newId: benchIds('setup') })
    const worldA = await setUpWorld(a)
    await populate(openSqliteStore({ path: populated }), worldA, PROGRAMMES)

    const executed = join(dir, 'executed.db')
    const queue: string[] = []
    const engineIds = benchIds('engine')
    const b = await createEngine({ store: openSqliteStore({ path: executed }), bundle, clock, newId: () => queue.shift() ?? engineIds() })
    const worldB = await setUpWorld(b)
    const commands = Array.from({ length: PROGRAMMES }, (_, i) => simulateProgramme(i, worldB).script)
      .flat()
      .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0))
    expect(commands.length).toBeGreaterThan(PROGRAMMES * 5)
    const nights = Array.from({ length: 90 }, (_, k) => morningRunAt(addDays(SWEEP_DAY, k - 90)))
    let next = 0
    const until = async (at: string) => {
      for (; next < commands.length && (commands[next]?.at ?? '') < at; next++) {
        const c = commands[next]
        if (!c) break
        now = Date.parse(c.at)
        queue.splice(0, queue.length, ...c.ids)
        await b.execute(c.actor, c.command)
      }
    }
    const storeB = openSqliteStore({ path: executed })
    /** Undelivered due keys on a day: by the index, and by a full scan with dueFlags. */
    const due = async (day: string) => {
      const key = (k: FlagDeliveryKey) => `${k.programmeId}/${k.flagId}/${k.moduleId}/${k.occurrence}`
      const index = (await storeB.listDueFlagKeys(day)).map(key).sort()
      const scan: string[] = []
      for (const state of await storeB.listProgrammes({})) {
        for (const d of dueFlags(state, b.content, startOfLocalDay(day))) if (!(await storeB.hasFlagDelivery(d.key))) scan.push(key(d.key))
      }
      scan.sort()
      return { index, scan }
    }
    for (const night of nights) {
      await until(night)
      now = Date.parse(night)
      const { index, scan } = await due(localDate(night))
      expect(index, night).toEqual(scan)
      const run = await b.deliverDueFlags()
      expect(run.failed).toEqual([])
      expect(run.delivered.length, night).toBe(scan.length)
    }
    await until(SWEEP_AT)
    expect(next).toBe(commands.length)

    const left = contents(populated)
    const right = contents(executed)
    for (const table of Object.keys(right)) expect(left[table], table).toEqual(right[table])

    // And the measured sweep delivers the same flags on both.
    now = Date.parse(SWEEP_AT)
    const summary = (run: FlagRun) => run.delivered.map((f) => `${f.programmeId}/${f.flagId}/${f.moduleId}/${f.dueOn}`).sort()
    const sweptA = await a.deliverDueFlags()
    const sweptB = await b.deliverDueFlags()
    expect(summary(sweptA)).toEqual(summary(sweptB))
    expect(sweptA.delivered.length).toBeGreaterThan(0)
    // Ahead of the sweep, the index keeps agreeing with a full scan.
    for (let d = 1; d <= 100; d += 3) {
      const { index, scan } = await due(addDays(SWEEP_DAY, d))
      expect(index, `day ${d} after the sweep`).toEqual(scan)
    }
    await storeB.close()
    await a.close()
    await b.close()
  })
})
