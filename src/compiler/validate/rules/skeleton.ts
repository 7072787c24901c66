// A skeleton from `plus new` that nobody filled in is reported, so it never reaches patients.
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import { SKELETON_MODULE_SUMMARY, SKELETON_STEP_TEXT } from '../../skeleton.ts'
import type { Rule, SectionRule } from '../rule.ts'

export const skeletonText: Rule = ({ tree }) => {
  const out: Diagnostic[] = []
  for (const module of tree.modules) {
    if (module.summary.trim() === SKELETON_MODULE_SUMMARY) {
      out.push(diagnostic('PLUS314', module.span, { what: 'summary', text: SKELETON_MODULE_SUMMARY }))
    }
  }
  return out
}

/** The same for the steps of a section. */
export const skeletonSteps: SectionRule = (section) => {
  const out: Diagnostic[] = []
  for (const step of section.steps) {
    if (step.blocks.some((b) => b.type === 'text' && b.text.includes(SKELETON_STEP_TEXT))) {
      out.push(diagnostic('PLUS314', step.span, { what: 'step', text: SKELETON_STEP_TEXT }))
    }
  }
  return out
}
