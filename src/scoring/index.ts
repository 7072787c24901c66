// Answer validation and scoring of forms. One implementation, used by the preview site (in the
// browser) and by the engine (on the server), so that both always agree on a score and a band.
// Pure: no I/O, no globals; safe to bundle for the browser.
import type { Band, BandLevel, FormBlock, Question } from '../types/bundle.generated.ts'

/**
 * The answer to one question: an option id (scale, single), a list of option ids (multiple),
 * a number (number) or a string (text).
 */
export type AnswerValue = string | string[] | number

/** A patient's answers to one form, by question id. Unanswered questions are absent. */
export type Answers = Record<string, AnswerValue>

/** Why an answer was refused. Stable codes; the host picks its own wording. */
export type AnswerProblemCode =
  | 'required'
  | 'unknown-question'
  | 'unknown-option'
  | 'wrong-type'
  | 'duplicate-option'
  | 'below-min'
  | 'above-max'
  | 'too-long'

/** One refused answer. */
export interface AnswerProblem {
  questionId: string
  code: AnswerProblemCode
}

/** Longest accepted free-text answer, in characters. */
export const MAX_TEXT_ANSWER = 5000

/** The result of scoring a form. */
export interface FormScore {
  /** The sum, or null when the form is not scored or a scored question is unanswered. */
  score: number | null
  /** The band the score falls in, or null. */
  band: Band | null
  /** How many scored questions were answered, and how many there are. */
  answered: number
  scoredQuestions: number
}

/** True when a question contributes to the form's score (its options carry values). */
export function isScored(question: Question): boolean {
  return (
    (question.type === 'scale' || question.type === 'single' || question.type === 'multiple') &&
    question.options.length > 0 &&
    question.options.some((option) => option.value !== null)
  )
}

/**
 * Checks answers against the form's definition. Returns every problem at once; an empty list
 * means the answers may be stored.
 */
export function validateAnswers(form: FormBlock, answers: Answers): AnswerProblem[] {
  const problems: AnswerProblem[] = []
  const byId = new Map(form.questions.map((q) => [q.id, q]))
  for (const questionId of Object.keys(answers)) {
    if (!byId.has(questionId)) problems.push({ questionId, code: 'unknown-question' })
  }
  for (const question of form.questions) {
    const has = Object.hasOwn(answers, question.id)
    const value = has ? answers[question.id] : undefined
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
      if (question.required) problems.push({ questionId: question.id, code: 'required' })
      continue
    }
    const problem = checkValue(question, value)
    if (problem) problems.push({ questionId: question.id, code: problem })
  }
  return problems
}

function checkValue(question: Question, value: AnswerValue): AnswerProblemCode | null {
  const optionIds = new Set(question.options.map((o) => o.id))
  switch (question.type) {
    case 'scale':
    case 'single':
      if (typeof value !== 'string') return 'wrong-type'
      return optionIds.has(value) ? null : 'unknown-option'
    case 'multiple': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return 'wrong-type'
      if (new Set(value).size !== value.length) return 'duplicate-option'
      return value.every((v) => optionIds.has(v)) ? null : 'unknown-option'
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'wrong-type'
      if (question.min !== null && value < question.min) return 'below-min'
      if (question.max !== null && value > question.max) return 'above-max'
      return null
    case 'text':
      if (typeof value !== 'string') return 'wrong-type'
      return value.length > MAX_TEXT_ANSWER ? 'too-long' : null
    default: {
      const never: never = question.type
      throw new Error(`unknown question type ${String(never)}`)
    }
  }
}

/**
 * Scores a form: the sum of the chosen options' values over the scored questions, and the band
 * it falls in. Answers are assumed valid (see validateAnswers); unknown options count as 0.
 */
export function scoreForm(form: FormBlock, answers: Answers): FormScore {
  const scored = form.questions.filter(isScored)
  let sum = 0
  let answered = 0
  for (const question of scored) {
    const value = answers[question.id]
    const chosen = Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
    // A multiple-choice question with nothing ticked is a valid answer worth 0 when present.
    if (value === undefined || (chosen.length === 0 && question.type !== 'multiple')) continue
    answered++
    for (const optionId of chosen) {
      sum += question.options.find((o) => o.id === optionId)?.value ?? 0
    }
  }
  if (!form.scoring || answered < scored.length) {
    return { score: null, band: null, answered, scoredQuestions: scored.length }
  }
  return { score: sum, band: bandFor(form, sum), answered, scoredQuestions: scored.length }
}

/**
 * The questions whose answer should be brought to the clinician's attention whatever the score:
 * a scale or single question with `alertFrom`, answered with an option of at least that value.
 */
export function alertsFor(form: FormBlock, answers: Answers): Question[] {
  return form.questions.filter((question) => {
    if (question.alertFrom === null) return false
    const value = answers[question.id]
    const option = typeof value === 'string' ? question.options.find((o) => o.id === value) : undefined
    return option?.value !== null && option?.value !== undefined && option.value >= question.alertFrom
  })
}

/** The band a score falls in, or null when the form is not scored or no band covers it. */
export function bandFor(form: FormBlock, score: number): Band | null {
  return form.scoring?.bands.find((band) => score >= band.min && score <= band.max) ?? null
}

/** The lowest and highest possible scores of a form's scored questions. */
export function scoreRange(questions: Question[]): { min: number; max: number } {
  let min = 0
  let max = 0
  for (const question of questions.filter(isScored)) {
    const values = question.options.map((o) => o.value ?? 0)
    if (question.type === 'multiple') {
      min += values.filter((v) => v < 0).reduce((a, b) => a + b, 0)
      max += values.filter((v) => v > 0).reduce((a, b) => a + b, 0)
    } else {
      min += Math.min(...values)
      max += Math.max(...values)
    }
  }
  return { min, max }
}

/** A band's level; bands from bundles written before format 1.1.0 have none and read as `info`. */
export function bandLevel(band: Pick<Band, 'level'>): BandLevel {
  return band.level ?? 'info'
}

const LEVEL_RANK: Record<BandLevel, number> = { info: 0, attention: 1, urgent: 2 }

/** The more serious of two levels. */
export function moreSerious(a: BandLevel, b: BandLevel): BandLevel {
  return LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a
}

/**
 * The emergency number a text gives — 112 or Självmordslinjen 90101, as a `tel:` link or written
 * out — if any. A band that gives one tells the patient to act now, so it must be `urgent`
 * (the compiler's PLUS327), and the preview puts that text first. Digits that are part of a
 * longer number (`020-84 44 48`, `1 112`) do not count.
 */
export function emergencyNumber(text: string): string | null {
  const match = /(?<![\d-])(?<!\d )(112|90 ?101)(?!\d)(?! \d)/.exec(text)
  return match ? match[1]!.replace(' ', '') : null
}
