// Exports: a dataadministratör's export of the unit's ended programmes (JSON and CSV), and the
// patient's download of their own answers and messages. Pure; the engine checks access and logs.
import { type LocalDate, localDate } from './calendar.ts'
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

/** A unit export as JSON. The engine writes it piece by piece (see unitExportChunks). */
export interface UnitExport {
  type: 'plus-unit-export'
  unitId: string
  exportedAt: string
  programmes: ExportedProgramme[]
}

/** The formats of a unit export. */
export type ExportFormat = 'json' | 'csv'

/** The file's name and media type, known before any row is written. */
export interface ExportHeader {
  format: ExportFormat
  mediaType: 'application/json' | 'text/csv; charset=utf-8'
  /** `plus-<unit>-<date>.<format>`: never a path separator, see exportFileName. */
  fileName: string
}

/** What an export wrote, counted while it was written. */
export interface ExportTally {
  /** Ended programmes in the file. */
  programmes: number
  /** Data rows: one per programme in JSON; one per submission (or programme without any) in CSV. */
  rows: number
}

/** The export as the dataadministratör downloads it, whole (small units; hosts stream instead). */
export type ExportFile = ExportHeader & ExportTally & { body: string }

/** The start of every CSV file: the UTF-8 byte order mark, so Excel reads å, ä and ö right. */
export const CSV_BOM = '\ufeff'
/** The field separator Excel expects with Swedish settings (the comma is the decimal sign). */
export const CSV_SEPARATOR = ';'
/** Rows end with CRLF (RFC 4180; what Excel writes). */
export const CSV_NEWLINE = '\r\n'

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

/**
 * The export's file name: `plus-<unit>-<date>.<format>`. Unit ids are checked when a unit is
 * created (isSafeUnitId), so this only matters for a store filled some other way: every character
 * outside the safe set becomes `_`, so the name can never hold a path separator, `..` or a
 * control character.
 */
export function exportFileName(unitId: string, now: string, format: ExportFormat): string {
  const unit = unitId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'unit'
  // The Stockholm date, as the dataadministratör reads it (at 00:30 the UTC date is yesterday's).
  const stamp = Number.isNaN(Date.parse(now)) ? 'undated' : localDate(now)
  return `plus-${unit}-${stamp}.${format}`
}

/** The file's name and media type. */
export function exportHeader(unitId: string, now: string, format: ExportFormat): ExportHeader {
  return { format, mediaType: format === 'json' ? 'application/json' : 'text/csv; charset=utf-8', fileName: exportFileName(unitId, now, format) }
}

/**
 * The export as a sequence of text pieces, one per programme (plus the opening and closing), so
 * a host can send it as it is made and memory does not grow with the number of programmes. Pass
 * programmes as an iterable that reads them page by page. `tally` is filled as pieces are taken.
 */
export function* unitExportChunks(
  unitId: string,
  programmes: Iterable<ProgrammeState>,
  now: string,
  format: ExportFormat,
  tally: ExportTally = { programmes: 0, rows: 0 },
): Generator<string, ExportTally> {
  yield exportOpening(unitId, now, format)
  for (const state of programmes) yield exportPiece(state, format, tally)
  const closing = exportClosing(format)
  if (closing !== '') yield closing
  return tally
}

/** The export's first piece: the JSON document's opening, or the CSV header row. */
export function exportOpening(unitId: string, now: string, format: ExportFormat): string {
  return format === 'json'
    ? `{"type":"plus-unit-export","unitId":${JSON.stringify(unitId)},"exportedAt":${JSON.stringify(now)},"programmes":[`
    : CSV_BOM + csvRow(CSV_COLUMNS)
}

/** One programme's piece of the export; counts it in `tally`. */
export function exportPiece(state: ProgrammeState, format: ExportFormat, tally: ExportTally): string {
  if (format === 'json') {
    const piece = `${tally.programmes === 0 ? '' : ','}\n${JSON.stringify(exportProgramme(state))}`
    tally.programmes++
    tally.rows++
    return piece
  }
  const p = exportProgramme(state)
  // YYYYMMDD-NNNN: Excel keeps it as text; twelve bare digits would be shown as 1,91212E+11.
  const personnummer = `${p.personnummer.slice(0, 8)}-${p.personnummer.slice(8)}`
  const base = [p.programmeId, personnummer, p.startedOn, p.endedAt ?? '', p.endReason ?? '']
  const rows =
    p.submissions.length === 0
      ? [[...base, '', '', '', '', '', '']]
      : p.submissions.map((s) => [...base, s.moduleId, s.formId, s.submittedAt, s.score === null ? '' : String(s.score), s.bandLabel ?? '', JSON.stringify(s.answers)])
  tally.programmes++
  tally.rows += rows.length
  return rows.map(csvRow).join('')
}

/** The export's last piece: the JSON document's closing; CSV has none (the empty string). */
export function exportClosing(format: ExportFormat): string {
  return format === 'json' ? '\n]}\n' : ''
}

/** The whole export in one string: unitExportChunks joined. */
export function unitExportFile(unitId: string, programmes: Iterable<ProgrammeState>, now: string, format: ExportFormat): ExportFile {
  const tally: ExportTally = { programmes: 0, rows: 0 }
  const body = [...unitExportChunks(unitId, programmes, now, format, tally)].join('')
  return { ...exportHeader(unitId, now, format), ...tally, body }
}

/** One CSV row, cells separated by `;`, ended by CRLF. */
export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(CSV_SEPARATOR) + CSV_NEWLINE
}

/**
 * One CSV cell. A cell a spreadsheet would run as a formula (its first character, or its first
 * after leading spaces, is `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so
 * Excel and LibreOffice show it as text. A cell holding `;`, `"`, CR or LF is quoted, with `"`
 * doubled (RFC 4180).
 */
export function csvCell(value: string): string {
  const safe = /^[ ]*[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
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
