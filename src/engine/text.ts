// Free text from people (messages, answers, welcome texts): what the engine stores. A line break
// sent as CR LF (as browsers send a textarea) is stored as LF; anything else that is not plain
// text — NUL and other control characters except tab and line feed, a lone CR, an unpaired UTF-16
// surrogate — is refused, never cleaned up silently. Lengths count characters (code points)
// after trimming the ends.

/** Why a text cannot be stored. Each is a refusal code. */
export type TextProblem = 'empty-text' | 'text-too-long' | 'invalid-text'

/** The checked text, or why it cannot be stored. */
export type CheckedText = { ok: true; text: string } | { ok: false; problem: TextProblem }

// C0 controls except tab (09) and line feed (0A), DEL and the C1 controls. CR (0D) is here too:
// only a CR that begins a CR LF pair is accepted, and those are replaced first.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u

/** Whether the string has a UTF-16 surrogate without its other half (which cannot be encoded as UTF-8). */
export function hasUnpairedSurrogate(text: string): boolean {
  return !text.isWellFormed()
}

/** Checks a free text against the rules above and a maximum length in characters. */
export function checkText(value: unknown, maxLength: number): CheckedText {
  if (typeof value !== 'string') return { ok: false, problem: 'invalid-text' }
  if (hasUnpairedSurrogate(value)) return { ok: false, problem: 'invalid-text' }
  const text = value.replaceAll('\r\n', '\n')
  if (CONTROL.test(text)) return { ok: false, problem: 'invalid-text' }
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, problem: 'empty-text' }
  let length = 0
  for (const _ of trimmed) if (++length > maxLength) return { ok: false, problem: 'text-too-long' }
  return { ok: true, text: trimmed }
}

/** Whether a value given as an answer holds only storable text (strings, or lists of strings). */
export function answerTextProblem(value: unknown): 'invalid-text' | null {
  const strings = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []
  for (const s of strings) {
    if (hasUnpairedSurrogate(s) || CONTROL.test(s.replaceAll('\r\n', '\n'))) return 'invalid-text'
  }
  return null
}
