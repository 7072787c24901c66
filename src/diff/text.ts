// The wording of a diff report, one implementation per language (text-sv.ts, text-en.ts). The
// layout (grouping, indentation, order) is format.ts's; these only turn one item into words.
import type { BlockChange, BundleDiff, Change, FormPlace, Ref, Warning } from './types.ts'

/** The changes a module group lists; programme-level ones are listed under their own heading. */
export type ModuleLevelChange = Exclude<Change, { type: 'programme-changed' | 'flag-added' | 'flag-removed' | 'flag-changed' }>

export interface DiffText {
  /** First line: programme, versions and how many changes and warnings (or that there are none). */
  header(diff: BundleDiff, warned: number): string
  /** Heading above the count of each warning. */
  warningsHeading: string
  /** What a warning means for stored answers, as a short clause. */
  warning(warning: Warning): string
  /** Prefix of a line with warnings. */
  warningLabel: string
  programmeHeading: string
  moduleHeading(module: Ref): string
  formHeading(form: Ref, at: FormPlace): string
  /** One change: the first line, then any detail lines (a step's block changes). */
  change(change: Change): string[]
  block(change: BlockChange): string
}
