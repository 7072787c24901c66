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

/** The Stockholm calendar date of an instant (an ISO 8601 string or a Date). */
export function localDate(instant: string | Date): LocalDate {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  if (Number.isNaN(date.getTime())) throw new TypeError(`Expected an ISO instant, got \`${String(instant)}\``)
  const parts = dateFormat.formatToParts(date)
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')}`
}

/** The Stockholm wall-clock time of an instant, `HH:MM`. */
export function localTime(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant
  return timeFormat.format(date)
}

/** True when the string is a real calendar date written as `YYYY-MM-DD`. */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value)
  if (!match) return false
  const [, y, m, d] = match
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  return date.toISOString().slice(0, 10) === value
}

function toUtcMidnight(date: LocalDate): number {
  if (!isLocalDate(date)) throw new TypeError(`Expected a date YYYY-MM-DD, got \`${date}\``)
  return Date.parse(`${date}T00:00:00Z`)
}

/** The date `days` calendar days after (or before, when negative) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(toUtcMidnight(date) + days * DAY_MS).toISOString().slice(0, 10)
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
