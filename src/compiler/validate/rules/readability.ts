// Text steps are written in klarspråk: a LIX of at most 40. A warning, because readability is
// a judgement the reviewer makes with the number in hand, not a hard rule.
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import { LIX_TARGET } from '../../../quality/step-text.ts'
import type { SectionRule } from '../rule.ts'

export const readability: SectionRule = (section) => {
  const out: Diagnostic[] = []
  for (const step of section.steps) {
    if (step.kind !== 'text') continue
    if (step.lix > LIX_TARGET) out.push(diagnostic('PLUS313', step.span, { lix: step.lix, limit: LIX_TARGET }))
  }
  return out
}
