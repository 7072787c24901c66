// The validators compiled ahead of time (src/compiler/validators.generated.ts) are exactly what
// the generator makes from schemas/ now, and answer as ajv does when it compiles the schemas at
// run time, errors included (the author-facing messages are made from them).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateValidators, validatorsFile } from '../../scripts/gen-validators.ts'
import { createAjv, generatedRefs, validator } from '../../src/compiler/schemas.ts'

const root = path.resolve(import.meta.dirname, '../..')

describe('generated validators', () => {
  it('are in step with schemas/ (run `npm run validators` after changing a schema)', () => {
    expect(readFileSync(path.join(root, validatorsFile), 'utf8')).toBe(generateValidators())
  })

  const samples: Record<string, unknown[]> = {
    'programme.schema.json': [
      { id: 'plus', title: 'PLUS', version: '1.0.0', durationDays: 90, flags: [] },
      { id: 'Plus ä', title: '', version: '1', durationDays: -1, flags: [{ id: 'x' }], extra: true },
    ],
    'module.schema.json': [{ id: 'm1', title: 'M', order: 1, summary: 'S', estimatedMinutes: 10, review: { status: 'draft' } }, { id: 3 }],
    'directives.schema.json#/$defs/FilmAttributes': [{ id: 'f', title: 'F', captions: 'media/f.vtt', poster: 'media/p.svg', duration: '1:00' }, { captions: '../x.srt', duration: 'lång' }],
    'directives.schema.json#/$defs/QuestionAttributes': [{ id: 'q1', type: 'scale' }, { type: 'essay', id: 'Q 1', alertFrom: 'x' }],
  }
  for (const [ref, values] of Object.entries(samples)) {
    it(`answer as ajv does at run time: ${ref}`, () => {
      expect(generatedRefs[ref]).toBeDefined()
      const runtime = createAjv().getSchema(ref)!
      for (const value of values) {
        const generated = validator(ref)
        expect(generated(value)).toBe(runtime(value))
        expect(JSON.parse(JSON.stringify(generated.errors ?? null))).toEqual(JSON.parse(JSON.stringify(runtime.errors ?? null)))
      }
    })
  }
})
