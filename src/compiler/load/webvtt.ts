// A small, strict WebVTT reader: enough to tell whether a captions file is valid and how far
// its cues reach. Follows the structure of the W3C WebVTT file format: the `WEBVTT` signature,
// optional header lines, then blocks separated by blank lines: NOTE/STYLE/REGION blocks or cues
// (an optional identifier line, a timing line, one or more text lines).

/** A problem with a captions file, with the line it is on. */
export interface VttProblem {
  line: number
  sv: string
  en: string
}

export interface VttResult {
  cues: number
  /** End time of the last cue, in seconds. */
  end: number
  /** Words in the cues' text (tags left out). */
  words: number
  problems: VttProblem[]
}

const TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/

/** Seconds of a WebVTT timestamp, or null. */
export function parseTimestamp(value: string): number | null {
  const m = TIME.exec(value)
  if (!m) return null
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000
}

export function readWebVtt(source: string): VttResult {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const lines = text.split('\n')
  const problems: VttProblem[] = []
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) {
    return { cues: 0, end: 0, words: 0, problems: [{ line: 1, sv: 'första raden ska vara `WEBVTT`', en: 'the first line must be `WEBVTT`' }] }
  }
  let i = 1
  while (i < lines.length && lines[i] !== '') i++ // header lines
  let cues = 0
  let words = 0
  let end = 0
  let previousStart = 0
  while (i < lines.length) {
    while (i < lines.length && lines[i] === '') i++
    if (i >= lines.length) break
    const blockStart = i
    const block: string[] = []
    while (i < lines.length && lines[i] !== '') block.push(lines[i++]!)
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(block[0]!)) continue
    const timingIndex = block[0]!.includes('-->') ? 0 : 1
    const timing = block[timingIndex]
    const lineNo = blockStart + timingIndex + 1
    if (!timing || !timing.includes('-->')) {
      problems.push({ line: blockStart + 1, sv: 'en textruta saknar tidsrad', en: 'a cue has no timing line' })
      continue
    }
    const [rawStart, rest] = timing.split('-->').map((s) => s.trim())
    const rawEnd = (rest ?? '').split(/[ \t]+/)[0] ?? ''
    const start = parseTimestamp(rawStart ?? '')
    const stop = parseTimestamp(rawEnd)
    if (start === null || stop === null) {
      problems.push({ line: lineNo, sv: `tidsraden \`${timing}\` kunde inte läsas`, en: `the timing line \`${timing}\` could not be read` })
      continue
    }
    if (stop <= start) {
      problems.push({ line: lineNo, sv: 'en textruta slutar innan den börjar', en: 'a cue ends before it starts' })
    }
    if (start < previousStart) {
      problems.push({ line: lineNo, sv: 'textrutorna ligger inte i tidsordning', en: 'the cues are not in time order' })
    }
    if (block.length <= timingIndex + 1 || block.slice(timingIndex + 1).every((l) => l.trim() === '')) {
      problems.push({ line: lineNo, sv: 'en textruta saknar text', en: 'a cue has no text' })
    }
    previousStart = start
    words += block.slice(timingIndex + 1).join(' ').replace(/<[^>]*>/g, ' ').split(/\s+/).filter(Boolean).length
    end = Math.max(end, stop)
    cues++
  }
  if (cues === 0 && problems.length === 0) {
    problems.push({ line: 1, sv: 'filen har inga textrutor', en: 'the file has no cues' })
  }
  return { cues, end, words, problems }
}

/** `m:ss` of a number of seconds, for messages. */
export function clock(seconds: number): string {
  const whole = Math.round(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}
