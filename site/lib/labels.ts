// The preview's Swedish words for values in the bundle, so every page names things the same way
// (the terms follow 1177 Stöd och behandling: modul, avsnitt, steg).
import type { BandLevel, FlagTrigger, FormKind, Recipient, ReviewStatus, StepKind } from '../../src/types/bundle.generated.ts'

export const stepKindLabel: Record<StepKind, string> = {
  text: 'Text',
  media: 'Bild',
  film: 'Film',
  form: 'Formulär',
}

export const formKindLabel: Record<FormKind, string> = {
  assessment: 'Kartläggning',
  exercise: 'Uppgift',
}

export const reviewStatusLabel: Record<ReviewStatus, string> = {
  draft: 'Utkast',
  'in-review': 'Granskas',
  approved: 'Godkänd',
}

/** How serious a band is, as the clinician view names it. */
export const bandLevelLabel: Record<BandLevel, string> = {
  info: 'Information',
  attention: 'Uppmärksamhet',
  urgent: 'Akut',
}

export const recipientLabel: Record<Recipient, string> = {
  patient: 'Invånaren',
  clinician: 'Behandlaren',
}

export const triggerLabel: Record<FlagTrigger, string> = {
  'programme-started': 'När programmet startas',
  inactivity: 'Efter dagar utan aktivitet',
  'module-closing': 'Före en moduls stängningsdatum',
  'programme-ending': 'Före programmets slut',
}

/** "1 film", "3 filmer": a count with the right form of the noun. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

/** A duration in whole minutes and seconds, as a reader says it: "3 min 20 s". */
export function filmDuration(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  if (m === 0) return `${s} s`
  return s === 0 ? `${m} min` : `${m} min ${s} s`
}

const dateFormat = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeZone: 'UTC' })
const weekdayDateFormat = new Intl.DateTimeFormat('sv-SE', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
const timeFormat = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' })

/** A calendar date `YYYY-MM-DD` in words: "25 november 2025". */
export function longDate(date: string): string {
  return dateFormat.format(new Date(`${date}T00:00:00Z`))
}

/** A calendar date with its weekday: "tisdag 25 november 2025". */
export function weekdayDate(date: string): string {
  return weekdayDateFormat.format(new Date(`${date}T00:00:00Z`))
}

/** An instant in Swedish time: "25 november 2025 kl. 19:06". */
export function stockholmTime(iso: string): string {
  return timeFormat.format(new Date(iso))
}
