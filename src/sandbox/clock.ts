// The sandbox's simulated clock. The user moves it forward; it never follows the real time. It is
// kept in a small file next to the database so that a restart continues where the user was.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { calendar } from './engine-adapter.ts'

/** The instant a Stockholm wall-clock time (`HH:MM`) falls on, on a Stockholm calendar day. */
export function stockholmWallTime(date: string, time: string): Date {
  const midnight = Date.parse(calendar.startOfLocalDay(date))
  const [h = 0, m = 0] = time.split(':').map(Number)
  // Try the plain sum, then an hour either way, to land on the wall-clock time across a change.
  for (const shift of [0, -1, 1, -2, 2]) {
    const candidate = new Date(midnight + ((h + shift) * 60 + m) * 60_000)
    if (calendar.localTime(candidate) === time && calendar.localDate(candidate) === date) return candidate
  }
  return new Date(midnight + (h * 60 + m) * 60_000)
}

/** Where a fresh sandbox starts: today (real Stockholm date) at 09:00, inside the day's flag hours. */
export function defaultStart(real: Date = new Date()): Date {
  return stockholmWallTime(calendar.localDate(real), '09:00')
}

/** The clock the engine runs on in the sandbox. */
export class SimulatedClock {
  #now: Date
  readonly #file: string | null
  readonly #start: Date

  /** `file` keeps the time between runs (null: in memory only); `start` is used the first time and after a reset. */
  constructor(file: string | null, start: Date) {
    this.#file = file
    this.#start = new Date(start)
    this.#now = new Date(start)
    if (file) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as { now?: unknown }
        const at = typeof saved.now === 'string' ? new Date(saved.now) : null
        if (at && !Number.isNaN(at.getTime())) this.#now = at
      } catch {
        // No saved time yet: start from the beginning.
      }
    }
  }

  /** For the engine: the current simulated time. */
  now = (): Date => new Date(this.#now)

  /** The same Stockholm wall-clock time, one calendar day later. */
  nextDay(): void {
    const today = calendar.localDate(this.#now)
    this.#set(stockholmWallTime(calendar.addDays(today, 1), calendar.localTime(this.#now)))
  }

  /** Back to the start time; forgets the saved time. */
  reset(): void {
    this.#now = new Date(this.#start)
    if (this.#file) rmSync(this.#file, { force: true })
  }

  #set(at: Date): void {
    this.#now = at
    if (this.#file) {
      mkdirSync(path.dirname(this.#file), { recursive: true })
      writeFileSync(this.#file, `${JSON.stringify({ now: at.toISOString() })}\n`)
    }
  }
}
