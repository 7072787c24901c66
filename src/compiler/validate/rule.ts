// The shape of a cross-file rule: reads the resolved tree (and media read from disk), never
// mutates it, and returns diagnostics.
import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { IRSection, IRTree } from '../ir.ts'
import type { MediaFileState } from '../load/media.ts'

export { mediaKey, type MediaFileState } from '../load/media.ts'

export interface RuleInput {
  tree: IRTree
  /** Media files by `mediaKey`. */
  media: Map<string, MediaFileState>
  /** Whether this is a release build (stricter rules). */
  release: boolean
  /** The content folder, and as shown in messages, for rules that read its documentation. */
  contentDir?: string
  displayDir?: string
}

export type Rule = (input: RuleInput) => Diagnostic[]

/**
 * A rule that reads one section and nothing else (not its module, the media or the options):
 * its findings are kept per resolved section, so a watch-mode rebuild checks only the sections
 * of changed files again.
 */
export type SectionRule = (section: IRSection) => Diagnostic[]

