// A band's level in `plus diff`: reported like any band change, without a warning when only the
// level changed (a stored submission keeps its band label; its level is read from the form).
import { describe, expect, it } from 'vitest'
import { diffBundles, formatDiff } from '../../src/diff/index.ts'
import type { FormBlock } from '../../src/types/bundle.generated.ts'
import { testBundle } from '../engine/bundle.ts'

function assessmentOf(bundle: ReturnType<typeof testBundle>): FormBlock {
  return bundle.programme.modules[0]!.sections[0]!.steps[1]!.blocks[0] as FormBlock
}

describe('band levels in plus diff', () => {
  it('given only a level changed, then bands-changed lists the levels and warns nothing', () => {
    const before = testBundle()
    const after = testBundle()
    assessmentOf(after).scoring!.bands.at(-1)!.level = 'urgent'
    const diff = diffBundles(before, after)
    expect(diff.changes.map((c) => [c.type, c.warnings])).toEqual([['bands-changed', []]])
    const change = diff.changes[0]!
    expect(change.type === 'bands-changed' && [change.before.at(-1)!.level, change.after.at(-1)!.level]).toEqual(['attention', 'urgent'])
    expect(formatDiff(diff, 'sv')).toContain('(akut)')
  })

  it('given a label changed too, then it warns that stored bands may differ', () => {
    const before = testBundle()
    const after = testBundle()
    const band = assessmentOf(after).scoring!.bands.at(-1)!
    band.level = 'urgent'
    band.label = 'Mycket hög nivå'
    expect(diffBundles(before, after).changes.map((c) => c.warnings)).toEqual([['bands-differ']])
  })
})
