// Line scans of a file's body before Markdown parsing, for mistakes the parser would turn into
// misleading follow-on problems:
// - typographic quotes as attribute delimiters (`title=”Din plan”`, as word processors and
//   autocorrect type them) make the line plain text, which then reads as "text outside a step"
//   and "stray fence". They are reported once (PLUS227) and read as straight quotes, so the rest
//   of the file is checked as the author meant it;
// - nesting deeper than the compiler accepts (blockquotes, lists, containers) is reported where
//   the depth is exceeded (PLUS209) before the parser is asked to build it, instead of being
//   caught by the paragraph-length guard for the wrong reason.
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts'
import { spanAt, type LineIndex } from '../load/positions.ts'

const DIRECTIVE_LINE = /^[ \t>]*:{2,}[A-Za-z][\w-]*/
/**
 * `=` followed by a quoted value where at least one of the two quotes is typographic (double or
 * single); the callback leaves values between two straight quotes alone.
 */
const CURLY_VALUE = /=([ \t]*)([“”„‟″«»"])([^“”„‟″«»"\n}]*)([“”„‟″«»"])|=([ \t]*)([‘’‚‛′'])([^‘’‚‛′'\n}]*)([‘’‚‛′'])/g
/** A value that starts with a typographic quote but was not closed by any quote. */
const CURLY_START = /=[ \t]*[“”„‟″«»‘’‚‛′]/
/** The body with typographic attribute quotes read as straight ones, and one diagnostic per line. */
export function straightenQuotes(index: LineIndex, body: string, bodyOffset: number): { body: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = []
  if (!/[“”„‟″«»‘’‚‛′]/.test(body)) return { body, diagnostics }
  let out = body
  let lineStart = bodyOffset
  while (lineStart < body.length) {
    const lineEnd = body.indexOf('\n', lineStart) === -1 ? body.length : body.indexOf('\n', lineStart)
    const line = body.slice(lineStart, lineEnd)
    const head = DIRECTIVE_LINE.exec(line)
    const brace = head ? line.indexOf('{', head[0].length) : -1
    if (head && brace !== -1) {
      const attrs = line.slice(brace)
      let first = -1
      const fixed = attrs.replace(CURLY_VALUE, (...m: Array<string | number | undefined>) => {
        const [whole, s1, o1, v1, c1, s2, o2, v2, c2, offset] = m as [string, string | undefined, string | undefined, string | undefined, string | undefined, string | undefined, string | undefined, string | undefined, string | undefined, number]
        const space = s1 ?? s2 ?? ''
        const [open, close] = o1 !== undefined ? [o1, c1] : [o2, c2]
        const straight = o1 !== undefined ? '"' : "'"
        if (open === straight && close === straight) return whole
        // Report at the first typographic quote of the value.
        if (first === -1) first = offset + 1 + space.length + (open === straight ? 1 + (v1 ?? v2 ?? '').length : 0)
        return `=${space}${straight}${v1 ?? v2}${straight}`
      })
      if (first === -1) {
        // A typographic quote that nothing closes: reported, not repaired.
        const open = CURLY_START.exec(attrs)
        if (open) {
          const at = lineStart + brace + open.index + open[0].length - 1
          diagnostics.push(diagnostic('PLUS227', spanAt(index, at, at + 1), { quote: body[at]! }))
        }
      }
      if (first !== -1) {
        const at = lineStart + brace + first
        diagnostics.push(diagnostic('PLUS227', spanAt(index, at, at + 1), { quote: body[at]! }))
        out = out.slice(0, lineStart + brace) + fixed + out.slice(lineEnd)
      }
    }
    lineStart = lineEnd + 1
  }
  return { body: out, diagnostics }
}

const LIST_MARKER = /^([-*+]|\d{1,9}[.)])([ \t]+|$)/
const FENCE_OPEN = /^:{3,}(?=[A-Za-z])/
const FENCE_CLOSE = /^:{3,}[ \t]*$/
const CODE_FENCE = /^(`{3,}|~{3,})/

/**
 * The first line whose nesting (blockquotes, list levels, containers, counted as the Markdown
 * tree nests them) is deeper than `limit`, as a diagnostic, or null. An estimate that errs low:
 * anything it reports is certainly too deep; the parsed tree is checked again afterwards.
 */
export function scanDepth(index: LineIndex, body: string, bodyOffset: number, limit: number): Diagnostic | null {
  const lists: number[] = []
  const containers: number[] = []
  let inCode = false
  let lineStart = bodyOffset
  while (lineStart < body.length) {
    const lineEnd = body.indexOf('\n', lineStart) === -1 ? body.length : body.indexOf('\n', lineStart)
    const start = lineStart
    let rest = body.slice(lineStart, lineEnd)
    lineStart = lineEnd + 1
    if (CODE_FENCE.test(rest.trimStart())) inCode = !inCode
    if (inCode || rest.trim() === '') continue
    let quotes = 0
    let match: RegExpExecArray | null
    while ((match = /^[ \t]{0,3}>[ \t]?/.exec(rest))) {
      quotes++
      rest = rest.slice(match[0].length)
    }
    let column = rest.length - rest.trimStart().length
    rest = rest.trimStart()
    while (lists.length > 0 && lists.at(-1)! > column) lists.pop()
    let markers = 0
    while ((match = LIST_MARKER.exec(rest))) {
      markers++
      lists.push(column + match[0].length)
      column += match[0].length
      rest = rest.slice(match[0].length)
      if (markers > limit) break
    }
    if (FENCE_OPEN.test(rest)) containers.push(FENCE_OPEN.exec(rest)![0].length)
    else if (FENCE_CLOSE.test(rest) && containers.length > 0) containers.pop()
    const depth = quotes + 2 * lists.length + containers.length
    if (depth > limit) {
      return diagnostic('PLUS209', spanAt(index, start, lineEnd), { depth, limit })
    }
  }
  return null
}
