// A submitted form as an R4 QuestionnaireResponse: the answers, and the score and band computed
// by src/scoring (the same numbers the engine stored), in the calculated items.
import { alertsFor, bandLevel, scoreForm, validateAnswers, type AnswerProblem, type Answers, type AnswerValue } from '../scoring/index.ts'
import type { PlusBundle, Question } from '../types/bundle.generated.ts'
import { findForm } from './find-form.ts'
import { itemType } from './items.ts'
import { ALERTS_LINK_ID, BAND_LEVEL_LINK_ID, BAND_LINK_ID, SCORE_LINK_ID } from './link-ids.ts'
import { alertCoding, levelCoding, scoreItemType } from './score-items.ts'
import { looksLikePersonnummer, parsePersonnummer } from '../identity/personnummer.ts'
import type { Coding, QuestionnaireResponse, QuestionnaireResponseAnswer, QuestionnaireResponseItem } from './types.ts'
import { bandLevelSystem, baseUrlOf, ORDINAL_VALUE, PERSONNUMMER_SYSTEM, questionnaireUrl, SAMORDNINGSNUMMER_SYSTEM, type FhirOptions } from './urls.ts'

/** What a QuestionnaireResponse needs besides the answers. */
export interface ResponseOptions extends FhirOptions {
  /** When the form was submitted: a FHIR dateTime with time zone, e.g. `2025-03-01T09:30:00+01:00`. */
  authored: string
  /**
   * Who answered, as a FHIR reference chosen by the host, e.g. `Patient/8f2c…`. It must not hold
   * a personnummer: a string that contains one is refused. Use `personnummer` for that.
   */
  subject: string
  /**
   * The patient's personnummer or samordningsnummer, only when the receiving system needs it.
   * Read by src/identity (any spelling the engine accepts, on the date of `authored`) and written
   * as the subject's identifier in 12 digits, with the personnummer system
   * (urn:oid:1.2.752.129.2.1.3.1) or the samordningsnummer system (…3.3). Never taken from
   * anywhere else; an invalid number is refused with its problem code, not echoed.
   */
  personnummer?: string
}

/** Thrown when answers do not fit the form they are exported against. */
export class AnswersNotExportableError extends Error {
  override name = 'AnswersNotExportableError'
  /** Problems as validateAnswers reports them, plus `not-an-integer` for integer items. */
  readonly problems: Array<AnswerProblem | { questionId: string; code: 'not-an-integer' }>
  constructor(formId: string, problems: AnswersNotExportableError['problems']) {
    super(`answers to ${formId} do not fit the form: ${problems.map((p) => `${p.questionId}: ${p.code}`).join(', ')}`)
    this.problems = problems
  }
}

// FHIR dateTime with a time, which then requires a time zone (R4 datatypes).
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/

/**
 * The answers to one form as a completed QuestionnaireResponse against the questionnaire of the
 * same bundle (`url|version`). Export answers against the bundle they were given on: answers to
 * a question a later version removed do not fit, and are refused rather than dropped.
 */
export function toQuestionnaireResponse(bundle: PlusBundle, formId: string, answers: Answers, options: ResponseOptions): QuestionnaireResponse {
  const { form } = findForm(bundle, formId)
  const base = baseUrlOf(options)
  if (typeof options?.authored !== 'string' || !DATE_TIME.test(options.authored)) {
    throw new TypeError(`toQuestionnaireResponse(): \`authored\` must be a dateTime with time zone, got ${JSON.stringify(options?.authored)}`)
  }
  if (typeof options.subject !== 'string' || options.subject.trim() === '' || /\s/.test(options.subject)) {
    throw new TypeError('toQuestionnaireResponse(): `subject` must be a FHIR reference such as "Patient/<id>"')
  }
  if (looksLikePersonnummer(options.subject)) {
    throw new TypeError('toQuestionnaireResponse(): `subject` seems to contain a personnummer; pass a reference, and the personnummer only as `personnummer` if it is needed')
  }
  const problems = [...validateAnswers(form, answers), ...integerProblems(form.questions, answers)]
  if (problems.length) throw new AnswersNotExportableError(formId, problems)

  const items: QuestionnaireResponseItem[] = []
  for (const question of form.questions) {
    const answer = answerOf(question, answers[question.id])
    if (answer.length) items.push({ linkId: question.id, text: question.prompt, answer })
  }
  const { score, band } = scoreForm(form, answers)
  if (form.scoring && score !== null) {
    const scoreAnswer = scoreItemType(form) === 'integer' ? { valueInteger: score } : { valueDecimal: score }
    items.push({ linkId: SCORE_LINK_ID, text: 'Summa poäng', answer: [scoreAnswer] })
    if (band) {
      items.push({ linkId: BAND_LINK_ID, text: 'Nivå', answer: [{ valueString: band.label }] })
      items.push({ linkId: BAND_LEVEL_LINK_ID, text: 'Nivåns allvar', answer: [{ valueCoding: levelCoding(bandLevel(band), bandLevelSystem(base, bundle.programme.id)) }] })
    }
  }
  // The alerts the engine shows in "Hantera händelser", whatever the score.
  const alerts = alertsFor(form, answers)
  if (alerts.length > 0) {
    items.push({ linkId: ALERTS_LINK_ID, text: 'Svar som behandlaren ska uppmärksamma, oavsett poäng', answer: alerts.map((q) => ({ valueCoding: alertCoding(q) })) })
  }
  const subject: QuestionnaireResponse['subject'] = { reference: options.subject }
  if (options.personnummer !== undefined) {
    const parsed = parsePersonnummer(options.personnummer, options.authored.slice(0, 10))
    if (!parsed.ok) throw new TypeError(`toQuestionnaireResponse(): \`personnummer\` is not a valid personnummer or samordningsnummer (${parsed.problem})`)
    const system = parsed.personnummer.kind === 'samordningsnummer' ? SAMORDNINGSNUMMER_SYSTEM : PERSONNUMMER_SYSTEM
    subject.identifier = { system, value: parsed.personnummer.value }
  }
  return {
    resourceType: 'QuestionnaireResponse',
    language: 'sv',
    questionnaire: `${questionnaireUrl(base, bundle.programme.id, form.id)}|${bundle.programme.version}`,
    status: 'completed',
    subject,
    authored: options.authored,
    item: items,
  }
}

function integerProblems(questions: Question[], answers: Answers): Array<{ questionId: string; code: 'not-an-integer' }> {
  return questions
    .filter((q) => q.type === 'number' && itemType(q) === 'integer')
    .filter((q) => typeof answers[q.id] === 'number' && !Number.isInteger(answers[q.id]))
    .map((q) => ({ questionId: q.id, code: 'not-an-integer' as const }))
}

/** The FHIR answers to one question; empty when unanswered. Answers are valid here. */
function answerOf(question: Question, value: AnswerValue | undefined): QuestionnaireResponseAnswer[] {
  if (value === undefined || value === '') return []
  switch (question.type) {
    case 'scale':
    case 'single':
    case 'multiple':
      return (Array.isArray(value) ? value : [String(value)]).map((id) => ({ valueCoding: coding(question, id) }))
    case 'text':
      return [{ valueString: String(value) }]
    case 'number':
      return [itemType(question) === 'integer' ? { valueInteger: Number(value) } : { valueDecimal: Number(value) }]
    default: {
      const never: never = question.type
      throw new Error(`unknown question type ${String(never)}`)
    }
  }
}

/** The chosen option as in the questionnaire, its score included so the response stands alone. */
function coding(question: Question, optionId: string): Coding {
  const option = question.options.find((o) => o.id === optionId)
  if (!option) throw new Error(`option ${optionId} vanished after validation`)
  const c: Coding = { code: option.id, display: option.label }
  if (option.value !== null) c.extension = [{ url: ORDINAL_VALUE, valueDecimal: option.value }]
  return c
}
