// The warnings a diff can carry, in the order reports list them.
import type { BundleDiff, Warning } from './types.ts'

/** Every warning, most serious first. */
export const WARNINGS: readonly Warning[] = ['answers-orphaned', 'answer-type-changed', 'answers-meaning-changed', 'scores-differ', 'bands-differ', 'answers-out-of-range']

/** How many changes carry each warning; warnings that do not occur are left out. */
export function warningCounts(diff: BundleDiff): Array<{ warning: Warning; count: number }> {
  return WARNINGS.map((warning) => ({ warning, count: diff.changes.filter((c) => c.warnings.includes(warning)).length })).filter(
    (entry) => entry.count > 0,
  )
}
