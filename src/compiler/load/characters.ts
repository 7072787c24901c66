// Characters that do not belong in content: control characters and bidirectional controls
// anywhere (PLUS113), and invisible zero-width characters where the text is an id or an
// attribute value (PLUS228). None of them shows in an editor, so an author cannot see why an
// id does not match or why a line reads backwards; the compiler names them by code point.
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts'
import { spanAt, type LineIndex } from './positions.ts'

/** At most this many characters are reported per file and code; one paste can hold thousands. */
const MAX_REPORTED = 20

/**
 * C0 controls except tab and newline (carriage returns are already line endings), DEL, C1
 * controls, and the bidirectional embedding, override and isolate controls.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Zero-width characters: space, non-joiner, joiner, word joiner, BOM, Mongolian vowel separator. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u180e]/g

/** `U+202E`: the way the Unicode standard names a code point. */
export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
}

function kindOf(char: string): 'bidi' | 'control' {
  const code = char.charCodeAt(0)
  return code >= 0x202a ? 'bidi' : 'control'
}

/** Control and bidirectional characters anywhere in the file. */
export function scanControls(index: LineIndex, text: string): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const match of text.matchAll(CONTROL)) {
    if (out.length >= MAX_REPORTED) break
    const char = match[0]
    out.push(diagnostic('PLUS113', spanAt(index, match.index, match.index + 1), { codepoint: codePoint(char), kind: kindOf(char) }))
  }
  return out
}

/**
 * Zero-width characters in the frontmatter (ids, titles, paths) and inside the `{…}` of a
 * directive or an option id. In running text they can be legitimate (emoji sequences), so
 * they are left alone there.
 */
export function scanZeroWidth(index: LineIndex, text: string, bodyOffset: number): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const match of text.matchAll(ZERO_WIDTH)) {
    if (out.length >= MAX_REPORTED) break
    const at = match.index
    if (at === 0 && match[0] === '\ufeff') continue
    if (at >= bodyOffset && !insideAttributes(text, at)) continue
    out.push(diagnostic('PLUS228', spanAt(index, at, at + 1), { codepoint: codePoint(match[0]) }))
  }
  return out
}

/** True when the offset lies between `{` and `}` on a directive line, or inside `{#…}`. */
function insideAttributes(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1
  const before = text.slice(lineStart, at)
  const open = before.lastIndexOf('{')
  if (open === -1 || before.indexOf('}', open) !== -1) return false
  return /^[ \t>]*:{2,}/.test(before) || before[open + 1] === '#'
}
