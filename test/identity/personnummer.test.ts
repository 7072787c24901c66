// Personnummer and samordningsnummer: one person, one key. Given/when/then cases use only
// Skatteverket's 1912-12-12 test series (and its Luhn-checked neighbours); the property tests
// generate numbers from the rules, so no fixture names a real person.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { refusal } from '../../src/engine/refusals.ts'
import {
  looksLikePersonnummer,
  luhnCheckDigit,
  normalisePersonnummer,
  parsePersonnummer,
  tenDigitForm,
} from '../../src/identity/personnummer.ts'

const TODAY = '2025-04-07'

describe('personnummer: accepted spellings', () => {
  it.each([
    ['19121212-1212', '191212121212'],
    ['191212121212', '191212121212'],
    ['19121212-1220', '191212121220'],
    ['191212121238', '191212121238'],
    ['19120229-1231', '191202291231'], // 1912 was a leap year
    ['19121231-1235', '191212311235'],
  ])('given %s, when parsed, then it is the 12 digits %s', (input, expected) => {
    expect(parsePersonnummer(input, TODAY)).toMatchObject({ ok: true, personnummer: { value: expected, kind: 'personnummer' } })
  })

  it.each([' 19121212-1212', '19121212-1212 ', '\t191212121212\n', '\u00a0121212+1212\u00a0', '\ufeff19121212-1212'])(
    'given surrounding whitespace (%j), when parsed, then it is removed and the number is the same person',
    (input) => {
      expect(normalisePersonnummer(input, TODAY)).toBe('191212121212')
    },
  )

  it.each([
    ['19121272-1235', '191212721235', '1912-12-12'],
    ['19121291-1232', '191212911232', '1912-12-31'],
    ['121272-1235', '201212721235', '2012-12-12'],
  ])('given the samordningsnummer %s, then the day minus 60 is the birth date', (input, value, birthDate) => {
    expect(parsePersonnummer(input, TODAY)).toEqual({ ok: true, personnummer: { value, kind: 'samordningsnummer', birthDate } })
  })
})

describe('personnummer: the separator changes in the calendar year the person turns 100', () => {
  // 1912-12-12 turns 100 on 2012-12-12; Skatteverket prints + from 2012-01-01.
  it('given the last day of the year they turn 99, when printed, then the separator is -', () => {
    expect(tenDigitForm('191212121212', '2011-12-31')).toBe('121212-1212')
  })

  it('given the first day of the year they turn 100, before the birthday, when printed, then the separator is +', () => {
    expect(tenDigitForm('191212121212', '2012-01-01')).toBe('121212+1212')
    expect(tenDigitForm('191212121212', '2012-12-11')).toBe('121212+1212')
  })

  it('given a + number of someone who turns 100 later this year, when parsed, then it is that person (not 200 years back)', () => {
    expect(normalisePersonnummer('121212+1212', '2012-06-01')).toBe('191212121212')
  })

  it('given a - number whose birthday this century is still to come, when parsed, then it is refused as in the future, not moved a century back', () => {
    // Read as 1912 it would be someone who turns 100 this year, whose number is printed with +.
    expect(parsePersonnummer('121212-1212', '2012-06-01')).toEqual({ ok: false, problem: 'future' })
  })

  it('given a - number, when parsed, then the person turns at most 99 this calendar year', () => {
    expect(normalisePersonnummer('121212-1212', TODAY)).toBe('201212121212')
    expect(normalisePersonnummer('121212-1212', '2011-12-31')).toBe('191212121212')
  })

  it('given a + number, when parsed, then the person turns 100 to 199 this calendar year', () => {
    expect(normalisePersonnummer('121212+1212', TODAY)).toBe('191212121212')
    expect(normalisePersonnummer('121212+1212', '2011-12-31')).toBe('181212121212')
  })
})

describe('personnummer: refused inputs', () => {
  const serialZero = `121212000${luhnCheckDigit('121212000')}`
  it.each([
    ['19121212-1213', 'checksum'],
    ['19121212-1221', 'checksum'],
    ['121212-1213', 'checksum'],
    ['19130229-1230', 'date'], // 1913 was not a leap year
    ['19120230-1238', 'date'],
    ['19121232-1234', 'date'],
    ['19121300-1231', 'date'],
    ['19121200-1232', 'date'],
    ['19121260-1239', 'date'], // day 60 is neither a day nor a samordningsnummer day
    ['18121212-1212', 'date'], // 213 calendar years back: no one alive, no 10-digit form
    ['20301212-1210', 'future'],
    [`19${serialZero.slice(0, 6)}-${serialZero.slice(6)}`, 'serial'],
    [`${serialZero.slice(0, 6)}-${serialZero.slice(6)}`, 'serial'],
    ['1212121212', 'century'], // 10 digits without a separator: 1912 or 2012?
    ['1912121-1212', 'format'],
    ['1912121212121', 'format'],
    ['19121212+1212', 'format'], // + exists only in the 10-digit form
    ['191212--1212', 'format'],
    ['19121212 1212', 'format'],
    ['19121212–1212', 'format'], // en dash
    ['19121212\u22121212', 'format'], // minus sign
    ['１９１２１２１２-１２１２', 'format'], // full-width digits
    ['19121212-1212x', 'format'],
    ['pnr 19121212-1212', 'format'],
    ['ÅÅMMDD-NNNN', 'format'],
    ['', 'format'],
    ['   ', 'format'],
  ])('given %j, when parsed, then it is refused with %s', (input, problem) => {
    expect(parsePersonnummer(input, TODAY)).toEqual({ ok: false, problem })
  })

  it.each([[191212121212], [null], [undefined], [{}], [['19121212-1212']]])('given a non-string %j, when parsed, then it is refused as format, not thrown', (input) => {
    expect(parsePersonnummer(input, TODAY)).toEqual({ ok: false, problem: 'format' })
  })

  it('given a broken reference date, when parsing, then it is a caller bug (TypeError)', () => {
    expect(() => parsePersonnummer('19121212-1212', '2025-02-30')).toThrow(TypeError)
  })

  it('given an invalid 12-digit number, when asked for its 10-digit form, then it is a caller bug (TypeError)', () => {
    expect(() => tenDigitForm('191212121213', TODAY)).toThrow(TypeError)
    expect(() => tenDigitForm('19121212-1212', TODAY)).toThrow(TypeError)
  })

  it('computes the Luhn check digit over YYMMDDNNN', () => {
    expect(luhnCheckDigit('121212121')).toBe(2)
    expect(luhnCheckDigit('121272123')).toBe(5)
  })
})

// ---- Property tests -------------------------------------------------------------------------

const DAY_MS = 86_400_000
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** A valid 12-digit number born on or before `latest` and at most 199 calendar years before `yearOfReading`. */
function validNumber(latest: string, yearOfReading: number): fc.Arbitrary<string> {
  return fc
    .record({
      age: fc.integer({ min: 0, max: 199 }),
      month: fc.integer({ min: 1, max: 12 }),
      dayFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      samordning: fc.boolean(),
      serial: fc.integer({ min: 1, max: 999 }),
    })
    .map(({ age, month, dayFraction, samordning, serial }) => {
      const year = yearOfReading - age
      const day = 1 + Math.floor(dayFraction * daysInMonth(year, month))
      return { year, month, day, samordning, serial }
    })
    .filter(({ year, month, day }) => `${year}-${pad(month)}-${pad(day)}` <= latest)
    .map(({ year, month, day, samordning, serial }) => {
      const nine = `${pad(year % 100)}${pad(month)}${pad(samordning ? day + 60 : day)}${String(serial).padStart(3, '0')}`
      return `${year}${nine.slice(2)}${luhnCheckDigit(nine)}`
    })
}
const pad = (n: number): string => String(n).padStart(2, '0')

/** Every spelling of a valid number that parsePersonnummer accepts on `today` (before trimming). */
function spellings(twelve: string, today: string): string[] {
  return [twelve, `${twelve.slice(0, 8)}-${twelve.slice(8)}`, tenDigitForm(twelve, today)]
}

describe('personnummer: properties', () => {
  it('given every valid 12-digit number and every reference date across a year, when Skatteverket’s 10-digit form of that date is parsed on that date, then it is the same 12 digits', () => {
    const start = Date.UTC(2026, 0, 1)
    const year = Array.from({ length: 365 }, (_, i) => isoDay(start + i * DAY_MS))
    fc.assert(
      fc.property(validNumber('2025-12-31', 2026), (twelve) => {
        for (const today of year) {
          const result = parsePersonnummer(tenDigitForm(twelve, today), today)
          if (!result.ok || result.personnummer.value !== twelve) return false
        }
        return true
      }),
      { numRuns: 500 },
    )
  })

  it('given a valid number and any reference date from 1950 to 2150, when any of its spellings is parsed, then it is the same 12 digits', () => {
    const reference = fc.integer({ min: Date.UTC(1950, 0, 1) / DAY_MS, max: Date.UTC(2150, 11, 31) / DAY_MS }).map((d) => isoDay(d * DAY_MS))
    const numberAndDate = reference.chain((today) => validNumber(today, Number(today.slice(0, 4))).map((twelve) => ({ twelve, today })))
    fc.assert(
      fc.property(numberAndDate, fc.constantFrom('', ' ', '\t', '\u00a0'), ({ twelve, today }, space) => {
        return spellings(twelve, today).every((s) => normalisePersonnummer(`${space}${s}${space}`, today) === twelve)
      }),
      { numRuns: 2000 },
    )
  })

  it('given any input near a valid number (one character changed, added, removed or swapped, or another separator), when it is accepted, then it is a spelling of the number it maps to', () => {
    const alphabet = fc.constantFrom(...'0123456789-+ –'.split(''))
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: alphabet }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: alphabet }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), char: alphabet }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), char: alphabet }),
    )
    const apply = (text: string, e: { kind: string; at: number; char: string }): string => {
      const i = e.at % (text.length + 1)
      switch (e.kind) {
        case 'replace':
          return text.slice(0, i) + e.char + text.slice(i + 1)
        case 'insert':
          return text.slice(0, i) + e.char + text.slice(i)
        case 'delete':
          return text.slice(0, i) + text.slice(i + 1)
        default:
          return i + 1 < text.length ? text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2) : text
      }
    }
    const today = fc.integer({ min: Date.UTC(2000, 0, 1) / DAY_MS, max: Date.UTC(2100, 11, 31) / DAY_MS }).map((d) => isoDay(d * DAY_MS))
    const case_ = today.chain((t) =>
      fc.record({
        today: fc.constant(t),
        twelve: validNumber(t, Number(t.slice(0, 4))),
        spelling: fc.nat({ max: 2 }),
        edits: fc.array(edit, { minLength: 1, maxLength: 3 }),
      }),
    )
    fc.assert(
      fc.property(case_, ({ today, twelve, spelling, edits }) => {
        const input = edits.reduce(apply, spellings(twelve, today)[spelling] ?? twelve)
        const result = parsePersonnummer(input, today)
        return !result.ok || spellings(result.personnummer.value, today).includes(input.trim())
      }),
      { numRuns: 5000 },
    )
  })

  it('given two valid numbers a century apart, when printed on the same date, then their 10-digit forms differ (one spelling, one person)', () => {
    const reference = fc.integer({ min: Date.UTC(1950, 0, 1) / DAY_MS, max: Date.UTC(2150, 11, 31) / DAY_MS }).map((d) => isoDay(d * DAY_MS))
    const numberAndDate = reference.chain((today) => validNumber(today, Number(today.slice(0, 4))).map((twelve) => ({ twelve, today })))
    fc.assert(
      fc.property(numberAndDate, fc.constantFrom(-100, 100), ({ twelve, today }, shift) => {
        const other = `${Number(twelve.slice(0, 4)) + shift}${twelve.slice(4)}`
        const otherValid = parsePersonnummer(other, today)
        fc.pre(otherValid.ok)
        return tenDigitForm(other, today) !== tenDigitForm(twelve, today)
      }),
      { numRuns: 2000 },
    )
  })

  it('given any short string of digits, separators and spaces, when it is accepted, then it is a spelling of the number it maps to', () => {
    const text = fc.string({ unit: fc.constantFrom(...'0123456789-+ '.split('')), minLength: 9, maxLength: 15 })
    fc.assert(
      fc.property(text, (input) => {
        const result = parsePersonnummer(input, TODAY)
        return !result.ok || spellings(result.personnummer.value, TODAY).includes(input.trim())
      }),
      { numRuns: 5000 },
    )
  })
})

describe('looksLikePersonnummer (the export guard)', () => {
  it('finds a personnummer or samordningsnummer in any of its usual spellings', () => {
    for (const text of ['191212121212', '19121212-1212', '121212-1212', '1212121212', 'Patient/121212+1212']) {
      expect(looksLikePersonnummer(text), text).toBe(true)
    }
  })
})

describe('personnummer: refusals name the problem', () => {
  it('given each problem, when the engine refuses, then each has its own message and none carries a number', () => {
    const problems = ['format', 'century', 'checksum', 'date', 'serial', 'future'] as const
    const messages = problems.map((problem) => refusal('invalid-personnummer', { personnummerProblem: problem }).message)
    expect(new Set([...messages, refusal('invalid-personnummer').message]).size).toBe(problems.length + 1)
    for (const message of messages) expect(message).not.toMatch(/\d{4}/)
  })
})
