// Swedish words and dates for the sandbox's pages.
import type { StepKind } from '../types/bundle.generated.ts'

const dateFormat = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
const weekdayFormat = new Intl.DateTimeFormat('sv-SE', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Stockholm' })
const timeFormat = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Stockholm' })
const shortTimeFormat = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Stockholm' })
const clockFormat = new Intl.DateTimeFormat('sv-SE', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Stockholm' })

/** A calendar date `YYYY-MM-DD` in words: "25 november 2026". */
export function longDate(date: string): string {
  return dateFormat.format(new Date(`${date}T00:00:00Z`))
}

/** An instant in Swedish time: "25 november 2026 09:00". */
export function swedishTime(iso: string): string {
  return timeFormat.format(new Date(iso))
}

/** A shorter instant for lists: "25 nov. 09:00". */
export function shortTime(iso: string): string {
  return shortTimeFormat.format(new Date(iso))
}

/** "tisdag 1 december 2026" and "09:00", for the clock. */
export function clockFace(at: Date): { day: string; time: string } {
  return { day: weekdayFormat.format(at), time: clockFormat.format(at) }
}

/** 191212121212 → 19121212-1212. */
export function personnummerText(value: string): string {
  const digits = value.replace(/\D/g, '')
  return digits.length === 12 ? `${digits.slice(0, 8)}-${digits.slice(8)}` : value
}

export const stepKindLabel: Record<StepKind, string> = { text: 'Text', media: 'Bild', film: 'Film', form: 'Formulär' }

export const statusLabel: Record<'active' | 'retained' | 'ended', string> = {
  active: 'Pågående',
  retained: 'Vidmakthålls',
  ended: 'Avslutat',
}

export const moduleStatusLabel: Record<'upcoming' | 'open' | 'closed', string> = {
  upcoming: 'Kommande',
  open: 'Startad',
  closed: 'Stängd',
}

export const channelLabel: Record<'patient-app' | 'email' | 'sms' | 'in-app', string> = {
  'patient-app': '1177 (notis till invånaren)',
  email: 'E-post',
  sms: 'SMS',
  'in-app': 'I Stöd och behandling',
}

export const bandLevelLabel: Record<'info' | 'attention' | 'urgent', string> = {
  info: 'Information',
  attention: 'Uppmärksamma',
  urgent: 'Brådskande',
}

/** Swedish texts for the scoring code's answer problems. */
export const answerProblemText: Record<string, string> = {
  required: 'Svara på frågan.',
  'unknown-question': 'Frågan finns inte i formuläret.',
  'unknown-option': 'Välj ett av svarsalternativen.',
  'wrong-type': 'Svaret har fel form. Skriv en siffra.',
  'duplicate-option': 'Samma alternativ är valt två gånger.',
  'below-min': 'Talet är för litet.',
  'above-max': 'Talet är för stort.',
  'too-long': 'Svaret är för långt.',
}

/** "1 dag", "7 dagar". */
export function days(n: number): string {
  return `${n} ${n === 1 ? 'dag' : 'dagar'}`
}
