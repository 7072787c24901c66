// Renders diagnostics for people (`path:line:column: severity code message` plus a hint) and
// for tools (JSON). Rendering is the only place messages are turned into text.
import { catalogue } from './catalogue.ts'
import { hintOf, messageOf, sortDiagnostics, type Diagnostic, type Lang } from './diagnostic.ts'

const severityWord: Record<Lang, Record<Diagnostic['severity'], string>> = {
  sv: { error: 'fel', warning: 'varning' },
  en: { error: 'error', warning: 'warning' },
}

/** One diagnostic as text: the location line, then the hint (and related location) indented. */
export function formatDiagnostic(d: Diagnostic, lang: Lang): string {
  const head = `${d.file}:${d.line}:${d.column}: ${severityWord[lang][d.severity]} ${d.code} ${messageOf(d, lang)}`
  const lines = [head, `  ${lang === 'sv' ? 'tips' : 'hint'}: ${hintOf(d, lang)}`]
  if (d.related) {
    const label = lang === 'sv' ? 'se även' : 'see also'
    lines.push(`  ${label}: ${d.related.file}:${d.related.line}:${d.related.column}`)
  }
  return lines.join('\n')
}

/** All diagnostics as text, sorted, with a closing count line. */
export function formatText(list: Diagnostic[], lang: Lang): string {
  const sorted = sortDiagnostics(list)
  const errors = sorted.filter((d) => d.severity === 'error').length
  const warnings = sorted.length - errors
  const summary =
    lang === 'sv'
      ? `${errors} fel, ${warnings} ${warnings === 1 ? 'varning' : 'varningar'}`
      : `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`
  return [...sorted.map((d) => formatDiagnostic(d, lang)), summary].join('\n')
}

/** The JSON shape of a diagnostic for tools: stable fields, message and hint in one language. */
export interface JsonDiagnostic {
  code: string
  name: string
  severity: Diagnostic['severity']
  file: string
  line: number
  column: number
  endLine: number
  endColumn: number
  message: string
  hint: string
  related: { file: string; line: number; column: number } | null
}

/** Diagnostics as JSON-ready objects, sorted. */
export function toJson(list: Diagnostic[], lang: Lang): JsonDiagnostic[] {
  return sortDiagnostics(list).map((d) => ({
    code: d.code,
    name: catalogue[d.code].name,
    severity: d.severity,
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    message: messageOf(d, lang),
    hint: hintOf(d, lang),
    related: d.related ? { file: d.related.file, line: d.related.line, column: d.related.column } : null,
  }))
}
