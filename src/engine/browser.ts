// plus/engine/browser: the part of the engine that runs anywhere, a browser included: calendar
// arithmetic in Europe/Stockholm and the programme timeline (which day each flag is sent). It
// pulls in no Node API (no node:sqlite, node:crypto or node:fs), so a page script can import it
// without a bundler shim; plus/engine re-exports the same functions for servers and hosts.
// test/unit/engine-browser-entry.test.ts keeps it free of Node imports.
export { TIME_ZONE, addDays, daysBetween, isLocalDate, localDate, localTime, startOfLocalDay } from './calendar.ts'
export type { LocalDate } from './calendar.ts'
export { flagSchedule, isDueOn } from './flags.ts'
export type { DueFlag, ScheduledFlag } from './flags.ts'
export { programmeTimeline, untouchedProgramme } from './timeline.ts'
export type { ModuleClosing, TimelineEvent } from './timeline.ts'
