// A module needs sections and a section needs steps: an empty one shows the patient nothing.
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import { summaryOf } from '../../section-summary.ts'
import type { Rule } from '../rule.ts'

export const emptyContainers: Rule = ({ tree }) => {
  const out: Diagnostic[] = []
  for (const module of tree.modules) {
    if (module.sections.length === 0) out.push(diagnostic('PLUS307', module.span, { id: module.id }))
    for (const section of module.sections) {
      if (summaryOf(section).steps === 0 && !section.unreadable) out.push(diagnostic('PLUS306', section.span, { id: section.id }))
    }
  }
  return out
}
