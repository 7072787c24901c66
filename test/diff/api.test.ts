// The public API of src/diff, pinned: the `plus diff` command and host applications call these.
import { expect, it } from 'vitest'
import * as diff from '../../src/diff/index.ts'

it('should expose the public api', () => {
  expect(Object.keys(diff).sort()).toEqual(['WARNINGS', 'breakingChanges', 'diffBundles', 'formatDiff', 'hasBreakingChanges', 'warningCounts'])
})

it('throws on misuse: something that is not a bundle, an unknown language', () => {
  expect(() => diff.diffBundles({} as never, {} as never)).toThrow(/`before` is not a PLUS bundle/)
  const empty = { type: 'bundle-diff', before: { programmeId: 'p', title: 'P', version: '1', schemaVersion: '1' }, after: { programmeId: 'p', title: 'P', version: '1', schemaVersion: '1' }, changes: [] } as const
  expect(() => diff.formatDiff(empty as never, 'de' as never)).toThrow(/unknown language/)
  expect(diff.formatDiff(empty as never)).toBe('P 1 → 1: inga ändringar.\n')
})
