// A cheap scan before Markdown parsing. micromark resolves emphasis and links per paragraph in
// time that grows with the square of the delimiters in it: a pasted or hostile paragraph of a
// few tens of kilobytes of `*a_` takes many seconds. Real paragraphs hold a handful of
// delimiters, so a paragraph with hundreds is refused before it can stall the build.
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts'
import { spanAt } from '../load/positions.ts'
import type { SplitFile } from '../load/frontmatter.ts'

/** Limits per paragraph (a run of non-blank lines). */
export const BLOCK_LIMITS = {
  characters: 20_000,
  /** `*` and `_`: emphasis delimiters. */
  emphasis: 400,
  /** `[`, `]`: link and label brackets. */
  brackets: 600,
  /** Backticks: code span delimiters. */
  backticks: 400,
}

const counted: Array<[keyof typeof BLOCK_LIMITS, RegExp, string]> = [
  ['emphasis', /[*_]/g, '* _'],
  ['brackets', /[[\]]/g, '[ ]'],
  ['backticks', /`/g, '`'],
]

/** The first paragraph over a limit, as a diagnostic, or null. */
export function guardBlocks(split: SplitFile): Diagnostic | null {
  const text = split.body
  const blank = /\n[ \t]*\n/g
  let start = split.bodyOffset
  while (start < text.length) {
    blank.lastIndex = start
    const match = blank.exec(text)
    const end = match ? match.index : text.length
    const block = text.slice(start, end)
    if (block.length > BLOCK_LIMITS.characters) {
      return diagnostic('PLUS220', spanAt(split.index, start), { what: 'long', count: block.length, limit: BLOCK_LIMITS.characters, chars: '' })
    }
    for (const [name, pattern, chars] of counted) {
      const count = block.match(pattern)?.length ?? 0
      if (count > BLOCK_LIMITS[name]) {
        return diagnostic('PLUS220', spanAt(split.index, start), { what: 'complex', count, limit: BLOCK_LIMITS[name], chars })
      }
    }
    start = match ? match.index + match[0].length : text.length
  }
  return null
}
