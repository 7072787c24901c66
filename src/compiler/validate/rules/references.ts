// Internal links (`[text](#id)`) lead to a module, section or step of the programme.
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import type { Rule } from '../rule.ts'

const TARGETS = new Set(['module', 'section', 'step'])

export const references: Rule = ({ tree }) => {
  const out: Diagnostic[] = []
  // The ids are gathered only when there are links to check (a watch rebuild runs every rule).
  if (tree.collected.links.length === 0) return out
  const ids = tree.collected.ids.filter((d) => TARGETS.has(d.kind)).map((d) => d.id)
  const known = new Set(ids)
  for (const link of tree.collected.links) {
    if (known.has(link.id)) continue
    out.push(diagnostic('PLUS308', link.span, { id: link.id, suggestion: closest(link.id, ids) ?? '' }))
  }
  return out
}

/** The known id closest to a mistyped one, when it is close enough to be a likely typo. */
export function closest(id: string, candidates: string[]): string | null {
  let best: string | null = null
  // At most one edit per four characters (and at least one): `#oro` is not a typo of `#sorg`.
  let bestDistance = Math.max(1, Math.floor(id.length / 4)) + 1
  for (const candidate of candidates) {
    const d = distance(id, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}
