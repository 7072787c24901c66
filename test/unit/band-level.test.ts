// Band levels in the shared scoring code: the level of a band (older bundles have none), the
// more serious of two, and which texts give an emergency number (PLUS327, and what an urgent
// result in the preview puts first).
import { describe, expect, it } from 'vitest'
import { bandLevel, emergencyNumber, moreSerious } from '../../src/scoring/index.ts'

describe('band levels', () => {
  it('reads a band without a level (bundle format 1.0) as info', () => {
    expect(bandLevel({})).toBe('info')
    expect(bandLevel({ level: 'urgent' })).toBe('urgent')
  })

  it('keeps the more serious of two levels', () => {
    expect(moreSerious('info', 'urgent')).toBe('urgent')
    expect(moreSerious('urgent', 'attention')).toBe('urgent')
    expect(moreSerious('attention', 'info')).toBe('attention')
  })
})

describe('emergencyNumber', () => {
  it.each([
    ['Ring 112 om det är akut.', '112'],
    ['Ring [112](tel:112).', '112'],
    ['Självmordslinjen på 90101.', '90101'],
    ['Självmordslinjen på 90 101.', '90101'],
    ['112.', '112'],
  ])('finds the number in %j', (text, number) => {
    expect(emergencyNumber(text)).toBe(number)
  })

  it.each([
    'Ring 1177 för råd om vård.',
    'Alkohollinjen 020-84 44 48.',
    'Det kostar 1 112 kronor.',
    'Ring 0112345.',
    'Kvinnofridslinjen 020-50 50 50.',
  ])('finds none in %j', (text) => {
    expect(emergencyNumber(text)).toBeNull()
  })
})
