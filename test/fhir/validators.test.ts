// The validators used on the export can fail: each rejects resources broken in ways it checks.
// Without this, a validator that silently accepts everything would make the export tests pass.
import { describe, expect, it } from 'vitest'
import { toQuestionnaire, toQuestionnaireResponse } from '../../src/fhir/index.ts'
import { answersFor, formsOf, realBundle } from './content.ts'
import { schemaErrors, structureErrors } from './validators.ts'

describe('the FHIR validators reject broken resources', async () => {
  const bundle = await realBundle()
  const form = formsOf(bundle).find((f) => f.scoring)!
  const good = toQuestionnaire(bundle, form.id)
  const response = toQuestionnaireResponse(bundle, form.id, answersFor(form, 'mixed'), { authored: '2025-03-01T09:30:00Z', subject: 'Patient/p1' })
  const broken = <T extends object>(resource: T, edit: (copy: any) => void): T => {
    const copy = structuredClone(resource)
    edit(copy)
    return copy
  }

  it('accepts the unbroken resources', () => {
    expect(structureErrors(good)).toEqual([])
    expect(schemaErrors(good)).toEqual([])
    expect(structureErrors(response)).toEqual([])
    expect(schemaErrors(response)).toEqual([])
  })

  it.each([
    ['a status outside its value set', (q: any) => { q.status = 'published' }, /Questionnaire\.status/],
    ['an item type outside its value set', (q: any) => { q.item[1].type = 'radio' }, /item\[1\]\.type/],
    ['an item without its required linkId', (q: any) => { delete q.item[1].linkId }, /linkId: Missing property/],
    ['an element R4 does not have (itemWeight is R5)', (q: any) => { q.item[1].answerOption[0].itemWeight = 1 }, /itemWeight: Unexpected property/],
    ['an extension without its url', (q: any) => { delete q.item[1].answerOption[0].extension[0].url }, /url: Missing property/],
  ])('FHIR.js (StructureDefinitions) rejects %s', (_, edit, where) => {
    const errors = structureErrors(broken(good, edit))
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.join('\n')).toMatch(where)
  })

  it.each([
    ['an authored date that is not a FHIR dateTime', (r: any) => { r.authored = '2025-13-01T09:30:00Z' }, /\/authored/],
    ['a status outside its value set', (r: any) => { r.status = 'done' }, /\/status/],
    ['a code that is a number', (r: any) => { r.item[0].answer[0].valueCoding.code = 3 }, /\/item\/0\/answer\/0\/valueCoding\/code/],
    ['an unknown property', (r: any) => { r.score = 12 }, /additional properties/],
  ])('the R4 JSON Schema rejects %s', (_, edit, where) => {
    const errors = schemaErrors(broken(response, edit))
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.join('\n')).toMatch(where)
  })
})
