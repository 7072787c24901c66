// Content hashes of a step and of a section, for reviewers' sign-offs: a sign-off records the
// hash of what was reviewed, and a later edit changes it. The hash covers what the patient gets
// (title, kind and blocks; a section's title, summary and steps), not where it was written, so
// moving a step within its file or reformatting the Markdown does not undo a sign-off, while a
// changed word, option, score or media file does.
import { createHash } from 'node:crypto'
import type { Section, SignOff, Step } from '../types/bundle.generated.ts'

function sha256(value: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`
}

/** The content hash of a step. */
export function stepHash(step: Pick<Step, 'title' | 'kind' | 'blocks'>): string {
  return sha256({ title: step.title, kind: step.kind, blocks: step.blocks })
}

/** The content hash of a section: its own texts and its steps' hashes, in order. */
export function sectionHash(section: Pick<Section, 'title' | 'summary' | 'steps'>): string {
  return sha256({ title: section.title, summary: section.summary, steps: section.steps.map(stepHash) })
}

/** Where a step stands with its reviewers: signed off (and whether it changed since) or not. */
export type SignOffState =
  | { status: 'none' }
  | { status: 'current' | 'changed'; signoff: SignOff; by: 'step' | 'section' }

/**
 * The step's sign-off state: its own sign-off if it has one, else its section's. A section
 * sign-off covers the step while the section as a whole is unchanged.
 */
export function signOffState(step: Step, section?: Section): SignOffState {
  if (step.signoff) return { status: step.signoff.hash === stepHash(step) ? 'current' : 'changed', signoff: step.signoff, by: 'step' }
  if (section?.signoff) return { status: section.signoff.hash === sectionHash(section) ? 'current' : 'changed', signoff: section.signoff, by: 'section' }
  return { status: 'none' }
}
