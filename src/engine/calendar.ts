// Calendar arithmetic in Europe/Stockholm. Deadlines in the programme ("90 days", "seven days
// without activity", "three days before a module closes") are counted in local calendar days, so
// a day is a date on the Swedish calendar, not 24 hours: across the daylight-saving changes a
// calendar day lasts 23 or 25 hours.

/** A calendar date in Europe/Stockholm, `YYYY-MM-DD`. */
export type LocalDate = string

/** The time zone every day count in the engine uses. */
export const TIME_ZONE = 'Europe/Stockholm'

const DAY_MS = 86_400_000

const dateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const HOUR_MS = 3_600_000

/**
 * Dates by UTC hour, a memo of the time-zone lookup (the engine's most frequent calendar call).
 * Since 1970 Stockholm's offset is a whole number of hours and changes on a whole UTC hour, so
 * local midnight always falls on one and every instant of a UTC hour has the same local date.
 */
const datesByHour = new Map<number, LocalDate>()

/** The Stockholm calendar date of an instant (an ISO 8601 string or a Date). */
export function localDate(instant: string | Date): LocalDate {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  const ms = date.getTime()
  if (Number.isNaN(ms)) throw new TypeError(`Expected an ISO instant, got \`${String(instant)}\``)
  const hour = Math.floor(ms / HOUR_MS)
  const known = ms >= 0 ? datesByHour.get(hour) : undefined
  if (known !== undefined) return known
  const parts = dateFormat.formatToParts(date)
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? ''
  const result = `${part('year')}-${part('month')}-${part('day')}`
  if (ms >= 0) {
    if (datesByHour.size >= 100_000) datesByHour.clear()
    datesByHour.set(hour, result)
  }
  return result
}

/** The Stockholm wall-clock time of an instant, `HH:MM`. */
export function localTime(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  return timeFormat.format(date)
}

/** True when the string is a real calendar date written as `YYYY-MM-DD`. */
export function isLocalDate(value: string): boolean {
  return utcMidnight(value) !== null
}

/**
 * Memos of the date arithmetic the flag schedule does for every programme it looks at (a few
 * hundred distinct days in use at a time): the parsed midnight of a date string, and the date
 * string of a UTC midnight. Bounded; cleared when full.
 */
const midnightsByDate = new Map<string, number | null>()
const datesByMidnight = new Map<number, LocalDate>()
const DATE_MEMO_SIZE = 20_000

/** UTC midnight of a date written `YYYY-MM-DD`, or null when it is not a real date. */
function utcMidnight(value: string): number | null {
  const known = midnightsByDate.get(value)
  if (known !== undefined) return known
  const result = parseUtcMidnight(value)
  if (midnightsByDate.size >= DATE_MEMO_SIZE) midnightsByDate.clear()
  midnightsByDate.set(value, result)
  return result
}

function parseUtcMidnight(value: string): number | null {
  const match = LOCAL_DATE.exec(value)
  if (!match) return null
  const y = Number(match[1])
  const m = Number(match[2])
  const d = Number(match[3])
  const ms = Date.UTC(y, m - 1, d)
  // Date.UTC rolls 2025-02-30 over into March (and reads years below 100 as 19xx): reject both.
  const back = new Date(ms)
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : null
}

function toUtcMidnight(date: LocalDate): number {
  const ms = utcMidnight(date)
  if (ms === null) throw new TypeError(`Expected a date YYYY-MM-DD, got \`${date}\``)
  return ms
}

/** The date `days` calendar days after (or before, when negative) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const ms = toUtcMidnight(date) + days * DAY_MS
  const known = datesByMidnight.get(ms)
  if (known !== undefined) return known
  const result = new Date(ms).toISOString().slice(0, 10)
  if (datesByMidnight.size >= DATE_MEMO_SIZE) datesByMidnight.clear()
  datesByMidnight.set(ms, result)
  return result
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  // Both dates are placed at UTC midnight, where every day is exactly 24 hours long.
  return Math.round((toUtcMidnight(to) - toUtcMidnight(from)) / DAY_MS)
}

/** The instant local midnight begins on `date` in Stockholm (UTC+1 in winter, UTC+2 in summer). */
export function startOfLocalDay(date: LocalDate): string {
  const utcMidnight = toUtcMidnight(date)
  // Stockholm's offset is +1 or +2 hours and changes at 02:00/03:00, so midnight always exists.
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(utcMidnight - offsetHours * 3_600_000)
    if (localDate(candidate) === date && localTime(candidate) === '00:00') return candidate.toISOString()
  }
  throw new Error(`No local midnight found for ${date}`)
}
