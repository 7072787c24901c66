// A scored form's bands cover every possible score exactly once, from the lowest possible sum
// to the highest: every patient gets exactly one interpretation.
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import type { IRForm, IRSection } from '../../ir.ts'
import type { SectionRule } from '../rule.ts'

export const bandCoverage: SectionRule = (section) => {
  const out: Diagnostic[] = []
  for (const form of forms(section)) {
    // A form with a broken question or option has its own diagnostics; its range is not known.
    if (!form.scoring || form.scoring.bands.length === 0 || form.incomplete) continue
    const { min, max, bands } = form.scoring
    const span = form.scoringSpan ?? form.span
    for (const band of bands) {
      if (band.min < min || band.max > max) {
        out.push(diagnostic('PLUS309', span, { problem: 'outside', from: band.min, to: band.max, min, max }))
      }
    }
    // Walk the possible scores and report runs of uncovered and doubly covered scores.
    const runs: Array<{ problem: 'gap' | 'overlap'; from: number; to: number }> = []
    for (let score = min; score <= max; score++) {
      const hits = bands.filter((b) => score >= b.min && score <= b.max).length
      const problem = hits === 0 ? 'gap' : hits > 1 ? 'overlap' : null
      if (!problem) continue
      const last = runs.at(-1)
      if (last && last.problem === problem && last.to === score - 1) last.to = score
      else runs.push({ problem, from: score, to: score })
    }
    for (const run of runs) out.push(diagnostic('PLUS309', span, { ...run, min, max }))
  }
  return out
}

function forms(section: IRSection): IRForm[] {
  return section.steps.flatMap((step) => step.blocks.filter((b): b is IRForm => b.type === 'form'))
}
