// The sandbox as a whole: the engine on its database, the simulated clock and the state of the
// content. The server turns requests into calls on this; the tests can drive it directly.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { PlusBundle } from '../types/bundle.generated.ts'
import { SimulatedClock } from './clock.ts'
import { calendar, SandboxEngine } from './engine-adapter.ts'

/** How far "till nästa flagga" looks ahead, in days: past the programme's 90 days and a margin. */
export const FLAG_HORIZON_DAYS = 200

export interface SandboxOptions {
  /** The SQLite file; its folder is created. */
  dbPath: string
  bundle: PlusBundle
  /** Where the simulated time starts (first run and after "Börja om"). */
  start: Date
  /** Keep the clock in a file next to the database (default true). */
  persistClock?: boolean
}

const SAME_VERSION_NOTICE =
  'Innehållet har ändrats men har kvar samma versionsnummer. Motorn byter inte innehåll under ett pågående program utan ny version. Provkör visar därför det tidigare innehållet tills du höjer versionen i programme.md eller väljer Börja om.'

/** What moving the clock did. */
export interface ClockMove {
  days: number
  flags: number
}

export class Sandbox {
  engine: SandboxEngine
  readonly clock: SimulatedClock
  /** Content problems from the last rebuild, shown on every page until a good build. */
  contentProblems: string[] = []
  /** Set when a rebuilt bundle could not be used as it is (same version, other content). */
  contentNotice: string | null = null
  /** A rebuilt bundle the engine could not take while programmes run; used after "Börja om". */
  #waitingBundle: PlusBundle | null = null

  private constructor(clock: SimulatedClock, engine: SandboxEngine) {
    this.clock = clock
    this.engine = engine
  }

  /** Opens the sandbox on its database, with the clock where it was left (or at `start`). */
  static async open(options: SandboxOptions): Promise<Sandbox> {
    mkdirSync(path.dirname(options.dbPath), { recursive: true })
    const clockFile = options.persistClock === false ? null : `${options.dbPath}.klocka.json`
    const clock = new SimulatedClock(clockFile, options.start)
    const sandbox = new Sandbox(clock, await SandboxEngine.open({ dbPath: options.dbPath, bundle: options.bundle, clock: clock.now }))
    if (sandbox.engine.startedOnStoredContent) {
      sandbox.#waitingBundle = options.bundle
      sandbox.contentNotice = SAME_VERSION_NOTICE
    }
    await sandbox.afterAction()
    return sandbox
  }

  /** After any change: deliver what the outbox holds, at the simulated time. */
  async afterAction(): Promise<void> {
    await this.engine.sendOutbox()
  }

  /** Moves the clock one day at a time, running the flag sweep on each day. */
  async advanceDays(days: number): Promise<ClockMove> {
    let flags = 0
    for (let i = 0; i < days; i++) {
      this.clock.nextDay()
      flags += await this.engine.sweepFlags()
      await this.afterAction()
    }
    return { days, flags }
  }

  /**
   * Moves the clock to the next day a flag goes out, sweeping every day on the way. Stays put and
   * returns null when no flag is scheduled within FLAG_HORIZON_DAYS. A scheduled flag that the
   * programme's state no longer wants sends nothing (the engine decides); then it goes on to the
   * next one, never further than FLAG_HORIZON_DAYS in all.
   */
  async advanceToNextFlag(): Promise<ClockMove | null> {
    let moved = 0
    while (moved < FLAG_HORIZON_DAYS) {
      const today = calendar.localDate(this.clock.now())
      let next: number | null = null
      for (let day = 1; day <= FLAG_HORIZON_DAYS - moved && next === null; day++) {
        if (await this.engine.hasFlagScheduledOn(calendar.addDays(today, day))) next = day
      }
      if (next === null) return moved === 0 ? null : { days: moved, flags: 0 }
      const move = await this.advanceDays(next)
      moved += move.days
      if (move.flags > 0) return { days: moved, flags: move.flags }
    }
    return { days: moved, flags: 0 }
  }

  /** Empties the database and puts the clock back to the start. */
  async reset(): Promise<void> {
    this.clock.reset()
    this.engine = await SandboxEngine.reset(this.engine, this.#waitingBundle ?? undefined)
    this.#waitingBundle = null
    this.contentNotice = null
    await this.afterAction()
  }

  /** Takes a rebuilt bundle into use (or explains why not). */
  async useBundle(bundle: PlusBundle): Promise<void> {
    const swap = await this.engine.replaceBundle(bundle)
    this.contentProblems = []
    this.#waitingBundle = swap.ok ? null : bundle
    this.contentNotice = swap.ok ? null : SAME_VERSION_NOTICE
  }

  async close(): Promise<void> {
    await this.engine.close()
  }
}
