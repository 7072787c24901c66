// The programme's days, for a programme started on a given day: when each flag fires and when
// the programme's time is up. The days come from the engine's own flag rules (dueFlags), run
// over a programme that nobody touches, so the preview cannot drift from what the engine sends.
import type { Flag, Programme } from '../../src/types/bundle.generated.ts'
import { addDays, daysBetween, startOfLocalDay, type LocalDate } from '../../src/engine/calendar.ts'
import { dueFlags } from '../../src/engine/flags.ts'
import { evolveAll } from '../../src/engine/evolve.ts'
import type { ContentIndex } from '../../src/engine/content.ts'
import type { ProgrammeState } from '../../src/engine/state.ts'

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
export function programmeTimeline(programme: Pick<Programme, 'durationDays' | 'flags'>, startedOn: LocalDate, modules: ModuleClosing[]): TimelineEvent[] {
  const endsOn = addDays(startedOn, programme.durationDays)
  const state = untouchedProgramme(startedOn, endsOn, modules)
  // dueFlags reads only the flag definitions from the content index.
  const content = { bundle: { programme } } as unknown as ContentIndex
  const firstDue = new Map<string, TimelineEvent>()
  for (let day = 0; day <= programme.durationDays; day++) {
    const now = startOfLocalDay(addDays(startedOn, day))
    for (const due of dueFlags(state, content, now)) {
      const key = `${due.key.flagId}/${due.key.moduleId}/${due.key.occurrence}`
      if (firstDue.has(key)) continue
      // The day it is first due: its own date, or the start when that date had already passed
      // (a module closing within the warning period is warned about at once).
      firstDue.set(key, { type: 'flag', day, date: addDays(startedOn, day), flag: due.flag, moduleId: due.key.moduleId || null })
    }
  }
  const events: TimelineEvent[] = [...firstDue.values()]
  for (const m of modules) events.push({ type: 'module-closes', day: daysBetween(startedOn, m.closesOn), date: m.closesOn, moduleId: m.moduleId })
  events.push({ type: 'programme-ends', day: programme.durationDays, date: endsOn })
  const rank = { flag: 0, 'module-closes': 1, 'programme-ends': 2 } as const
  return events.sort((a, b) => a.day - b.day || rank[a.type] - rank[b.type])
}

/**
 * A running programme on which nothing happens after the start, built by the engine's own
 * evolve from the two events a real start produces, so its shape cannot drift from the engine's.
 */
function untouchedProgramme(startedOn: LocalDate, endsOn: LocalDate, modules: ModuleClosing[]): ProgrammeState {
  const at = startOfLocalDay(startedOn)
  const by = { kind: 'staff', userId: 'behandlare', unitId: 'forhandsvisning' } as const
  const state = evolveAll([
    { type: 'programme-started', at, by, programmeId: 'forhandsvisning', unitId: 'forhandsvisning', patient: '', responsibleUserId: 'behandlare', contentVersion: '', startedOn, endsOn },
    { type: 'modules-started', at, by, modules: modules.map((m) => ({ moduleId: m.moduleId, closesOn: m.closesOn })) },
  ])
  if (!state) throw new Error('evolve gave no state for a started programme')
  return state
}
