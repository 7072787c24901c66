// The band's level and the per-question alerts in the export: the Questionnaire says which level
// each band has and computes both in FHIRPath; a QuestionnaireResponse carries what src/scoring
// and "Hantera händelser" see, and FHIRPath over the response agrees with it.
import fhirpath from 'fhirpath'
import r4 from 'fhirpath/fhir-context/r4'
import { describe, expect, it } from 'vitest'
import { ALERTS_LINK_ID, BAND_LEVEL_LINK_ID, bandLevelSystem, DEFAULT_BASE_URL, toQuestionnaire, toQuestionnaireResponse } from '../../src/fhir/index.ts'
import type { Questionnaire, QuestionnaireResponse } from '../../src/fhir/index.ts'
import { alertsFor, bandLevel, scoreForm } from '../../src/scoring/index.ts'
import { answersFor, formsOf, realBundle } from './content.ts'
import { fhirErrors } from './validators.ts'

const options = { authored: '2025-03-01T09:30:00+01:00', subject: 'Patient/5b1f0c7e-2d4a-4f4e-9a57-1c2b3d4e5f60' }

function expressionOf(q: Questionnaire, linkId: string): string {
  const item = q.item.find((i) => i.linkId === linkId)!
  return item.extension!.find((e) => e.valueExpression)!.valueExpression!.expression
}

function evaluate(q: Questionnaire, response: QuestionnaireResponse, expression: string, vars: Record<string, unknown> = {}): unknown[] {
  return fhirpath.evaluate(response, expression, { resource: response, questionnaire: q, ...vars }, r4) as unknown[]
}

describe('band levels and alerts in the FHIR export of the real programme', async () => {
  const bundle = await realBundle()
  const system = bandLevelSystem(DEFAULT_BASE_URL, bundle.programme.id)
  const scored = formsOf(bundle).filter((f) => f.scoring)
  const withAlerts = formsOf(bundle).filter((f) => f.questions.some((q) => q.alertFrom !== null))

  it('has scored forms and forms with alerts to test', () => {
    expect(scored.length).toBeGreaterThan(0)
    expect(withAlerts.length).toBeGreaterThan(0)
  })

  it.each(scored.map((f) => [f.id, f] as const))('%s: every band description carries its level as its code', (id, form) => {
    const q = toQuestionnaire(bundle, id)
    const descriptions = q.item.find((i) => i.linkId === 'plus.score')!.item!
    const bands = [...form.scoring!.bands].sort((a, b) => a.min - b.min)
    expect(descriptions.map((d) => d.code?.[0]?.code)).toEqual(bands.map(bandLevel))
    expect(descriptions.every((d) => d.code?.[0]?.system === system)).toBe(true)
  })

  const cases = scored.flatMap((f) => (['low', 'high', 'mixed'] as const).map((pick) => [f.id, pick, f] as const))
  it.each(cases)('%s (%s answers): the response carries the band level, and the questionnaire computes the same', (id, pick, form) => {
    const answers = answersFor(form, pick)
    const response = toQuestionnaireResponse(bundle, id, answers, options)
    expect(fhirErrors(response)).toEqual([])
    const { score, band } = scoreForm(form, answers)
    const item = response.item.find((i) => i.linkId === BAND_LEVEL_LINK_ID)
    expect(item?.answer).toEqual([{ valueCoding: expect.objectContaining({ system, code: bandLevel(band!) }) }])
    const q = toQuestionnaire(bundle, id)
    const computed = evaluate(q, response, expressionOf(q, BAND_LEVEL_LINK_ID), { score })
    expect(computed).toEqual([item!.answer![0]!.valueCoding])
  })

  it('gives the highest band of every self-assessment the level urgent', () => {
    let checked = 0
    for (const form of scored) {
      const top = form.scoring!.bands.reduce((a, b) => (b.max > a.max ? b : a))
      const response = toQuestionnaireResponse(bundle, form.id, answersFor(form, 'high'), options)
      if (scoreForm(form, answersFor(form, 'high')).band !== top) continue
      expect(response.item.find((i) => i.linkId === BAND_LEVEL_LINK_ID)?.answer?.[0]?.valueCoding?.code, form.id).toBe('urgent')
      checked++
    }
    expect(checked).toBe(scored.length)
  })

  it.each(withAlerts.map((f) => [f.id, f] as const))('%s: an alert answer in an otherwise low response is in the response, and the questionnaire computes it', (id, form) => {
    const answers = answersFor(form, 'low')
    const alerting = form.questions.filter((q) => q.alertFrom !== null)
    for (const question of alerting) answers[question.id] = question.options.find((o) => (o.value ?? -1) >= (question.alertFrom ?? Infinity))!.id
    expect(alertsFor(form, answers).map((q) => q.id)).toEqual(alerting.map((q) => q.id))
    const response = toQuestionnaireResponse(bundle, id, answers, options)
    expect(fhirErrors(response)).toEqual([])
    const item = response.item.find((i) => i.linkId === ALERTS_LINK_ID)
    expect(item?.answer?.map((a) => a.valueCoding?.code)).toEqual(alerting.map((q) => q.id))
    const q = toQuestionnaire(bundle, id)
    const alertsItem = q.item.find((i) => i.linkId === ALERTS_LINK_ID)!
    // Hidden from the person answering: the patient is never shown what is flagged.
    expect(alertsItem.extension).toContainEqual({ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-hidden', valueBoolean: true })
    expect(evaluate(q, response, expressionOf(q, ALERTS_LINK_ID))).toEqual(item!.answer!.map((a) => a.valueCoding))
  })

  it.each(withAlerts.map((f) => [f.id, f] as const))('%s: answers below every alert value give no alerts item, and the questionnaire computes none', (id, form) => {
    const answers = answersFor(form, 'low')
    const response = toQuestionnaireResponse(bundle, id, answers, options)
    expect(response.item.some((i) => i.linkId === ALERTS_LINK_ID)).toBe(false)
    const q = toQuestionnaire(bundle, id)
    expect(evaluate(q, response, expressionOf(q, ALERTS_LINK_ID))).toEqual([])
  })
})
