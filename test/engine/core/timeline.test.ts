// The preview's timeline comes from the engine's own flag schedule, through plus/engine.
import { describe, expect, it } from 'vitest'
import { programmeTimeline } from '../../../src/engine/index.ts'
import { testBundle } from '../bundle.ts'

describe('programmeTimeline', () => {
  const programme = testBundle().programme
  it('given a programme started with Oro, then every flag appears once, on the day the engine sends it, and the end comes last', () => {
    const events = programmeTimeline(programme, '2025-03-20', [{ moduleId: 'oro', closesOn: '2025-06-18' }])
    const days = events.map((e) => e.day)
    expect(days).toEqual([...days].sort((a, b) => a - b))
    expect(events.at(-1)).toMatchObject({ type: 'programme-ends', day: programme.durationDays })
    const flags = events.filter((e) => e.type === 'flag')
    expect(new Set(flags.map((f) => `${f.flag.id}/${f.moduleId}`)).size).toBe(flags.length)
    expect(events).toContainEqual(expect.objectContaining({ type: 'module-closes', date: '2025-06-18', moduleId: 'oro' }))
  })
  it('given a module closing within the warning period, then its warning is on day 0', () => {
    const events = programmeTimeline(programme, '2025-03-20', [{ moduleId: 'oro', closesOn: '2025-03-22' }])
    const warning = events.find((e) => e.type === 'flag' && e.moduleId === 'oro')
    expect(warning?.day).toBe(0)
  })
})
