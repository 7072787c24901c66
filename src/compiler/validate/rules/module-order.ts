// Modules are numbered 1, 2, 3 … without gaps or duplicates (PLUS has seven).
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import type { Rule } from '../rule.ts'

export const moduleOrder: Rule = ({ tree }) => {
  const out: Diagnostic[] = []
  // A module whose frontmatter is invalid has its own diagnostic; its order is unknown.
  const readable = tree.modules.filter((m) => !m.unreadable)
  const byOrder = new Map<number, number>()
  for (const module of readable) byOrder.set(module.order, (byOrder.get(module.order) ?? 0) + 1)
  for (const module of readable) {
    if ((byOrder.get(module.order) ?? 0) > 1) {
      out.push(diagnostic('PLUS305', module.orderSpan, { order: module.order, problem: 'duplicate', count: tree.modules.length }))
    }
  }
  if (readable.length < tree.modules.length) return out
  const count = tree.modules.length
  const last = tree.modules.at(-1)
  for (let order = 1; order <= count && last; order++) {
    if (!byOrder.has(order)) out.push(diagnostic('PLUS305', last.orderSpan, { order, problem: 'missing', count }))
  }
  return out
}
