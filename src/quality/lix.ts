// LIX (läsbarhetsindex, Björnsson 1968): words per sentence plus the percentage of long words
// (more than six letters). Under 30 is very easy, 30–40 easy (the PLUS target for text steps),
// 40–50 medium, over 50 hard.

/** Counts behind a LIX value, so reports can show them. */
export interface LixCounts {
  words: number
  sentences: number
  longWords: number
  lix: number
}

const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu

/**
 * LIX of plain text. Sentences end at `.`, `!`, `?` and `:` followed by a space or the end,
 * and at every line break (headings, list items and paragraphs end a sentence too).
 */
export function lix(text: string): LixCounts {
  const words = text.match(WORD) ?? []
  let longWords = 0
  for (const w of words) {
    // NFC Swedish letters are one code unit each; only hyphenated words need stripping.
    if (w.length > 6 && (!/[-'’]/.test(w) || w.replace(/[-'’]/g, '').length > 6)) longWords++
  }
  const sentences = text
    .split(/(?<=[.!?:])\s+|\n+/)
    .filter((s) => /[\p{L}\p{N}]/u.test(s)).length
  const count = Math.max(1, sentences)
  const value = words.length === 0 ? 0 : words.length / count + (100 * longWords) / words.length
  return { words: words.length, sentences, longWords, lix: Math.round(value * 10) / 10 }
}
