// Maps character offsets in a file's text to 1-based lines and columns.
import type { Span } from '../diagnostics/diagnostic.ts'

/** A lookup from offsets to line/column for one file. */
export interface LineIndex {
  file: string
  /** Offset of the first character of each line. */
  starts: number[]
}

export function lineIndex(file: string, text: string): LineIndex {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return { file, starts }
}

/** Line and column (1-based) of an offset. */
export function pointAt(index: LineIndex, offset: number): { line: number; column: number } {
  let low = 0
  let high = index.starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (index.starts[mid]! <= offset) low = mid
    else high = mid - 1
  }
  return { line: low + 1, column: offset - index.starts[low]! + 1 }
}

/** A span between two offsets. */
export function spanAt(index: LineIndex, start: number, end: number = start): Span {
  const a = pointAt(index, start)
  const b = pointAt(index, Math.max(start, end))
  return { file: index.file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column }
}
