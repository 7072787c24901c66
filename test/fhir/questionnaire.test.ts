// Every form of the real programme as an R4 Questionnaire, checked by two independent validators,
// and the mapping rules one by one.
import { describe, expect, it } from 'vitest'
import { allQuestionnaires, BAND_LINK_ID, DEFAULT_BASE_URL, helpLinkId, INTRO_LINK_ID, SCORE_LINK_ID, toQuestionnaire } from '../../src/fhir/index.ts'
import type { Questionnaire, QuestionnaireItem } from '../../src/fhir/index.ts'
import { scoreRange } from '../../src/scoring/index.ts'
import { edited, formsOf, realBundle } from './content.ts'
import { fhirErrors } from './validators.ts'

const ORDINAL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue'
const CALCULATED = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression'
const ext = (item: { extension?: Array<{ url: string }> }, url: string) => item.extension?.find((e) => e.url === url)
const itemOf = (q: Questionnaire, linkId: string): QuestionnaireItem => {
  const item = q.item.find((i) => i.linkId === linkId)
  if (!item) throw new Error(`no item ${linkId}`)
  return item
}

describe('questionnaires of the real programme', async () => {
  const bundle = await realBundle()
  const forms = formsOf(bundle)

  it('has forms in all seven modules', () => {
    expect(bundle.programme.modules).toHaveLength(7)
    expect(forms.length).toBeGreaterThanOrEqual(14)
  })

  it.each(forms.map((f) => [f.id, f] as const))('%s is a valid R4 Questionnaire', (id, form) => {
    const q = toQuestionnaire(bundle, id)
    expect(fhirErrors(q)).toEqual([])
    expect(q).toMatchObject({
      resourceType: 'Questionnaire',
      id,
      url: `${DEFAULT_BASE_URL}/plus/Questionnaire/${id}`,
      identifier: [{ system: `${DEFAULT_BASE_URL}/plus/form`, value: id }],
      version: bundle.programme.version,
      title: form.title,
      status: 'draft',
      language: 'sv',
    })
    const questionItems = q.item.filter((i) => i.type !== 'display' && !i.linkId.startsWith('plus.'))
    expect(questionItems.map((i) => i.linkId)).toEqual(form.questions.map((x) => x.id))
    expect(questionItems.map((i) => i.required)).toEqual(form.questions.map((x) => x.required))
    const linkIds = JSON.stringify(q).match(/"linkId":"[^"]+"/g) ?? []
    expect(new Set(linkIds).size, 'linkIds are unique').toBe(linkIds.length)
  })

  it('exports every form as one collection Bundle that validates', () => {
    const collection = allQuestionnaires(bundle)
    expect(collection).toMatchObject({ resourceType: 'Bundle', type: 'collection' })
    expect(collection.entry.map((e) => e.resource.id)).toEqual(forms.map((f) => f.id))
    for (const entry of collection.entry) expect(entry.fullUrl).toBe(entry.resource.url)
    expect(fhirErrors(collection)).toEqual([])
  })

  it('maps question types: scale and single to choice, multiple to repeating choice, text, number by its limits', () => {
    const all = forms.flatMap((form) => {
      const q = toQuestionnaire(bundle, form.id)
      return form.questions.map((question) => ({ question, item: itemOf(q, question.id) }))
    })
    const seen = new Set<string>()
    for (const { question, item } of all) {
      seen.add(question.type)
      switch (question.type) {
        case 'scale':
        case 'single':
          expect(item).toMatchObject({ type: 'choice' })
          expect(item.repeats).toBeUndefined()
          break
        case 'multiple':
          expect(item).toMatchObject({ type: 'choice', repeats: true })
          break
        case 'text':
          expect(item).toMatchObject({ type: 'text', maxLength: 5000 })
          break
        case 'number':
          // Every number question in the content has whole-number limits.
          expect(item.type).toBe('integer')
          if (question.min !== null) expect(ext(item, 'http://hl7.org/fhir/StructureDefinition/minValue')).toEqual({ url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: question.min })
          if (question.max !== null) expect(ext(item, 'http://hl7.org/fhir/StructureDefinition/maxValue')).toEqual({ url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: question.max })
          if (question.unit) expect(ext(item, 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit')).toMatchObject({ valueCoding: { display: question.unit } })
          break
      }
      if (question.options.length) {
        expect(item.answerOption?.map((o) => [o.valueCoding.code, o.valueCoding.display])).toEqual(question.options.map((o) => [o.id, o.label]))
        expect(item.answerOption?.map((o) => (ext(o, ORDINAL) as { valueDecimal?: number } | undefined)?.valueDecimal ?? null)).toEqual(question.options.map((o) => o.value))
      }
      if (question.help) {
        expect(item.item).toEqual([expect.objectContaining({ linkId: helpLinkId(question.id), type: 'display', text: question.help.text })])
      } else expect(item.item).toBeUndefined()
    }
    expect([...seen].sort()).toEqual(['multiple', 'number', 'scale', 'single', 'text'])
  })

  it('puts the introduction first as a display item', () => {
    const form = forms.find((f) => f.intro)!
    expect(toQuestionnaire(bundle, form.id).item[0]).toEqual({ linkId: INTRO_LINK_ID, type: 'display', text: form.intro!.text })
  })

  it('adds the score as a read-only calculated item and the band as a calculated label with the bands described', () => {
    for (const form of forms) {
      const q = toQuestionnaire(bundle, form.id)
      if (!form.scoring) {
        expect(q.item.some((i) => i.linkId === SCORE_LINK_ID || i.linkId === BAND_LINK_ID)).toBe(false)
        expect(q.extension).toBeUndefined()
        continue
      }
      const score = itemOf(q, SCORE_LINK_ID)
      expect(score).toMatchObject({ type: 'integer', readOnly: true })
      expect(ext(score, CALCULATED)).toMatchObject({ valueExpression: { language: 'text/fhirpath', expression: '%score' } })
      const range = scoreRange(form.questions)
      expect(score.extension).toEqual(expect.arrayContaining([
        { url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: range.min },
        { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: range.max },
      ]))
      expect(score.item?.map((i) => i.text)).toEqual(form.scoring.bands.map((b) => `${b.min}–${b.max} poäng: ${b.label}. ${b.text}`))
      const band = itemOf(q, BAND_LINK_ID)
      expect(band).toMatchObject({ type: 'string', readOnly: true })
      for (const b of form.scoring.bands) expect(ext(band, CALCULATED)).toMatchObject({ valueExpression: { expression: expect.stringContaining(`'${b.label}'`) } })
      expect(q.extension).toEqual([expect.objectContaining({ url: 'http://hl7.org/fhir/StructureDefinition/variable', valueExpression: expect.objectContaining({ name: 'score' }) })])
    }
  })

  it('is active, with the approval date, when the module is approved', () => {
    const form = forms[0]!
    const approved = edited(bundle, (b) => {
      b.programme.modules.find((m) => m.order === 1)!.review = { status: 'approved', reviewer: 'Anna Berg', date: '2025-02-03' }
    })
    const q = toQuestionnaire(approved, form.id)
    expect(q).toMatchObject({ status: 'active', approvalDate: '2025-02-03' })
    expect(fhirErrors(q)).toEqual([])
    const inReview = edited(bundle, (b) => {
      b.programme.modules.find((m) => m.order === 1)!.review.status = 'in-review'
    })
    expect(toQuestionnaire(inReview, form.id).status).toBe('draft')
  })

  it('makes a number question decimal when it has no limits or a fractional one', () => {
    const form = forms.find((f) => f.questions.some((q) => q.type === 'number'))!
    const numberId = form.questions.find((q) => q.type === 'number')!.id
    for (const [min, max] of [[null, null], [0.5, 10]] as const) {
      const changed = edited(bundle, (b) => {
        const question = formsOf(b).find((f) => f.id === form.id)!.questions.find((q) => q.id === numberId)!
        question.min = min
        question.max = max
      })
      const q = toQuestionnaire(changed, form.id)
      const item = itemOf(q, numberId)
      expect(item.type).toBe('decimal')
      if (min !== null) expect(ext(item, 'http://hl7.org/fhir/StructureDefinition/minValue')).toEqual({ url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueDecimal: 0.5 })
      expect(fhirErrors(q)).toEqual([])
    }
  })

  it('uses the host’s base URL and refuses a malformed one', () => {
    const q = toQuestionnaire(bundle, forms[0]!.id, { baseUrl: 'https://fhir.region.example/plus' })
    expect(q.url).toBe(`https://fhir.region.example/plus/plus/Questionnaire/${forms[0]!.id}`)
    expect(() => toQuestionnaire(bundle, forms[0]!.id, { baseUrl: 'https://x/' })).toThrow(TypeError)
    expect(() => toQuestionnaire(bundle, forms[0]!.id, { baseUrl: 'ftp://x' })).toThrow(TypeError)
  })

  it('throws on an unknown form id or something that is not a bundle', () => {
    expect(() => toQuestionnaire(bundle, 'finns-inte')).toThrow(/no form with id "finns-inte"/)
    expect(() => toQuestionnaire({} as never, 'x')).toThrow(TypeError)
    expect(() => allQuestionnaires(null as never)).toThrow(TypeError)
  })
})
