// The shape of a cross-file rule: reads the resolved tree (and media read from disk), never
// mutates it, and returns diagnostics.
import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { IRTree, MediaRef } from '../ir.ts'

/** A media file as read from disk: its bytes, or why it could not be used. */
export type MediaFileState =
  | { status: 'ok'; bytes: Uint8Array }
  | { status: 'missing' }
  | { status: 'outside' }

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

/** The key of a media reference: its path relative to the content folder. */
export function mediaKey(ref: Pick<MediaRef, 'moduleDir' | 'path'>): string {
  return ref.moduleDir ? `${ref.moduleDir}/${ref.path}` : ref.path
}
