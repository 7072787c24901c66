// Days are Stockholm calendar days, also across the daylight-saving changes (last Sunday of
// March: 02:00 → 03:00; last Sunday of October: 03:00 → 02:00).
import { describe, expect, it } from 'vitest'
import { addDays, daysBetween, isLocalDate, localDate, startOfLocalDay } from '../../src/engine/index.ts'

describe('calendar', () => {
  it('gives the Stockholm date of an instant, not the UTC date', () => {
    expect(localDate('2025-03-29T23:30:00Z')).toBe('2025-03-30') // 00:30 CET
    expect(localDate('2025-03-30T21:59:00Z')).toBe('2025-03-30') // 23:59 CEST
    expect(localDate('2025-03-30T22:00:00Z')).toBe('2025-03-31') // 00:00 CEST
    expect(localDate('2025-10-25T21:59:00Z')).toBe('2025-10-25')
    expect(localDate('2025-10-25T22:00:00Z')).toBe('2025-10-26') // 00:00 CEST
    expect(localDate('2025-10-26T22:59:00Z')).toBe('2025-10-26') // 23:59 CET
    expect(localDate('2025-10-26T23:00:00Z')).toBe('2025-10-27')
  })

  it('counts calendar days across the spring change (a 23-hour day)', () => {
    expect(daysBetween('2025-03-29', '2025-03-31')).toBe(2)
    expect(addDays('2025-03-28', 3)).toBe('2025-03-31')
    // 48 hours after Saturday 00:00 CET is Monday 01:00 CEST: still two calendar days.
    const saturday = startOfLocalDay('2025-03-29')
    const plus48h = new Date(Date.parse(saturday) + 48 * 3_600_000).toISOString()
    expect(daysBetween(localDate(saturday), localDate(plus48h))).toBe(2)
  })

  it('counts calendar days across the autumn change (a 25-hour day)', () => {
    expect(daysBetween('2025-10-25', '2025-10-27')).toBe(2)
    // 48 hours after Saturday 00:00 CEST is Sunday 23:00 CET: only one calendar day later.
    const saturday = startOfLocalDay('2025-10-25')
    const plus48h = new Date(Date.parse(saturday) + 48 * 3_600_000).toISOString()
    expect(daysBetween(localDate(saturday), localDate(plus48h))).toBe(1)
  })

  it('finds local midnight in winter and in summer time', () => {
    expect(startOfLocalDay('2025-01-15')).toBe('2025-01-14T23:00:00.000Z')
    expect(startOfLocalDay('2025-07-15')).toBe('2025-07-14T22:00:00.000Z')
    expect(startOfLocalDay('2025-03-30')).toBe('2025-03-29T23:00:00.000Z')
    expect(startOfLocalDay('2025-03-31')).toBe('2025-03-30T22:00:00.000Z')
    expect(startOfLocalDay('2025-10-26')).toBe('2025-10-25T22:00:00.000Z')
    expect(startOfLocalDay('2025-10-27')).toBe('2025-10-26T23:00:00.000Z')
  })

  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isLocalDate('2024-02-29')).toBe(true)
    expect(isLocalDate('2025-02-29')).toBe(false)
    expect(isLocalDate('2025-4-7')).toBe(false)
  })
})
