// Swedish personal identity numbers: personnummer (Folkbokföringslagen 18 §) and
// samordningsnummer (18 a §, the day of birth plus 60). The one module that reads, writes and
// recognises them; the engine and the FHIR export both use it. The value is patient data: it is
// never put into an error message or a log line, and problems are reported as codes.
//
// The rules, as Skatteverket issues and prints the numbers:
// - Birth date (YYMMDD, the day plus 60 for a samordningsnummer), a three-digit serial number
//   (födelsenummer / individnummer, 001–999: 000 is never issued) and a Luhn check digit over
//   the ten digits YYMMDDNNN.
// - The 10-digit form has `-` before the serial number until the calendar year the person turns
//   100 and `+` from 1 January of that year, not from the birthday. So the same printed number
//   means one person only together with the date it was read on: `today`, from the engine's clock.
// - Systems store the 12-digit form, with the century: YYYYMMDDNNNC.
//
// What this module accepts (anything else is refused with a code, nothing is guessed):
// - 12 digits, `YYYYMMDDNNNC` or `YYYYMMDD-NNNC`.
// - 10 digits with their separator, `YYMMDD-NNNC` or `YYMMDD+NNNC`.
// - Whitespace around the number (a copy-paste) is removed: it cannot change the digits.
// Refused: 10 digits without a separator (`century`: the century cannot be known, and guessing
// would turn a person of 100 or more into someone a century younger), `+` in the 12-digit form, a
// separator other than ASCII `-`/`+` (en dash, minus sign, space), non-ASCII digits, anything
// inside or after the number.

/** A calendar date `YYYY-MM-DD`. */
export type IsoDate = string

/** Why a personnummer was refused. Codes are permanent. */
export type PersonnummerProblem =
  /** Not one of the accepted spellings (see the module comment). */
  | 'format'
  /** 10 digits without `-` or `+`: which century the person was born in is unknown. */
  | 'century'
  /** The last digit does not match the Luhn checksum. */
  | 'checksum'
  /** The date part is not a real date (for a samordningsnummer: day minus 60), or lies more than
   * 199 calendar years back (no one alive; the 10-digit form cannot express it). */
  | 'date'
  /** The serial number is 000, which is never issued. */
  | 'serial'
  /** The date lies after today. */
  | 'future'

/** A valid, normalised number. */
export interface Personnummer {
  /** 12 digits: century, year, month, day (plus 60 for a samordningsnummer), serial, check digit. */
  value: string
  kind: 'personnummer' | 'samordningsnummer'
  /** The birth date the number encodes. */
  birthDate: IsoDate
}

export type PersonnummerResult = { ok: true; personnummer: Personnummer } | { ok: false; problem: PersonnummerProblem }

const TWELVE = /^(\d{4})(\d{2})(\d{2})(-?)(\d{3})(\d)$/
const TEN = /^(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
/** The oldest age, in calendar years, a number may have: the 10-digit `+` form reaches 199. */
const MAX_AGE_YEARS = 199

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
 * Parses a personnummer or samordningsnummer in one of the accepted spellings (see the module
 * comment). `today` is the date it is read on, from the caller's clock: it places the 10-digit
 * forms in their century and refuses a date in the future.
 */
export function parsePersonnummer(input: unknown, today: IsoDate): PersonnummerResult {
  const todayYear = yearOf(today)
  if (typeof input !== 'string') return { ok: false, problem: 'format' }
  const text = input.trim()

  let year: number
  let yy: string, mm: string, dd: string, serial: string, check: string
  const twelve = TWELVE.exec(text)
  if (twelve) {
    const [, yyyy = '', m = '', d = '', , s = '', c = ''] = twelve
    year = Number(yyyy)
    ;[yy, mm, dd, serial, check] = [yyyy.slice(2), m, d, s, c]
  } else {
    const ten = TEN.exec(text)
    if (!ten) return { ok: false, problem: 'format' }
    const [, y = '', m = '', d = '', separator, s = '', c = ''] = ten
    if (separator === '') return { ok: false, problem: 'century' }
    ;[yy, mm, dd, serial, check] = [y, m, d, s, c]
    // `-`: the person turns at most 99 this calendar year; `+`: 100 to 199.
    const youngest = separator === '-' ? todayYear : todayYear - 100
    year = youngest - ((youngest - Number(yy)) % 100 + 100) % 100
  }

  if (luhnCheckDigit(`${yy}${mm}${dd}${serial}`) !== Number(check)) return { ok: false, problem: 'checksum' }
  const dayNumber = Number(dd)
  const kind = dayNumber > 60 ? 'samordningsnummer' : 'personnummer'
  const day = String(kind === 'samordningsnummer' ? dayNumber - 60 : dayNumber).padStart(2, '0')
  const birthDate = `${String(year).padStart(4, '0')}-${mm}-${day}`
  if (!isRealDate(birthDate) || todayYear - year > MAX_AGE_YEARS) return { ok: false, problem: 'date' }
  if (serial === '000') return { ok: false, problem: 'serial' }
  if (birthDate > today) return { ok: false, problem: 'future' }
  return { ok: true, personnummer: { value: `${year}${mm}${dd}${serial}${check}`, kind, birthDate } }
}

/** The normalised 12-digit form, or null when the input is not a valid number. */
export function normalisePersonnummer(input: unknown, today: IsoDate): string | null {
  const result = parsePersonnummer(input, today)
  return result.ok ? result.personnummer.value : null
}

/**
 * The 10-digit form Skatteverket prints on `today` for a valid 12-digit number: `YYMMDD-NNNC`, or
 * `YYMMDD+NNNC` from the calendar year the person turns 100. Throws a TypeError for anything
 * that is not a valid 12-digit number on that date (a caller's bug, not a person's input).
 */
export function tenDigitForm(twelveDigits: string, today: IsoDate): string {
  const parsed = /^\d{12}$/.test(twelveDigits) ? parsePersonnummer(twelveDigits, today) : null
  if (!parsed?.ok) throw new TypeError('Expected a valid 12-digit personnummer')
  const year = Number(twelveDigits.slice(0, 4))
  const separator = yearOf(today) - year >= 100 ? '+' : '-'
  return `${twelveDigits.slice(2, 8)}${separator}${twelveDigits.slice(8)}`
}

// YYMMDD or YYYYMMDD, optional - or +, then four digits; not part of a longer digit run.
const CANDIDATE = /(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{3})(\d)(?!\d)/g

/**
 * True when the text holds a digit sequence that could be a personnummer or samordningsnummer in
 * any spelling: a valid month, a day 01–31 (or 61–91), and a correct Luhn check digit. Wider than
 * parsePersonnummer on purpose (it needs no date and takes any separator): a guard against a
 * number slipping into an export where a pseudonymous reference belongs.
 */
export function looksLikePersonnummer(text: string): boolean {
  for (const m of text.matchAll(CANDIDATE)) {
    const [, , yy = '', mm = '', dd = '', serial = '', check = ''] = m
    const month = Number(mm)
    const day = Number(dd) > 60 ? Number(dd) - 60 : Number(dd)
    if (month < 1 || month > 12 || day < 1 || day > 31) continue
    if (luhnCheckDigit(`${yy}${mm}${dd}${serial}`) === Number(check)) return true
  }
  return false
}

function yearOf(date: IsoDate): number {
  const match = ISO_DATE.exec(date)
  if (!match || !isRealDate(date)) throw new TypeError('Expected a reference date YYYY-MM-DD')
  return Number(match[1])
}

/** True for a real calendar date `YYYY-MM-DD` (years 0001–9999). */
function isRealDate(value: string): boolean {
  const match = ISO_DATE.exec(value)
  if (!match) return false
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (y < 1 || m < 1 || m > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0
  return d <= days
}
