// A guard against a personnummer slipping into an export where a pseudonymous reference belongs
// (the engine keys programmes by personnummer, so `subject: state.patient` is an easy mistake).

import { luhnCheckDigit } from '../engine/personnummer.ts'

// YYMMDD or YYYYMMDD, optional - or +, then four digits; not part of a longer digit run.
const CANDIDATE = /(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{3})(\d)(?!\d)/g

/**
 * True when the text holds a digit sequence that is a plausible personnummer or
 * samordningsnummer: a valid month, a day 01–31 (or 61–91), and a correct Luhn check digit.
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
