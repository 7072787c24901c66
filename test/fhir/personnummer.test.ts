import { expect, it } from 'vitest'
import { looksLikePersonnummer } from '../../src/identity/personnummer.ts'

it('finds a personnummer or samordningsnummer in any of its usual spellings', () => {
  for (const text of ['191212121212', '19121212-1212', '121212-1212', '1212121212', 'Patient/121212+1212', 'x 19701063-2391 y']) {
    expect(looksLikePersonnummer(text), text).toBe(true)
  }
})

it('does not mistake other digit runs for one: wrong check digit, impossible date, longer runs, uuids', () => {
  for (const text of ['121212-1213', '19121312-1212', '1912121212120', 'Patient/42', 'urn:uuid:12345678-1234-5678-1234-567812345678', '2025-03-01T09:30:00Z']) {
    expect(looksLikePersonnummer(text), text).toBe(false)
  }
})
