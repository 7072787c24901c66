import { describe, expect, it } from 'vitest'
import { bandFor, scoreForm, scoreRange, validateAnswers, MAX_TEXT_ANSWER } from '../../src/scoring/index.ts'
import type { FormBlock, Question } from '../../src/types/index.ts'

const q = (id: string, type: Question['type'], values: Array<number | null> = [], extra: Partial<Question> = {}): Question => ({
  id, type, prompt: id, help: null, required: false,
  options: values.map((value, i) => ({ id: `${id}-${i}`, label: `${i}`, value })),
  min: null, max: null, unit: null, rows: null, alertFrom: null, ...extra,
})

const form: FormBlock = {
  type: 'form', id: 'f', title: 'F', kind: 'assessment', intro: null,
  questions: [q('a', 'scale', [0, 1, 2, 3], { required: true }), q('b', 'single', [0, 3]), q('c', 'multiple', [1, 2]), q('n', 'number', [], { min: 0, max: 10 }), q('t', 'text')],
  scoring: { method: 'sum', min: 0, max: 9, bands: [
    { min: 0, max: 3, label: 'Låg', level: 'info', html: '', text: '' },
    { min: 4, max: 9, label: 'Hög', level: 'attention', html: '', text: '' },
  ] },
}

describe('scoring', () => {
  it('sums the chosen options and finds the band', () => {
    const result = scoreForm(form, { a: 'a-2', b: 'b-1', c: ['c-0', 'c-1'] })
    expect(result.score).toBe(8)
    expect(result.band?.label).toBe('Hög')
    expect(scoreForm(form, { a: 'a-0', b: 'b-0', c: [] }).band?.label).toBe('Låg')
  })

  it('gives no score until every scored question is answered', () => {
    expect(scoreForm(form, { a: 'a-3' })).toMatchObject({ score: null, band: null, answered: 1, scoredQuestions: 3 })
  })

  it('computes the possible range', () => {
    expect(scoreRange(form.questions)).toEqual({ min: 0, max: 9 })
    expect(bandFor(form, 10)).toBeNull()
  })

  it('validates answers against the definition', () => {
    expect(validateAnswers(form, { a: 'a-1', n: 5, t: 'ok' })).toEqual([])
    expect(validateAnswers(form, {}).map((p) => p.code)).toEqual(['required'])
    expect(validateAnswers(form, { a: 'nope', b: 3 as never, c: ['c-0', 'c-0'], n: 11, t: 'x'.repeat(MAX_TEXT_ANSWER + 1), z: 'x' }).map((p) => `${p.questionId}:${p.code}`)).toEqual([
      'z:unknown-question', 'a:unknown-option', 'b:wrong-type', 'c:duplicate-option', 'n:above-max', 't:too-long',
    ])
  })
})

describe('alerts', () => {
  it('lists the questions answered at or above their alert value', async () => {
    const { alertsFor } = await import('../../src/scoring/index.ts')
    const alerting: FormBlock = { ...form, questions: [q('a', 'scale', [0, 1, 2, 3], { alertFrom: 2 }), q('b', 'single', [0, 3])] }
    expect(alertsFor(alerting, { a: 'a-2', b: 'b-0' }).map((x) => x.id)).toEqual(['a'])
    expect(alertsFor(alerting, { a: 'a-1', b: 'b-1' })).toEqual([])
    expect(alertsFor(alerting, {})).toEqual([])
  })
})
