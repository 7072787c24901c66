// `plus diff`: what changed between two compiled bundles, as data and as text for reviewers.
// Pure functions of their inputs; the CLI reads the bundles (loadBundle) and prints.
import type { PlusBundle } from '../types/bundle.generated.ts'
import { locate } from './locate.ts'
import { diffProgramme } from './programme.ts'
import { diffStructure } from './structure.ts'
import type { BundleDiff, BundleSide, Change } from './types.ts'

/**
 * Compares two bundles. Identity is by id everywhere, so a renamed step is "changed" and a step
 * that moved to another section is "moved". Throws a TypeError when either argument is not a
 * bundle (misuse); validate untrusted input with parseBundle first.
 */
export function diffBundles(before: PlusBundle, after: PlusBundle): BundleDiff {
  for (const [name, bundle] of [['before', before], ['after', after]] as const) {
    if (bundle?.type !== 'plus-bundle' || !Array.isArray(bundle.programme?.modules)) {
      throw new TypeError(`diffBundles(): \`${name}\` is not a PLUS bundle`)
    }
  }
  return {
    type: 'bundle-diff',
    before: side(before),
    after: side(after),
    changes: [...diffProgramme(before, after), ...diffStructure(locate(before), locate(after))],
  }
}

/** True when any change carries a warning: answers or scores already stored stop matching. */
export function hasBreakingChanges(diff: BundleDiff): boolean {
  return diff.changes.some((change) => change.warnings.length > 0)
}

/** The changes that carry warnings, in report order. */
export function breakingChanges(diff: BundleDiff): Change[] {
  return diff.changes.filter((change) => change.warnings.length > 0)
}

function side(bundle: PlusBundle): BundleSide {
  const p = bundle.programme
  return { programmeId: p.id, title: p.title, version: p.version, schemaVersion: bundle.schemaVersion }
}

export { formatDiff, type DiffLang } from './format.ts'
export { warningCounts, WARNINGS } from './warnings.ts'
export type * from './types.ts'
