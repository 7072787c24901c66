// Submitted forms as QuestionnaireResponses: valid R4, the answers as given, the score from
// src/scoring, and the questionnaire's own FHIRPath (run by the fhirpath package) agreeing with it.
import fhirpath from 'fhirpath'
import r4 from 'fhirpath/fhir-context/r4'
import { describe, expect, it } from 'vitest'
import { AnswersNotExportableError, BAND_LINK_ID, SCORE_LINK_ID, toQuestionnaire, toQuestionnaireResponse } from '../../src/fhir/index.ts'
import type { Questionnaire, QuestionnaireResponse } from '../../src/fhir/index.ts'
import { looksLikePersonnummer } from '../../src/identity/personnummer.ts'
import { scoreForm } from '../../src/scoring/index.ts'
import { answersFor, edited, formsOf, realBundle, requiredOnly, type Pick } from './content.ts'
import { fhirErrors } from './validators.ts'

const options = { authored: '2025-03-01T09:30:00+01:00', subject: 'Patient/5b1f0c7e-2d4a-4f4e-9a57-1c2b3d4e5f60' }

/** Runs one of the questionnaire's calculated expressions against a response, as a form filler would. */
function evaluate(q: Questionnaire, response: QuestionnaireResponse, expression: string, vars: Record<string, unknown> = {}): unknown[] {
  return fhirpath.evaluate(response, expression, { resource: response, questionnaire: q, ...vars }, r4) as unknown[]
}

function scoreExpressionOf(q: Questionnaire): string {
  return q.extension!.find((e) => e.valueExpression?.name === 'score')!.valueExpression!.expression
}

function bandExpressionOf(q: Questionnaire): string {
  return q.item.find((i) => i.linkId === BAND_LINK_ID)!.extension![0]!.valueExpression!.expression
}

describe('responses to the real programme’s forms', async () => {
  const bundle = await realBundle()
  const forms = formsOf(bundle)
  const cases = forms.flatMap((form) => (['low', 'high', 'mixed', 'required'] as const).map((pick) => [form.id, pick, form] as const))

  it.each(cases)('%s (%s answers) is a valid R4 QuestionnaireResponse with the right answers and score', (id, pick, form) => {
    const answers = pick === 'required' ? requiredOnly(form) : answersFor(form, pick as Pick)
    const response = toQuestionnaireResponse(bundle, id, answers, options)
    expect(fhirErrors(response)).toEqual([])
    const q = toQuestionnaire(bundle, id)
    expect(response).toMatchObject({ resourceType: 'QuestionnaireResponse', questionnaire: `${q.url}|${q.version}`, status: 'completed', authored: options.authored, subject: { reference: options.subject } })

    const answered = response.item.filter((i) => !i.linkId.startsWith('plus.'))
    expect(answered.map((i) => i.linkId)).toEqual(form.questions.filter((x) => answers[x.id] !== undefined).map((x) => x.id))
    for (const item of answered) {
      const question = form.questions.find((x) => x.id === item.linkId)!
      const value = answers[question.id]!
      const got = item.answer!.map((a) => a.valueCoding?.code ?? a.valueString ?? a.valueInteger ?? a.valueDecimal)
      expect(got).toEqual(Array.isArray(value) ? value : [value])
      for (const a of item.answer!) {
        if (a.valueCoding) expect(a.valueCoding.display).toBe(question.options.find((o) => o.id === a.valueCoding!.code)!.label)
      }
    }

    const { score, band } = scoreForm(form, answers)
    const scoreItem = response.item.find((i) => i.linkId === SCORE_LINK_ID)
    const bandItem = response.item.find((i) => i.linkId === BAND_LINK_ID)
    if (score === null) {
      expect(scoreItem).toBeUndefined()
    } else {
      expect(scoreItem?.answer).toEqual([{ valueInteger: score }])
      expect(bandItem?.answer).toEqual([{ valueString: band!.label }])
    }
    if (form.scoring) {
      // The questionnaire's FHIRPath computes the same score and band as src/scoring.
      const computed = evaluate(q, response, scoreExpressionOf(q))
      expect(computed).toEqual(score === null ? [] : [score])
      expect(evaluate(q, response, bandExpressionOf(q), { score: computed[0] ?? null })).toEqual(band ? [band.label] : [])
      // Also from the questionnaire's answerOptions alone, without the scores copied into the response.
      const bare = structuredClone(response)
      for (const item of bare.item) for (const a of item.answer ?? []) delete a.valueCoding?.extension
      expect(evaluate(q, bare, scoreExpressionOf(q))).toEqual(computed)
    }
  })

  it('gives no score, in FHIRPath as in src/scoring, until every scored question is answered', () => {
    // In the content every scored question is required; make the first one optional.
    const optional = edited(bundle, (b) => {
      formsOf(b).find((f) => f.scoring)!.questions[0]!.required = false
    })
    const form = formsOf(optional).find((f) => f.scoring)!
    const answers = answersFor(form, 'high')
    delete answers[form.questions[0]!.id]
    const response = toQuestionnaireResponse(optional, form.id, answers, options)
    expect(scoreForm(form, answers).score).toBeNull()
    expect(response.item.some((i) => i.linkId === SCORE_LINK_ID || i.linkId === BAND_LINK_ID)).toBe(false)
    const q = toQuestionnaire(optional, form.id)
    expect(evaluate(q, response, scoreExpressionOf(q))).toEqual([])
    expect(evaluate(q, response, bandExpressionOf(q), { score: null })).toEqual([])
    expect(fhirErrors(response)).toEqual([])
  })

  it('adds every ticked option of a scored multiple-choice question, in FHIRPath as in src/scoring', () => {
    const changed = edited(bundle, (b) => {
      const form = formsOf(b).find((f) => f.scoring)!
      form.questions[0]!.type = 'multiple'
    })
    const form = formsOf(changed).find((f) => f.scoring)!
    const answers = answersFor(form, 'mixed')
    answers[form.questions[0]!.id] = form.questions[0]!.options.slice(1).map((o) => o.id)
    const response = toQuestionnaireResponse(changed, form.id, answers, options)
    expect(response.item.find((i) => i.linkId === form.questions[0]!.id)?.answer).toHaveLength(form.questions[0]!.options.length - 1)
    const q = toQuestionnaire(changed, form.id)
    const score = scoreForm(form, answers).score
    expect(score).not.toBeNull()
    expect(evaluate(q, response, scoreExpressionOf(q))).toEqual([score])
    expect(fhirErrors(response)).toEqual([])
    expect(fhirErrors(q)).toEqual([])
  })

  it('never writes a personnummer unless it is passed explicitly, and then only as the subject’s identifier', () => {
    const form = forms[0]!
    const answers = answersFor(form, 'mixed')
    const plain = toQuestionnaireResponse(bundle, form.id, answers, options)
    expect(looksLikePersonnummer(JSON.stringify(plain))).toBe(false)
    expect(plain.subject).toEqual({ reference: options.subject })
    for (const subject of ['Patient/191212121212', 'Patient/19121212-1212', 'Patient?identifier=121212-1212']) {
      expect(() => toQuestionnaireResponse(bundle, form.id, answers, { ...options, subject })).toThrow(/personnummer/)
    }
    const explicit = toQuestionnaireResponse(bundle, form.id, answers, { ...options, personnummer: '191212121212' })
    expect(explicit.subject).toEqual({ reference: options.subject, identifier: { system: 'urn:oid:1.2.752.129.2.1.3.1', value: '191212121212' } })
    expect(fhirErrors(explicit)).toEqual([])
  })

  it('reads the explicit personnummer with the shared identity module: any accepted spelling, 12 digits out, samordningsnummer in its own system, invalid ones refused', () => {
    const form = forms[0]!
    const answers = answersFor(form, 'mixed')
    const identifier = (personnummer: string) => toQuestionnaireResponse(bundle, form.id, answers, { ...options, personnummer }).subject?.identifier
    expect(identifier('121212+1212')).toEqual({ system: 'urn:oid:1.2.752.129.2.1.3.1', value: '191212121212' })
    expect(identifier(' 19121212-1212 ')).toEqual({ system: 'urn:oid:1.2.752.129.2.1.3.1', value: '191212121212' })
    expect(identifier('19121272-1235')).toEqual({ system: 'urn:oid:1.2.752.129.2.1.3.3', value: '191212721235' })
    for (const [personnummer, problem] of [['19121212-1213', 'checksum'], ['1212121212', 'century'], ['Patient/1', 'format']]) {
      expect(() => identifier(personnummer ?? '')).toThrow(new RegExp(`\\(${problem}\\)$`))
      try {
        identifier(personnummer ?? '')
      } catch (error) {
        expect(String(error)).not.toContain(personnummer)
      }
    }
  })

  it('refuses answers that do not fit the form, with every problem', () => {
    const form = forms.find((f) => f.scoring)!
    const [first, second] = form.questions
    const error = (() => {
      try {
        toQuestionnaireResponse(bundle, form.id, { [first!.id]: 'finns-inte', borttagen: 'x' }, options)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(AnswersNotExportableError)
    const codes = (error as AnswersNotExportableError).problems.map((p) => `${p.questionId}:${p.code}`)
    expect(codes).toEqual(expect.arrayContaining(['borttagen:unknown-question', `${first!.id}:unknown-option`, `${second!.id}:required`]))
  })

  it('refuses a fractional answer to an integer item, and writes valueDecimal for a decimal one', () => {
    const form = forms.find((f) => f.questions.some((q) => q.type === 'number'))!
    const question = form.questions.find((q) => q.type === 'number')!
    const answers = { ...answersFor(form, 'mixed'), [question.id]: 2.5 }
    expect(() => toQuestionnaireResponse(bundle, form.id, answers, options)).toThrow(AnswersNotExportableError)
    const decimal = edited(bundle, (b) => {
      const q = formsOf(b).find((f) => f.id === form.id)!.questions.find((q) => q.id === question.id)!
      q.min = null
      q.max = null
    })
    const response = toQuestionnaireResponse(decimal, form.id, answers, options)
    expect(response.item.find((i) => i.linkId === question.id)?.answer).toEqual([{ valueDecimal: 2.5 }])
    expect(fhirErrors(response)).toEqual([])
  })

  it('checks its options: authored must be a dateTime with zone, subject a reference', () => {
    const form = forms[0]!
    const answers = answersFor(form, 'low')
    for (const authored of ['2025-03-01', '2025-03-01T09:30:00', '1 mars 2025', '']) {
      expect(() => toQuestionnaireResponse(bundle, form.id, answers, { ...options, authored })).toThrow(/authored/)
    }
    for (const subject of ['', 'Patient/ a b']) {
      expect(() => toQuestionnaireResponse(bundle, form.id, answers, { ...options, subject })).toThrow(/subject/)
    }
    expect(() => toQuestionnaireResponse(bundle, form.id, answers, undefined as never)).toThrow(TypeError)
  })
})
