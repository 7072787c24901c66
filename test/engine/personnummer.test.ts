// Personnummer: 10 or 12 digits, `-`/`+`, Luhn, a real date, samordningsnummer (day + 60),
// stored as 12 digits. Only Skatteverket's 1912-12-12 test series and Luhn-checked neighbours.
import { describe, expect, it } from 'vitest'
import { luhnCheckDigit, normalisePersonnummer, parsePersonnummer } from '../../src/engine/index.ts'

const TODAY = '2025-04-07'

describe('personnummer', () => {
  it.each([
    ['19121212-1212', '191212121212'],
    ['191212121212', '191212121212'],
    ['19121212-1220', '191212121220'],
    ['191212121238', '191212121238'],
    ['19120229-1231', '191202291231'], // 1912 was a leap year
    ['19121231-1235', '191212311235'],
    ['  19121212-1212 ', '191212121212'], // surrounding space from a copy-paste
  ])('given %s, when parsed, then it is normalised to %s', (input, expected) => {
    const result = parsePersonnummer(input, TODAY)
    expect(result).toMatchObject({ ok: true, personnummer: { value: expected, kind: 'personnummer' } })
  })

  it('given a 10-digit number with +, then the person is 100 or older', () => {
    expect(normalisePersonnummer('121212+1212', TODAY)).toBe('191212121212')
  })

  it('given a 10-digit number with - or no separator, then the century is the latest one not in the future', () => {
    expect(normalisePersonnummer('121212-1212', TODAY)).toBe('201212121212')
    expect(normalisePersonnummer('1212121212', TODAY)).toBe('201212121212')
  })

  it('given a birthday later this year, then a 10-digit number is placed a century earlier', () => {
    // 1212-12-12 has not happened yet in 2012-06-01, so 12 means 1912.
    expect(normalisePersonnummer('121212-1212', '2012-06-01')).toBe('191212121212')
  })

  it.each([
    ['19121272-1235', '191212721235', '1912-12-12'],
    ['19121291-1232', '191212911232', '1912-12-31'],
    ['121272-1235', '201212721235', '2012-12-12'],
  ])('given the samordningsnummer %s, then the day minus 60 is the birth date', (input, value, birthDate) => {
    expect(parsePersonnummer(input, TODAY)).toEqual({ ok: true, personnummer: { value, kind: 'samordningsnummer', birthDate } })
  })

  it.each([
    ['19121212-1213', 'checksum'],
    ['19121212-1221', 'checksum'],
    ['1212121213', 'checksum'],
    ['19130229-1230', 'date'], // 1913 was not a leap year
    ['19120230-1238', 'date'],
    ['19121232-1234', 'date'],
    ['19121300-1231', 'date'],
    ['19121200-1232', 'date'],
    ['19121260-1239', 'date'], // day 60 is neither a day nor a samordningsnummer day
    ['20301212-1210', 'future'],
    ['1912121-1212', 'format'],
    ['1912121212121', 'format'],
    ['19121212+1212', 'format'], // + exists only in the 10-digit form
    ['191212--1212', 'format'],
    ['19121212 1212', 'format'],
    ['19121212–1212', 'format'], // en dash
    ['ÅÅMMDD-NNNN', 'format'],
    ['', 'format'],
  ])('given %s, when parsed, then it is refused with %s', (input, problem) => {
    expect(parsePersonnummer(input, TODAY)).toEqual({ ok: false, problem })
  })

  it('computes the Luhn check digit over YYMMDDNNN', () => {
    expect(luhnCheckDigit('121212121')).toBe(2)
    expect(luhnCheckDigit('121272123')).toBe(5)
  })
})
