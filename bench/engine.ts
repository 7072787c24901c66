// Engine benchmark: a SQLite store with many running programmes, then (a) the flag sweep the
// host's scheduler runs (`deliverDueFlags()`) and (b) the median time of typical commands.
// No printing: bench/run.ts calls benchEngine and prints.
//
// How the store is populated, and why that is honest. Each programme is a script of the commands
// a clinic and its patient would send over the programme's days so far (start, modules, steps,
// forms, messages, replies, a moved closing date, a handover, …). The script is run through the
// engine's own pure core: `authorize` and `decide` for every command (a refusal is a bug in the
// script and throws), `evolve` for the state, and the engine's flag rules (`flagSchedule`, the
// schedule `dueFlags` is made of) for the flags delivered after each command inside the delivery
// window (08:00–20:00) and by a scheduler run at 08:00, the window's start, every morning. The result is written through the real store interface
// (`appendEvents` with the schedule, `recordFlagDelivery`, the outbox notifier, `appendAudit`) in
// batched transactions, instead of one transaction per command and per flag.
// test/engine/bench-population.test.ts checks on a small population that this gives the same
// database content as running the same scripts through `engine.execute` with the morning
// `deliverDueFlags()` (ids of outbox rows and the order of audit rows across programmes aside).
// Not simulated: audit entries of reads (queries), which the sweep never looks at.
//
// What is measured: the sweep at 08:00 on SWEEP_DAY, when every programme started 1 to 89 days
// before and the previous morning's run has delivered everything due until then, so what it finds
// is what became due that day (about 7 %: reminders after a quiet week, module warnings, "PLUS
// snart slut"); then four commands on the swept store during the next working day. The sweep is
// measured several times, each run by a new process (a scheduler that wakes up to sweep: the
// honest setting, not the process that just populated and holds its garbage) on a fresh copy of
// the populated files; the median is the figure, every run is reported (bench/engine-sweep.ts).
import { randomUUID } from 'node:crypto'
import { copyFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { compile } from '../src/compiler/index.ts'
import {
  type Actor,
  addDays,
  authorize,
  type Command,
  type ContentIndex,
  createEngine,
  decide,
  type DecideFacts,
  type Engine,
  type EngineStore,
  type StoreTransaction,
  evolveAll,
  type FlagDeliveryKey,
  indexContent,
  localDate,
  luhnCheckDigit,
  type NotificationPreferences,
  openSqliteStore,
  orderedModules,
  PERMISSIONS,
  type ProgrammeCommand,
  type ProgrammeEvent,
  type ProgrammeState,
  type Role,
  startOfLocalDay,
  inDeliveryWindow,
  nextDeliveryAt,
  type AuditEntry,
} from '../src/engine/index.ts'
import { auditEntry } from '../src/engine/audit.ts'
import { flagSchedule, isDueOn, type ScheduledFlag } from '../src/engine/flags.ts'
import { type FlagNotification, flagNotification, outboxNotifier } from '../src/engine/notifier.ts'
import type { PostgresBenchResult } from './engine-postgres.ts'
import { median, sweepInProcesses, sweepProblems, sweepRunsFromEnv, type SweepRun } from './engine-sweep.ts'

/**
 * A staff actor with the personnummer their SITHS identity would carry: a Skatteverket test
 * number of the 1990-01-01 series, the same for the same user id.
 */
export function staffActor(userId: string, unitId: string): Actor {
  let serial = 0
  for (const char of userId) serial = (serial * 31 + char.charCodeAt(0)) % 800
  const nine = `900101${String(100 + serial).padStart(3, '0')}`
  return { kind: 'staff', userId, unitId, personnummer: `19900101-${nine.slice(6)}${luhnCheckDigit(nine)}` }
}
import type { Answers } from '../src/scoring/index.ts'
import type { FormBlock, PlusBundle, Step } from '../src/types/bundle.generated.ts'
import { sampleAnswers } from '../scripts/sample-answers.ts'

/** What benchEngine measured. */
export interface EngineBenchResult {
  programmes: number
  /** Populating the store (see the top of this file for how). */
  populateMs: number
  /** The median wall time of the sweep runs (`sweepRuns`): the figure set against the target. */
  sweepMs: number
  /** The median CPU time of the sweep runs: less noisy than wall time on a shared machine. */
  sweepCpuMs: number
  /**
   * Every run of `deliverDueFlags()` at 08:00 on the sweep day, each in a new process on a fresh
   * copy of the populated files (bench/engine-sweep.ts).
   */
  sweepRuns: SweepRun[]
  /** Flags the first run delivered. */
  sweepDelivered: number
  /** Runs that delivered another count than the first, or reported failed flags (sweepProblems); empty when all is well. */
  sweepProblems: string[]
  /** The median of each typical command through `engine.execute`, on the last run's swept copy. */
  commandMs: { name: string; medianMs: number }[]
  /** The database file with its WAL after the last sweep and the commands. */
  dbBytes: number
  /**
   * The same population and sweeps on PostgreSQL (bench/engine-postgres.ts), when asked for: the
   * figures, or why that part did not run.
   */
  postgres?: PostgresBenchResult | { skipped: string }
}

/** The sweep runs at 08:00 on this (Stockholm) day; every programme started in the 89 days before. */
export const SWEEP_DAY = '2025-09-15'
/** Care units in the population, and behandlare per unit. */
const UNITS = 40
const BEHANDLARE_PER_UNIT = 8
/** Programmes written per store transaction while populating. */
const BATCH = 2000
/** Samples per typical command. */
const COMMAND_SAMPLES = 101

/**
 * Populates `options.programmes` active programmes in a new SQLite file in `options.dir` (pass an
 * in-memory folder such as /dev/shm to leave the disk out of it), checkpoints and closes it, then
 * measures the sweep `options.sweepRuns` times (default: BENCH_SWEEP_RUNS, else 3), each in a new
 * process on a fresh copy of the populated files in the same folder (bench/engine-sweep.ts says
 * why), measures the commands on the last run's swept copy, runs the PostgreSQL part when asked
 * (from the populated files, not a swept copy), and removes every file again, also on failure.
 */
export async function benchEngine(options: { programmes: number; dir: string; sweepRuns?: number; postgres?: boolean; postgresDir?: string }): Promise<EngineBenchResult> {
  if (!Number.isInteger(options.programmes) || options.programmes < 1) throw new TypeError('programmes must be a positive integer')
  const runs = options.sweepRuns ?? sweepRunsFromEnv()
  if (!Number.isInteger(runs) || runs < 1) throw new TypeError('sweepRuns must be a positive integer')
  const bundle = await compiledBundle()
  const path = join(options.dir, `plus-engine-bench-${process.pid}.db`)
  // The sweep processes load the bundle as a host loads plus.json (engine-sweep-worker.ts says why).
  const bundlePath = join(options.dir, `plus-engine-bench-${process.pid}-bundle.json`)
  const files = [...sqliteFiles(path), bundlePath]
  for (const file of files) rmSync(file, { force: true })
  try {
    writeFileSync(bundlePath, JSON.stringify(bundle))
    const store = openSqliteStore({ path })
    const engine = await createEngine({ store, bundle, clock: () => new Date(setupAt()) })
    const world = await setUpWorld(engine)

    const populateStart = performance.now()
    await populate(store, world, options.programmes)
    const populateMs = performance.now() - populateStart
    await engine.close()
    checkpointAndClose(path)

    // The sweeps, then the clinic's working day after the last one, on its copy.
    let commandMs: EngineBenchResult['commandMs'] = []
    let dbBytes = 0
    const sweepRuns = await sweepSqliteCopies({ path, runs, sweepAt: SWEEP_AT, bundlePath }, async (copy) => {
      const at = Date.parse(SWEEP_AT) + 9 * 3_600_000
      const copyStore = openSqliteStore({ path: copy })
      const copyEngine = await createEngine({ store: copyStore, bundle, clock: () => new Date(at) })
      try {
        commandMs = await measureCommands(copyEngine, copyStore, world, options.programmes)
      } finally {
        await copyEngine.close()
      }
      dbBytes = (statSize(copy) ?? 0) + (statSize(`${copy}-wal`) ?? 0)
    })

    // PostgreSQL gets a copy of the population as it was before any sweep.
    let postgres: EngineBenchResult['postgres']
    if (options.postgres) {
      const { benchPostgres, postgresUnavailable } = await import('./engine-postgres.ts')
      const unavailable = postgresUnavailable()
      postgres = unavailable
        ? { skipped: unavailable }
        : await benchPostgres({ sqlitePath: path, auditPath: auditFileOf(path), dir: options.postgresDir ?? options.dir, sweepAt: SWEEP_AT, bundlePath, runs })
    }

    return {
      programmes: options.programmes,
      populateMs,
      sweepMs: median(sweepRuns.map((r) => r.ms)),
      sweepCpuMs: median(sweepRuns.map((r) => r.cpuMs)),
      sweepRuns,
      sweepDelivered: sweepRuns[0]?.delivered ?? 0,
      sweepProblems: sweepProblems(sweepRuns),
      commandMs,
      dbBytes,
      ...(postgres ? { postgres } : {}),
    }
  } finally {
    for (const file of files) rmSync(file, { force: true })
  }
}

/** A SQLite store's audit file, as the store names it by default (plus.db → plus-audit.db). */
function auditFileOf(path: string): string {
  if (!path.endsWith('.db')) throw new Error(`expected a .db file, not ${path}`)
  return `${path.slice(0, -3)}-audit.db`
}

/** A SQLite store's files: the database and its audit file, each with its WAL and shared memory. */
function sqliteFiles(path: string): string[] {
  return [path, auditFileOf(path)].flatMap((file) => [file, `${file}-wal`, `${file}-shm`])
}

/**
 * Empties both WALs into their files and closes, so the two .db files alone are the whole store
 * (and can be copied as they are). Throws if a WAL is left with content.
 */
function checkpointAndClose(path: string): void {
  const db = new DatabaseSync(path)
  try {
    db.prepare('ATTACH DATABASE ? AS audit').run(auditFileOf(path))
    db.exec('PRAGMA main.wal_checkpoint(TRUNCATE)')
    db.exec('PRAGMA audit.wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
  for (const file of [path, auditFileOf(path)]) {
    if ((statSize(`${file}-wal`) ?? 0) > 0) throw new Error(`${file}-wal still holds pages after the checkpoint; the copies would miss them`)
  }
}

/**
 * Sweeps the checkpointed store at `options.path` `options.runs` times, each time on a fresh
 * copy of its two files next to it (`…-sweep1.db` and its audit file, …) by a new scheduler
 * process (sweepInProcesses); `afterLast` gets the last run's swept copy before it goes. Every
 * copy is removed after its run, and all of them if anything fails.
 */
export async function sweepSqliteCopies(
  options: { path: string; runs: number; sweepAt: string; bundlePath: string },
  afterLast: (copy: string) => Promise<void> = async () => undefined,
): Promise<SweepRun[]> {
  const copies: string[] = []
  try {
    const runs: SweepRun[] = []
    for (let i = 1; i <= options.runs; i++) {
      const copy = options.path.replace(/\.db$/, `-sweep${i}.db`)
      copies.push(copy)
      copyFileSync(options.path, copy)
      copyFileSync(auditFileOf(options.path), auditFileOf(copy))
      const { workers } = await sweepInProcesses({ store: 'sqlite', database: copy, sweepAt: options.sweepAt, bundlePath: options.bundlePath }, 1)
      runs.push(...workers)
      if (i === options.runs) await afterLast(copy)
      for (const file of sqliteFiles(copy)) rmSync(file, { force: true })
    }
    return runs
  } finally {
    for (const file of copies.flatMap(sqliteFiles)) rmSync(file, { force: true })
  }
}

/** The real programme, compiled from content/ in memory (nothing is written). */
export async function compiledBundle(): Promise<PlusBundle> {
  const contentDir = fileURLToPath(new URL('../content', import.meta.url))
  const result = await compile({ contentDir })
  if (!result.output) throw new Error(`content/ does not compile: ${result.diagnostics.filter((d) => d.severity === 'error').length} errors`)
  return result.output.bundle
}

function statSize(file: string): number | null {
  try {
    return statSync(file).size
  } catch {
    return null
  }
}

// ── The world: units, people, time ────────────────────────────────────────────────────────

/** Local midnight of a day, looked up once per day (the calendar functions are not cheap). */
const midnights = new Map<string, number>()
function midnight(day: string): number {
  let at = midnights.get(day)
  if (at === undefined) {
    at = Date.parse(startOfLocalDay(day))
    midnights.set(day, at)
  }
  return at
}

/**
 * The instant the scheduler's morning run delivers a day's flags: 08:00 Stockholm time, the start
 * of the default delivery window (flags due in the night wait for it). Memoised per day.
 */
const morningRuns = new Map<string, string>()
export function morningRunAt(day: string): string {
  let at = morningRuns.get(day)
  if (at === undefined) {
    at = nextDeliveryAt(startOfLocalDay(day))
    morningRuns.set(day, at)
  }
  return at
}

/** The instant of the measured sweep. */
export const SWEEP_AT = morningRunAt(SWEEP_DAY)

/** Units and roles are set up before the first programme starts. */
export function setupAt(): string {
  return new Date(Date.parse(morningRunAt(addDays(SWEEP_DAY, -100))) + 5 * 60_000).toISOString()
}

/** The instant of a Stockholm wall-clock time (minutes after midnight, no daylight change at that hour). */
function wallClock(day: string, minutes: number): string {
  return new Date(midnight(day) + minutes * 60_000).toISOString()
}

/** A care unit of the population. */
export interface BenchUnit {
  unitId: string
  administrator: string
  invanaradministrator: string
  behandlare: string[]
}

/** Everything the scripts need to know about the population. */
export interface BenchWorld {
  content: ContentIndex
  units: BenchUnit[]
  /** Staff roles by `userId@unitId`. */
  roles: Map<string, Role[]>
  /** Clinicians who chose their channels (the rest have the default). */
  preferences: Map<string, NotificationPreferences>
}

/** Creates the units, grants the roles and sets some clinicians' channels, through the engine. */
export async function setUpWorld(engine: Engine): Promise<BenchWorld> {
  const units: BenchUnit[] = []
  const roles = new Map<string, Role[]>()
  const preferences = new Map<string, NotificationPreferences>()
  for (let u = 1; u <= UNITS; u++) {
    const n = String(u).padStart(2, '0')
    const unit: BenchUnit = {
      unitId: `vc-${n}`,
      administrator: `hsa-adm-${n}`,
      invanaradministrator: `hsa-inv-${n}`,
      behandlare: Array.from({ length: BEHANDLARE_PER_UNIT }, (_, k) => `hsa-beh-${n}-${k + 1}`),
    }
    units.push(unit)
    await engine.createUnit({ unitId: unit.unitId, name: `Vårdcentral ${n}` }, unit.administrator)
    roles.set(`${unit.administrator}@${unit.unitId}`, ['behorighetsadministrator'])
    const admin: Actor = staffActor(unit.administrator, unit.unitId)
    const grant = async (userId: string, role: Role): Promise<void> => {
      await engine.execute(admin, { type: 'grant-role', userId, role })
      roles.set(`${userId}@${unit.unitId}`, [...(roles.get(`${userId}@${unit.unitId}`) ?? []), role])
    }
    await grant(unit.invanaradministrator, 'invanaradministrator')
    for (const [k, userId] of unit.behandlare.entries()) {
      await grant(userId, 'behandlare')
      // Some want SMS too, a few want nothing but the app.
      const chosen = k % 4 === 0 ? { email: true, sms: true } : k % 7 === 3 ? { email: false, sms: false } : null
      if (chosen) {
        await engine.execute(staffActor(userId, unit.unitId), { type: 'set-notification-preferences', ...chosen })
        preferences.set(userId, chosen)
      }
    }
  }
  return { content: engine.content, units, roles, preferences }
}

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = (seed * 2654435761 + 1) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** A UUID-shaped id from the generator, so keys are as long and as scattered as real ones. */
function uuidFrom(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`
}

/** Fresh ids for the engine's own use (setup, outbox rows). */
export function benchIds(prefix: string): () => string {
  let n = 0
  return () => `${prefix}-${++n}`
}

/** A unique, valid personnummer per programme: a birth date from 1940 on and a serial number. */
export function benchPersonnummer(index: number): string {
  const birth = addDays('1940-01-01', index % 23_000)
  const serial = String(100 + Math.floor(index / 23_000)).padStart(3, '0')
  const digits = `${birth.replaceAll('-', '')}${serial}`
  return `${digits.slice(0, 8)}-${serial}${luhnCheckDigit(digits.slice(2))}`
}

// ── One programme's script, run through the pure core ────────────────────────────────────

/** One command of a script, with the ids decide will ask for. */
export interface ScriptedCommand {
  at: string
  actor: Actor
  command: ProgrammeCommand
  ids: string[]
}

/** What the store receives, in the order the engine would write it. */
type Write =
  | { kind: 'audit'; entry: AuditEntry }
  | { kind: 'flag'; key: FlagDeliveryKey; at: string; notification: FlagNotification; audit: AuditEntry }

/** A programme as the engine would have left it at the sweep. */
export interface SimulatedProgramme {
  programmeId: string
  personnummer: string
  script: ScriptedCommand[]
  events: ProgrammeEvent[]
  state: ProgrammeState
  /** The flag schedule of the final state, which the store keeps as its index. */
  schedule: ScheduledFlag[]
  writes: Write[]
}

const MESSAGES = [
  'Hej! Jag har läst det första steget. Ska jag göra övningen varje dag?',
  'Det var svårt att hitta tid i veckan, men nu har jag kommit igång igen.',
  'Tack för tipsen. Jag sover lite bättre nu.',
  'Kan vi prata om det här nästa gång vi ses?',
]
const REPLIES = ['Vad bra att du hör av dig! Ta det i din egen takt.', 'Ja, försök några gånger i veckan. Vi pratar mer när vi ses.']
const TEXT_ANSWERS = ['På kvällen efter middagen.', 'Jobbet och ekonomin.', 'En promenad med grannen.', 'Ringa en vän på söndag.']

/**
 * Runs one programme's script: the commands are chosen as they go from the state decide and
 * evolve have built, so every one is accepted. Deterministic in `index`.
 */
export function simulateProgramme(index: number, world: BenchWorld): SimulatedProgramme {
  const r = random(index + 1)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)] as T
  const { content } = world
  const programmeId = uuidFrom(r)
  const personnummer = benchPersonnummer(index)
  const patient: Actor = { kind: 'patient', personnummer }
  const age = 1 + Math.floor(r() * 89) // started 1 to 89 days before the sweep day: all running
  const startDay = addDays(SWEEP_DAY, -age)
  const home = world.units[index % world.units.length] as BenchUnit

  const script: ScriptedCommand[] = []
  const events: ProgrammeEvent[] = []
  const writes: Write[] = []
  const delivered = new Set<string>()
  let state: ProgrammeState | null = null
  let lastAt = ''

  const facts: DecideFacts = {
    hasOpenProgramme: () => false, // one programme per generated personnummer
    isBehandlare: (userId, unitId) => world.roles.get(`${userId}@${unitId}`)?.includes('behandlare') ?? false,
    unitExists: (unitId) => world.units.some((u) => u.unitId === unitId),
  }

  const deliver = (scheduled: ScheduledFlag, at: string, current: ProgrammeState): void => {
    delivered.add(keyOf(scheduled.key))
    const preferences = scheduled.recipient.kind === 'clinician' ? (world.preferences.get(scheduled.recipient.userId) ?? { email: true, sms: false }) : null
    const system: Actor = { kind: 'system', process: 'flags' }
    writes.push({
      kind: 'flag',
      key: scheduled.key,
      at,
      notification: flagNotification(scheduled, current, preferences, at),
      audit: auditEntry(system, { at, programmeId: current.programmeId, programme: current, action: 'deliver-flag', access: 'write', outcome: 'ok', refusalCode: null }),
    })
  }

  /**
   * The scheduler's morning runs after `from` and up to `to` (a run at the same instant as a
   * command comes first; the measured sweep at SWEEP_AT is not one of them) see the state as it
   * is now.
   */
  const nights = (from: string, to: string): void => {
    if (state === null) return
    const current = state
    let first = localDate(from)
    if (morningRunAt(first) <= from) first = addDays(first, 1)
    let last = localDate(to)
    if (to === SWEEP_AT ? morningRunAt(last) >= to : morningRunAt(last) > to) last = addDays(last, -1)
    if (first > last) return
    // Each occurrence goes out on the first morning it is due; mornings in order, flags in schedule order.
    const due: { day: string; scheduled: ScheduledFlag }[] = []
    for (const scheduled of flagSchedule(current, content)) {
      if (delivered.has(keyOf(scheduled.key))) continue
      const day = scheduled.dueOn > first ? scheduled.dueOn : first
      if (day <= last && isDueOn(scheduled, day)) due.push({ day, scheduled })
    }
    due.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
    for (const { day, scheduled } of due) deliver(scheduled, morningRunAt(day), current)
  }

  const run = (at: string, actor: Actor, command: ProgrammeCommand, ids: string[] = []): void => {
    if (at <= lastAt || at >= SWEEP_AT) throw new Error(`Script ${index}: ${command.type} at ${at} is out of order`)
    nights(lastAt || at, at)
    lastAt = at
    const roles = actor.kind === 'staff' ? (world.roles.get(`${actor.userId}@${actor.unitId}`) ?? []) : []
    const target = state ? { unitId: state.unitId, patient: state.patient } : null
    const denied = authorize(actor, command.type, { roles, patient: actor.kind === 'patient' ? (state?.patient ?? null) : null, target })
    if (denied) throw new Error(`Script ${index}: ${command.type} refused: ${denied.code}`)
    const queue = [...ids]
    const decision = decide(command, state, { now: at, actor, content, newId: () => queue.shift() ?? '', facts })
    if (!decision.ok) throw new Error(`Script ${index}: ${command.type} refused: ${decision.refusal.code}`)
    const next = evolveAll(decision.events, state)
    if (next === null) throw new Error('unreachable')
    script.push({ at, actor, command, ids })
    events.push(...decision.events)
    writes.push({
      kind: 'audit',
      entry: auditEntry(actor, { at, programmeId: next.programmeId, programme: next, before: state, action: command.type, access: PERMISSIONS[command.type].access, outcome: 'ok', refusalCode: null }),
    })
    state = next
    // Flags made due by a command go out with it only inside the delivery window.
    if (decision.events.length === 0 || !inDeliveryWindow(at)) return
    const today = localDate(at)
    for (const scheduled of flagSchedule(next, content)) {
      if (!delivered.has(keyOf(scheduled.key)) && isDueOn(scheduled, today)) deliver(scheduled, at, next)
    }
  }
  const now = (): ProgrammeState => {
    if (state === null) throw new Error('unreachable')
    return state
  }
  const clinician = (): Actor => {
    const s = now()
    return staffActor(s.responsibleUserId ?? '', s.unitId)
  }

  // Day 0: the behandlare starts PLUS and one to three modules, some with an earlier closing date.
  const startAt = wallClock(startDay, 8 * 60 + Math.floor(r() * 8 * 60))
  const starter: Actor = staffActor(pick(home.behandlare), home.unitId)
  run(startAt, starter, { type: 'start-programme', personnummer }, [programmeId])
  const modules = [...orderedModules(content)].sort(() => r() - 0.5).slice(0, 1 + Math.floor(r() * 3))
  run(plusMinutes(startAt, 2), starter, {
    type: 'start-modules',
    programmeId,
    modules: modules.map((m) => (r() < 0.3 ? { moduleId: m.id, closesOn: addDays(startDay, 14 + Math.floor(r() * 76)) } : { moduleId: m.id })),
    expectedVersion: now().version,
  })
  if (r() < 0.1) {
    run(plusMinutes(startAt, 4), starter, { type: 'edit-welcome-text', programmeId, text: `${content.bundle.programme.welcome.text}\n\nHälsningar från ${home.unitId}.`, expectedVersion: now().version })
  }

  // Later days: patient sessions in the evening, the clinic's answers the next working day, and
  // now and then a moved closing date, a new responsible or a handover.
  const steps: Step[] = modules.flatMap((m) => m.sections.flatMap((s) => s.steps))
  let cursor = 0
  const sessionDays = new Set<number>()
  const sessions = Math.floor(r() * 8)
  for (let k = 0; k < sessions; k++) sessionDays.add(Math.floor(r() * age))
  // An action starts at its time (or just after the previous one); tick() gives the instant of
  // each of its commands, a few minutes apart.
  const actions: { at: string; act: (tick: () => string) => void }[] = []
  const later = (at: string, act: (tick: () => string) => void): void => {
    if (at >= SWEEP_AT) return
    actions.push({ at, act })
    actions.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  }
  const clinicTime = (day: string): string => wallClock(day, 9 * 60 + Math.floor(r() * 7 * 60))
  const followUp = (day: string): void => {
    later(clinicTime(addDays(day, 1)), (tick) => {
      const s = now()
      if (s.pendingHandover !== null) return
      for (const submission of s.submissions.filter((x) => x.readAt === null)) {
        run(tick(), clinician(), { type: 'mark-submission-read', programmeId, submissionId: submission.submissionId })
      }
      if (now().messages.some((m) => m.from === 'patient' && m.readAt === null)) {
        run(tick(), clinician(), { type: 'mark-messages-read', programmeId })
        if (r() < 0.6) run(tick(), clinician(), { type: 'send-message', programmeId, text: pick(REPLIES) }, [uuidFrom(r)])
      }
    })
  }
  for (const offset of [...sessionDays].sort((a, b) => a - b)) {
    const day = addDays(startDay, offset)
    later(wallClock(day, 17 * 60 + Math.floor(r() * 5 * 60)), (tick) => {
      if (now().mobileNumber === null && r() < 0.1) {
        run(tick(), patient, { type: 'set-mobile-number', programmeId, mobileNumber: `070${String(1_000_000 + index).slice(-7)}` })
      }
      if (now().messages.some((m) => m.from === 'clinician' && m.readAt === null)) run(tick(), patient, { type: 'mark-messages-read', programmeId })
      let wrote = false
      for (let n = 1 + Math.floor(r() * 4); n > 0 && cursor < steps.length; n--) {
        const step = steps[cursor++] as Step
        run(tick(), patient, { type: 'open-step', programmeId, stepId: step.id })
        const form = step.blocks.find((b): b is FormBlock => b.type === 'form')
        const module = form ? now().modules[content.forms.get(form.id)?.module.id ?? ''] : undefined
        if (form && module && day < module.closesOn && r() < 0.8) {
          run(tick(), patient, { type: 'submit-form', programmeId, formId: form.id, answers: answersFor(form, Math.floor(r() * 4), r) }, [uuidFrom(r)])
          wrote = true
        }
      }
      if (r() < 0.25) {
        run(tick(), patient, { type: 'send-message', programmeId, text: pick(MESSAGES) }, [uuidFrom(r)])
        wrote = true
      }
      if (wrote && r() < 0.7) followUp(day)
    })
  }
  const someDay = (): string => addDays(startDay, 1 + Math.floor(r() * Math.max(1, age - 1)))
  if (r() < 0.05) {
    const day = someDay()
    later(clinicTime(day), (tick) => {
      const s = now()
      const module = Object.values(s.modules).find((m) => m.closesOn > day)
      const closesOn = addDays(day, 3 + Math.floor(r() * 20))
      if (s.pendingHandover !== null || !module || closesOn > s.endsOn) return
      run(tick(), clinician(), { type: 'change-module-closing-date', programmeId, moduleId: module.moduleId, closesOn, expectedVersion: now().version })
    })
  }
  if (r() < 0.02) {
    later(clinicTime(someDay()), (tick) => {
      const s = now()
      if (s.pendingHandover !== null || s.unitId !== home.unitId) return
      const other = home.behandlare.filter((b) => b !== s.responsibleUserId)
      run(tick(), staffActor(home.invanaradministrator, home.unitId), { type: 'change-responsible', programmeId, responsibleUserId: pick(other), expectedVersion: now().version })
    })
  }
  if (r() < 0.01) {
    const day = someDay()
    const to = world.units[(index + 1) % world.units.length] as BenchUnit
    const accepts = r() < 0.7
    later(clinicTime(day), (tick) => {
      if (now().pendingHandover !== null) return
      run(tick(), clinician(), { type: 'hand-over', programmeId, toUnitId: to.unitId, expectedVersion: now().version })
      // Most receiving units accept the next working day; the rest are still waiting.
      if (accepts) {
        later(clinicTime(addDays(day, 1)), (next) => {
          run(next(), staffActor(to.invanaradministrator, to.unitId), { type: 'accept-handover', programmeId, responsibleUserId: pick(to.behandlare), expectedVersion: now().version })
        })
      }
    })
  }
  for (let action = actions.shift(); action; action = actions.shift()) {
    let at = action.at > lastAt ? action.at : plusMinutes(lastAt, 1)
    action.act(() => {
      const current = at
      at = plusMinutes(at, 1 + Math.floor(r() * 3))
      return current
    })
  }
  nights(lastAt, SWEEP_AT)
  return { programmeId, personnummer, script, events, state: now(), schedule: flagSchedule(now(), content), writes }
}

function keyOf(key: FlagDeliveryKey): string {
  return `${key.flagId}\u0000${key.moduleId}\u0000${key.occurrence}`
}

function plusMinutes(at: string, minutes: number): string {
  return new Date(Date.parse(at) + minutes * 60_000).toISOString()
}

/** Valid answers to every question: option `level` (0–3) on scales, a short text where asked. */
export function answersFor(form: FormBlock, level: number, next: () => number): Answers {
  return sampleAnswers(form, level, (q) => (q.required || next() < 0.5 ? (TEXT_ANSWERS[Math.floor(next() * TEXT_ANSWERS.length)] ?? '') : null))
}

// ── Writing and measuring ─────────────────────────────────────────────────────────────────

/** Writes one simulated programme through the store interface, as the engine would have. */
export async function writeProgramme(tx: StoreTransaction, programme: SimulatedProgramme, newId: () => string): Promise<void> {
  const notifier = outboxNotifier(newId)
  await tx.appendEvents(programme.programmeId, 0, programme.events, programme.state, programme.schedule)
  for (const write of programme.writes) {
    if (write.kind === 'audit') {
      await tx.appendAudit(write.entry)
      continue
    }
    if (!(await tx.recordFlagDelivery(write.key, write.at))) throw new Error('A flag was delivered twice')
    await notifier.notify(write.notification, tx)
    await tx.appendAudit(write.audit)
  }
}

/** Simulates and writes `count` programmes in batched transactions. */
export async function populate(store: EngineStore, world: BenchWorld, count: number): Promise<void> {
  // Random, as the engine's outbox ids were before they were time-ordered (ids.ts): the population
  // stands for a database written by that version. The sweep's new ids append either way.
  const newId = randomUUID
  for (let first = 0; first < count; first += BATCH) {
    const batch: SimulatedProgramme[] = []
    for (let i = first; i < Math.min(count, first + BATCH); i++) batch.push(simulateProgramme(i, world))
    await store.transaction(async (tx) => {
      for (const programme of batch) await writeProgramme(tx, programme, newId)
    })
  }
}

/** The median time of each typical command, each on a different programme. */
async function measureCommands(engine: Engine, store: EngineStore, world: BenchWorld, programmes: number): Promise<{ name: string; medianMs: number }[]> {
  const samples = Math.min(COMMAND_SAMPLES, programmes)
  const stride = Math.max(1, Math.floor(programmes / samples))
  const candidates = (offset: number): SimulatedProgramme[] => {
    const list: SimulatedProgramme[] = []
    for (let k = 0; k < programmes && list.length < samples * 3; k++) list.push(simulateProgramme((offset + k * stride) % programmes, world))
    return list
  }
  const patientOf = (p: SimulatedProgramme): Actor => ({ kind: 'patient', personnummer: p.personnummer })
  const time = async (name: string, offset: number, make: (p: SimulatedProgramme, state: ProgrammeState) => { actor: Actor; command: Command } | null) => {
    const times: number[] = []
    for (const p of candidates(offset)) {
      if (times.length === samples) break
      const state = await store.getProgramme(p.programmeId)
      const made = state ? make(p, state) : null
      if (!made) continue
      const start = performance.now()
      await engine.execute(made.actor, made.command)
      times.push(performance.now() - start)
    }
    times.sort((a, b) => a - b)
    return { name, medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN }
  }
  const today = localDate(new Date(Date.parse(SWEEP_AT) + 9 * 3_600_000))
  // One after the other: each is timed alone.
  const runs = [
    () => time('open-step', 0, (p, s) => {
      const step = [...world.content.steps.values()].find((e) => Object.hasOwn(s.modules, e.module.id) && !Object.hasOwn(s.openedSteps, e.step.id))
      return step ? { actor: patientOf(p), command: { type: 'open-step', programmeId: s.programmeId, stepId: step.step.id } } : null
    }),
    () => time('submit-form', 1, (p, s) => {
      const entry = [...world.content.forms.values()].find((e) => {
        const module = s.modules[e.module.id]
        return module !== undefined && today < module.closesOn && !s.submissions.some((x) => x.formId === e.form.id)
      })
      return entry ? { actor: patientOf(p), command: { type: 'submit-form', programmeId: s.programmeId, formId: entry.form.id, answers: answersFor(entry.form, 2, random(3)) } } : null
    }),
    () => time('send-message', 2, (p, s) => ({ actor: patientOf(p), command: { type: 'send-message', programmeId: s.programmeId, text: 'Hej! En fråga om övningen.' } })),
    () => time('start-modules', 3, (_, s) => {
      const module = orderedModules(world.content).find((m) => !Object.hasOwn(s.modules, m.id))
      if (!module || s.pendingHandover !== null || s.responsibleUserId === null) return null
      return { actor: staffActor(s.responsibleUserId, s.unitId), command: { type: 'start-modules', programmeId: s.programmeId, modules: [{ moduleId: module.id }], expectedVersion: s.version } }
    }),
  ]
  const results: { name: string; medianMs: number }[] = []
  for (const run of runs) results.push(await run())
  return results
}
