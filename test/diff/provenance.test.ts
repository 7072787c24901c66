// A licensed form's source and terms in `plus diff`: a new agreement or a corrected source is a
// change a reviewer approves, reported as a field of form-changed with nothing to warn about
// (stored answers keep their meaning).
import { describe, expect, it } from 'vitest'
import { diffBundles, formatDiff } from '../../src/diff/index.ts'
import type { FormBlock } from '../../src/types/bundle.generated.ts'
import { testBundle } from '../engine/bundle.ts'

function assessmentOf(bundle: ReturnType<typeof testBundle>): FormBlock {
  return bundle.programme.modules[0]!.sections[0]!.steps[1]!.blocks[0] as FormBlock
}

const provenance = { source: 'Exempelförfattare, 2020. Svensk version 1.0.', sourceUrl: null, licence: 'Avtal nr 1, gäller till 2026-12-31' }

describe('form provenance in plus diff', () => {
  it('given a form gains a source and licence, then form-changed lists both and warns nothing', () => {
    const before = testBundle()
    const after = testBundle()
    assessmentOf(after).provenance = { ...provenance }
    const diff = diffBundles(before, after)
    expect(diff.changes.map((c) => [c.type, c.warnings])).toEqual([['form-changed', []]])
    const change = diff.changes[0]!
    expect(change.type === 'form-changed' && change.changes.map((f) => [f.field, f.before, f.after])).toEqual([
      ['source', null, provenance.source],
      ['licence', null, provenance.licence],
    ])
    expect(formatDiff(diff, 'sv')).toContain('villkor')
    expect(formatDiff(diff, 'en')).toContain('terms of use')
  })

  it('given only the licence changes, then only the licence is listed', () => {
    const before = testBundle()
    const after = testBundle()
    assessmentOf(before).provenance = { ...provenance }
    assessmentOf(after).provenance = { ...provenance, licence: 'Avtal nr 2, gäller till 2028-12-31' }
    const change = diffBundles(before, after).changes[0]!
    expect(change.type === 'form-changed' && change.changes.map((f) => f.field)).toEqual(['licence'])
  })

  it('given the same provenance on both sides, then there is no change', () => {
    const before = testBundle()
    const after = testBundle()
    assessmentOf(before).provenance = { ...provenance }
    assessmentOf(after).provenance = { ...provenance }
    expect(diffBundles(before, after).changes).toEqual([])
  })
})
