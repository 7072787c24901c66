// Ids of modules, sections, steps, forms, films and images are unique across the programme:
// a patient's progress and answers are keyed by them.
import { diagnostic, type Diagnostic, type Span } from '../../diagnostics/diagnostic.ts'
import type { Rule } from '../rule.ts'

export const duplicateIds: Rule = ({ tree }) => {
  const first = new Map<string, Span>()
  const out: Diagnostic[] = []
  for (const decl of tree.collected.ids) {
    if (!decl.id) continue
    const seen = first.get(decl.id)
    if (seen) out.push(diagnostic('PLUS301', decl.span, { id: decl.id, scope: '' }, seen))
    else first.set(decl.id, decl.span)
  }
  return out
}
