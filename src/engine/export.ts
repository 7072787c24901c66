// Exports: a dataadministratör's export of the unit's ended programmes (JSON and CSV), and the
// patient's download of their own answers and messages. Pure; the engine checks access and logs.
import type { LocalDate } from './calendar.ts'
import type { ContentIndex } from './content.ts'
import type { EndReason } from './end-reasons.ts'
import type { ProgrammeState } from './state.ts'
import { type AnswerView, type ContentLookup, type MessageView, messageViews, programmeTitle, submissionView } from './views.ts'

/** One ended programme in a unit export. */
export interface ExportedProgramme {
  programmeId: string
  personnummer: string
  unitId: string
  startedOn: LocalDate
  endsOn: LocalDate
  endedAt: string | null
  endReason: EndReason | null
  responsibleUserId: string | null
  contentVersion: string
  modules: { moduleId: string; startedAt: string; closesOn: LocalDate }[]
  openedSteps: { stepId: string; openedAt: string }[]
  submissions: {
    submissionId: string
    formId: string
    moduleId: string
    submittedAt: string
    score: number | null
    bandLabel: string | null
    contentVersion: string
    answers: ProgrammeState['submissions'][number]['answers']
  }[]
  messages: { from: 'patient' | 'clinician'; sentAt: string; text: string }[]
}

/** A unit export. */
export interface UnitExport {
  type: 'plus-unit-export'
  unitId: string
  exportedAt: string
  programmes: ExportedProgramme[]
}

/** The export as the dataadministratör downloads it. */
export type ExportFile =
  | { format: 'json'; mediaType: 'application/json'; fileName: string; body: string }
  | { format: 'csv'; mediaType: 'text/csv'; fileName: string; body: string }

export function exportProgramme(state: ProgrammeState): ExportedProgramme {
  const { lifecycle } = state
  return {
    programmeId: state.programmeId,
    personnummer: state.patient,
    unitId: state.unitId,
    startedOn: state.startedOn,
    endsOn: state.endsOn,
    endedAt: lifecycle.status === 'ended' ? lifecycle.at : null,
    endReason: lifecycle.status === 'ended' ? lifecycle.reason : null,
    responsibleUserId: state.responsibleUserId,
    contentVersion: state.contentVersion,
    modules: Object.values(state.modules).map((m) => ({ moduleId: m.moduleId, startedAt: m.startedAt, closesOn: m.closesOn })),
    openedSteps: Object.entries(state.openedSteps).map(([stepId, openedAt]) => ({ stepId, openedAt })),
    submissions: state.submissions.map((s) => ({
      submissionId: s.submissionId,
      formId: s.formId,
      moduleId: s.moduleId,
      submittedAt: s.submittedAt,
      score: s.score,
      bandLabel: s.bandLabel,
      contentVersion: s.contentVersion,
      answers: s.answers,
    })),
    messages: state.messages.map((m) => ({ from: m.from, sentAt: m.sentAt, text: m.text })),
  }
}

const CSV_COLUMNS = [
  'programme_id',
  'personnummer',
  'started_on',
  'ended_at',
  'end_reason',
  'module_id',
  'form_id',
  'submitted_at',
  'score',
  'band',
  'answers_json',
] as const

/** Builds the export file in the chosen format. CSV has one row per submission (or programme). */
export function unitExportFile(unitId: string, programmes: readonly ProgrammeState[], now: string, format: 'json' | 'csv'): ExportFile {
  const stamp = now.slice(0, 10)
  const data: UnitExport = { type: 'plus-unit-export', unitId, exportedAt: now, programmes: programmes.map(exportProgramme) }
  if (format === 'json') {
    return { format, mediaType: 'application/json', fileName: `plus-${unitId}-${stamp}.json`, body: `${JSON.stringify(data, null, 2)}\n` }
  }
  const rows: string[][] = [[...CSV_COLUMNS]]
  for (const p of data.programmes) {
    const base = [p.programmeId, p.personnummer, p.startedOn, p.endedAt ?? '', p.endReason ?? '']
    if (p.submissions.length === 0) rows.push([...base, '', '', '', '', '', ''])
    for (const s of p.submissions) {
      rows.push([...base, s.moduleId, s.formId, s.submittedAt, s.score === null ? '' : String(s.score), s.bandLabel ?? '', JSON.stringify(s.answers)])
    }
  }
  return { format, mediaType: 'text/csv', fileName: `plus-${unitId}-${stamp}.csv`, body: rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n' }
}

/** RFC 4180 quoting; cells that a spreadsheet would run as a formula are prefixed with `'`. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** The patient's own download: their answers and messages, with the questions as text. */
export interface PatientExport {
  type: 'plus-patient-export'
  programmeId: string
  title: string
  exportedAt: string
  submissions: {
    formTitle: string
    submittedAt: string
    score: number | null
    bandLabel: string | null
    answers: Pick<AnswerView, 'prompt' | 'display' | 'removed'>[]
  }[]
  messages: Pick<MessageView, 'from' | 'text' | 'sentAt'>[]
}

export function patientExport(state: ProgrammeState, content: ContentIndex, lookup: ContentLookup, now: string): PatientExport {
  return {
    type: 'plus-patient-export',
    programmeId: state.programmeId,
    title: programmeTitle(content),
    exportedAt: now,
    submissions: state.submissions.map((s) => {
      const view = submissionView(s, content, lookup)
      return {
        formTitle: view.formTitle,
        submittedAt: view.submittedAt,
        score: view.score,
        bandLabel: view.bandLabel,
        answers: view.answers.map((a) => ({ prompt: a.prompt, display: a.display, removed: a.removed })),
      }
    }),
    messages: messageViews(state).map((m) => ({ from: m.from, text: m.text, sentAt: m.sentAt })),
  }
}
