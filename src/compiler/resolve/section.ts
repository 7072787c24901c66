// A section file: frontmatter with id and title; a body of steps and nothing else.
import type { Root } from 'mdast'
import type { SectionFrontmatter } from '../../types/content.generated.ts'
import type { IRSection, IRStep } from '../ir.ts'
import { headSpan, report, spanOf, type ResolveContext } from './context.ts'
import { checkFrontmatter } from './frontmatter-data.ts'
import { spanOfPath } from '../load/frontmatter.ts'
import { DIRECTIVES, resolveStep } from './step.ts'
import { reportUnknown } from './directives.ts'
import { isBlank, toRichText } from './text.ts'

export function resolveSection(ctx: ResolveContext, tree: Root): IRSection {
  const data = checkFrontmatter<SectionFrontmatter>(ctx, 'section')
  const steps: IRStep[] = []
  let outside = false
  // A misspelled `::::steg` is reported as such, not again as an empty section.
  let misspelled = false
  for (const child of tree.children) {
    if (child.type === 'containerDirective' && child.name === 'step') {
      outside = false
      steps.push(resolveStep(ctx, child))
    } else if (child.type === 'containerDirective' || child.type === 'leafDirective') {
      outside = false
      if (DIRECTIVES.includes(child.name)) report(ctx, 'PLUS203', headSpan(ctx, child), { name: child.name, parent: '', expected: 'step' })
      else {
        reportUnknown(ctx, child, ['step'])
        misspelled = true
      }
    } else if (child.type === 'html') {
      report(ctx, 'PLUS204', spanOf(ctx, child))
    } else if (!isBlank([child])) {
      // Stray fences and other inline problems are reported by the text rules; report the
      // misplaced text itself once per run of such blocks.
      const before = ctx.diagnostics.length
      toRichText(ctx, [child])
      const strayFence = ctx.diagnostics.slice(before).some((d) => d.code === 'PLUS208')
      if (!outside && !strayFence) report(ctx, 'PLUS207', spanOf(ctx, child))
      outside = true
    }
  }
  const span = spanOfPath(ctx.split, ['id'])
  if (data) ctx.collected.ids.push({ id: data.id, kind: 'section', span })
  // A sign-off names a step of this very section: one that moved elsewhere was reviewed in
  // another context, and one that never existed is a typo.
  const signoffs: IRSection['signoffs'] = []
  for (const [i, signoff] of (data?.signoffs ?? []).entries()) {
    if (signoff.step !== undefined && !steps.some((st) => st.id === signoff.step)) {
      report(ctx, 'PLUS328', spanOfPath(ctx.split, ['signoffs', i, 'step']), { step: signoff.step, section: data?.id ?? '' })
      continue
    }
    signoffs.push({ step: signoff.step ?? null, reviewer: signoff.reviewer, date: signoff.date, hash: signoff.hash })
  }
  // Returned even with invalid frontmatter (id empty) so the module is not reported as empty
  // on top of the real problem; errors stop the build before emit.
  const unreadable = !data || misspelled || ctx.diagnostics.some((d) => d.code === 'PLUS209' || d.code === 'PLUS220')
  return { id: data?.id ?? '', title: data?.title ?? '', summary: data?.summary ?? null, steps, signoffs, rel: ctx.split.file.rel, span, unreadable }
}
