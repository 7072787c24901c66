// The programme's days, for a programme started on a given day: when each flag fires and when
// the programme's time is up. The days come from the engine's own flag rules (flagSchedule), run
// over a programme that nobody touches, so a preview cannot drift from what the engine sends.
// Pure: no store, no clock, no Node APIs.
import type { Flag, Programme } from '../types/bundle.generated.ts'
import { addDays, daysBetween, type LocalDate, startOfLocalDay } from './calendar.ts'
import type { ContentIndex } from './content.ts'
import { evolveAll } from './evolve.ts'
import { flagSchedule, isDueOn } from './flags.ts'
import type { ProgrammeState } from './state.ts'

/** One thing that happens on a day of the programme. */
export type TimelineEvent =
  | { type: 'flag'; day: number; date: LocalDate; flag: Flag; moduleId: string | null }
  | { type: 'module-closes'; day: number; date: LocalDate; moduleId: string }
  | { type: 'programme-ends'; day: number; date: LocalDate }

/** A module started on day 0 with its closing date. */
export interface ModuleClosing {
  moduleId: string
  closesOn: LocalDate
}

/**
 * Every event of a programme started on `startedOn` with the given modules started at once and
 * no patient activity after the start, in day order. Each flag is listed on the first day the
 * engine considers it due, which is the day it is sent.
 */
export function programmeTimeline(programme: Pick<Programme, 'durationDays' | 'flags'>, startedOn: LocalDate, modules: readonly ModuleClosing[]): TimelineEvent[] {
  const endsOn = addDays(startedOn, programme.durationDays)
  const state = untouchedProgramme(startedOn, endsOn, modules)
  // flagSchedule reads nothing of the content but the flag definitions.
  const content = { bundle: { programme } } as unknown as ContentIndex
  const schedule = flagSchedule(state, content)
  const events: TimelineEvent[] = []
  for (const scheduled of schedule) {
    // The first day it is due: its own date, or the start when that date had already passed
    // (a module closing within the warning period is warned about at once).
    for (let day = 0; day <= programme.durationDays; day++) {
      const date = addDays(startedOn, day)
      if (!isDueOn(scheduled, date)) continue
      events.push({ type: 'flag', day, date, flag: scheduled.flag, moduleId: scheduled.key.moduleId || null })
      break
    }
  }
  for (const m of modules) events.push({ type: 'module-closes', day: daysBetween(startedOn, m.closesOn), date: m.closesOn, moduleId: m.moduleId })
  events.push({ type: 'programme-ends', day: programme.durationDays, date: endsOn })
  const rank = { flag: 0, 'module-closes': 1, 'programme-ends': 2 } as const
  return events.sort((a, b) => a.day - b.day || rank[a.type] - rank[b.type])
}

/**
 * A running programme on which nothing happens after the start, built by evolve from the two
 * events a real start produces, so its shape cannot drift from the engine's.
 */
export function untouchedProgramme(startedOn: LocalDate, endsOn: LocalDate, modules: readonly ModuleClosing[]): ProgrammeState {
  const at = startOfLocalDay(startedOn)
  const by = { kind: 'staff', userId: 'behandlare', unitId: 'forhandsvisning' } as const
  const state = evolveAll([
    { type: 'programme-started', at, by, programmeId: 'forhandsvisning', unitId: 'forhandsvisning', patient: '', responsibleUserId: 'behandlare', contentVersion: '', startedOn, endsOn },
    { type: 'modules-started', at, by, modules: modules.map((m) => ({ moduleId: m.moduleId, closesOn: m.closesOn })) },
  ])
  if (!state) throw new Error('evolve gave no state for a started programme')
  return state
}
