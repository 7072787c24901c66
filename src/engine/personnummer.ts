// Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer),
// validated strictly and normalised to 12 digits, YYYYMMDDNNNC. The value is patient data: it is
// never put into an error message or a log line; problems are reported as codes.
import { type LocalDate, isLocalDate } from './calendar.ts'

/** Why a personnummer was refused. */
export type PersonnummerProblem =
  /** Not 10 or 12 digits with an optional `-` or `+` before the last four. */
  | 'format'
  /** The last digit does not match the Luhn checksum. */
  | 'checksum'
  /** The date part is not a real date (for a samordningsnummer: day minus 60). */
  | 'date'
  /** The date lies after today. */
  | 'future'

/** A valid, normalised number. */
export interface Personnummer {
  /** 12 digits: century, year, month, day (plus 60 for a samordningsnummer), serial, check digit. */
  value: string
  kind: 'personnummer' | 'samordningsnummer'
  /** The birth date the number encodes. */
  birthDate: LocalDate
}

export type PersonnummerResult =
  | { ok: true; personnummer: Personnummer }
  | { ok: false; problem: PersonnummerProblem }

const SHAPE = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/

/** The Luhn check digit of the nine digits YYMMDDNNN. */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0
  for (let i = 0; i < nineDigits.length; i++) {
    let digit = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1)
    if (digit > 9) digit -= 9
    sum += digit
  }
  return (10 - (sum % 10)) % 10
}

/**
 * Parses a personnummer or samordningsnummer written as `YYMMDD-NNNN`, `YYMMDD+NNNN` (100 years
 * or older), `YYMMDDNNNN`, `YYYYMMDD-NNNN` or `YYYYMMDDNNNN`. `today` decides the century of
 * the 10-digit forms, as Skatteverket does.
 */
export function parsePersonnummer(input: string, today: LocalDate): PersonnummerResult {
  const match = SHAPE.exec(input.trim())
  if (!match) return { ok: false, problem: 'format' }
  const [, century, yy = '', mm = '', dd = '', separator, serial = '', check = ''] = match
  // `+` marks a person 100 or older and only exists in the 10-digit form.
  if (century !== undefined && separator === '+') return { ok: false, problem: 'format' }
  if (luhnCheckDigit(`${yy}${mm}${dd}${serial}`) !== Number(check)) return { ok: false, problem: 'checksum' }

  const dayNumber = Number(dd)
  const kind = dayNumber > 60 ? 'samordningsnummer' : 'personnummer'
  const day = String(kind === 'samordningsnummer' ? dayNumber - 60 : dayNumber).padStart(2, '0')
  const year = century !== undefined ? `${century}${yy}` : fullYear(yy, mm, day, separator === '+', today)
  const birthDate = `${year}-${mm}-${day}`
  if (!isLocalDate(birthDate)) return { ok: false, problem: 'date' }
  if (birthDate > today) return { ok: false, problem: 'future' }
  return { ok: true, personnummer: { value: `${year}${mm}${dd}${serial}${check}`, kind, birthDate } }
}

/** The latest year ending in `yy` that puts the birthday on or before today, minus 100 for `+`. */
function fullYear(yy: string, mm: string, dd: string, hundredOrOlder: boolean, today: LocalDate): string {
  const currentYear = Number(today.slice(0, 4))
  let year = currentYear - ((currentYear - Number(yy)) % 100 + 100) % 100
  if (`${year}-${mm}-${dd}` > today) year -= 100
  if (hundredOrOlder) year -= 100
  return String(year)
}

/** The normalised 12-digit form, or null when the input is not a valid number. */
export function normalisePersonnummer(input: string, today: LocalDate): string | null {
  const result = parsePersonnummer(input, today)
  return result.ok ? result.personnummer.value : null
}
