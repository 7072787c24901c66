// The one diagnostic shape used everywhere: a problem in authored content, with a stable code,
// a position in the original file (frontmatter lines included) and the message arguments.
// Messages and hints are rendered from the catalogue at the edge, in Swedish or English.
import { catalogue, type Code } from './catalogue.ts'

/** How bad a problem is. Errors fail the build; warnings do not. */
export type Severity = 'error' | 'warning'

/** A position range in a file. Lines and columns are 1-based; the end is exclusive. */
export interface Span {
  /** Path of the file, as given to the compiler joined with the path inside the content folder. */
  file: string
  line: number
  column: number
  endLine: number
  endColumn: number
}

/** Values interpolated into a message or hint. */
export type DiagnosticArgs = Record<string, string | number>

/** One problem found in the content. */
export interface Diagnostic extends Span {
  /** Permanent code from the catalogue, such as `PLUS301`. */
  code: Code
  severity: Severity
  args: DiagnosticArgs
  /** A second location that explains this one (the first of two duplicate ids). */
  related: Span | null
}

/** The languages diagnostics are written in. */
export type Lang = 'sv' | 'en'

/** Builds a diagnostic; severity comes from the catalogue. */
export function diagnostic(
  code: Code,
  span: Span,
  args: DiagnosticArgs = {},
  related: Span | null = null,
): Diagnostic {
  return { code, severity: catalogue[code].severity, ...pickSpan(span), args, related }
}

function pickSpan(span: Span): Span {
  return {
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
  }
}

/** A span covering the start of a file, for problems that belong to the whole file. */
export function fileSpan(file: string): Span {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 }
}

/** The rendered message of a diagnostic. */
export function messageOf(d: Diagnostic, lang: Lang): string {
  return catalogue[d.code].message[lang](d.args)
}

/** The rendered hint of a diagnostic. */
export function hintOf(d: Diagnostic, lang: Lang): string {
  return catalogue[d.code].hint[lang](d.args)
}

/** Orders diagnostics by file, line and column, then code, so output is stable. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compare(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compare(a.code, b.code) ||
      compare(JSON.stringify(a.args), JSON.stringify(b.args)),
  )
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** True when any diagnostic is an error. */
export function hasErrors(list: Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error')
}
