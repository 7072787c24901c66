// `::::form{#id title}`: an introduction, questions, and optionally scoring. A form with scoring
// is an assessment ("kartläggning"); one without is an exercise ("uppgift"). A standardised
// form a region uses under licence also names its `source` (with an optional `sourceUrl`) and
// its `licence`; the schema requires the two together, so the bundle carries both or neither.
import type { RootContent } from 'mdast'
import type { ContainerDirective } from 'mdast-util-directive'
import type { Band, Question } from '../../types/bundle.generated.ts'
import type { FormAttributes } from '../../types/content.generated.ts'
import { diagnostic, type Span } from '../diagnostics/diagnostic.ts'
import type { IRForm } from '../ir.ts'
import { scoreRange } from '../../scoring/index.ts'
import { checkAttributes, idOf } from './attributes.ts'
import { headSpan, report, type ResolveContext } from './context.ts'
import { resolveQuestion } from './question.ts'
import { resolveBands } from './scoring.ts'
import { checkFence } from './fences.ts'
import { KNOWN_DIRECTIVES, reportUnknown } from './directives.ts'
import { isBlank, toRichText } from './text.ts'

export function resolveForm(ctx: ResolveContext, node: ContainerDirective): IRForm | null {
  const attrs = checkAttributes<FormAttributes>(ctx, node)
  const span = headSpan(ctx, node)
  const id = attrs?.id ?? idOf(node)
  const problemsBefore = ctx.diagnostics.length
  if (attrs) ctx.collected.ids.push({ id: attrs.id, kind: 'form', span })

  const intro: RootContent[] = []
  const questions: Question[] = []
  const questionSpans = new Map<string, Span>()
  let bands: Band[] | null = null
  let scoringSpan: Span | null = null
  for (const child of node.children) {
    if (child.type === 'paragraph' && (child.data as { directiveLabel?: boolean } | undefined)?.directiveLabel) continue
    if (child.type === 'containerDirective') checkFence(ctx, node, child)
    if (child.type === 'containerDirective' && child.name === 'question') {
      const question = resolveQuestion(ctx, child)
      if (!question) continue
      const first = questionSpans.get(question.id)
      const qSpan = headSpan(ctx, child)
      if (first) {
        ctx.diagnostics.push(diagnostic('PLUS301', qSpan, { id: question.id, scope: `\`${id}\`` }, first))
        continue
      }
      questionSpans.set(question.id, qSpan)
      questions.push(question)
    } else if (child.type === 'containerDirective' && child.name === 'scoring') {
      if (bands) {
        report(ctx, 'PLUS216', headSpan(ctx, child))
        continue
      }
      scoringSpan = headSpan(ctx, child)
      bands = resolveBands(ctx, child)
    } else if (child.type === 'containerDirective' || child.type === 'leafDirective') {
      if (KNOWN_DIRECTIVES.includes(child.name)) report(ctx, 'PLUS203', headSpan(ctx, child), { name: child.name, parent: 'form', expected: 'step' })
      else reportUnknown(ctx, child, ['question', 'scoring'])
    } else {
      intro.push(child)
    }
  }
  // A misspelled `:::qestion` is reported as such, not again as a form without questions.
  const misspelled = node.children.some((c) => (c.type === 'containerDirective' || c.type === 'leafDirective') && !KNOWN_DIRECTIVES.includes(c.name))
  if (questions.length === 0 && !misspelled && !node.children.some((c) => c.type === 'containerDirective' && c.name === 'question')) {
    report(ctx, 'PLUS215', span, { id })
  }
  if (bands) {
    // In a scored form, a question with any valued option must value every option.
    for (const question of questions) {
      if (question.type === 'scale' || !question.options.some((o) => o.value !== null)) continue
      for (const option of question.options.filter((o) => o.value === null)) {
        report(ctx, 'PLUS218', questionSpans.get(question.id)!, { option: option.label, question: question.id, reason: 'form' })
      }
    }
  }
  if (!attrs) return null
  const range = scoreRange(questions)
  return {
    type: 'form',
    id: attrs.id,
    title: attrs.title,
    kind: bands ? 'assessment' : 'exercise',
    intro: intro.length > 0 && !isBlank(intro) ? toRichText(ctx, intro) : null,
    questions,
    scoring: bands ? { method: 'sum', min: range.min, max: range.max, bands } : null,
    ...(attrs.source && attrs.licence
      ? { provenance: { source: attrs.source.trim(), sourceUrl: attrs.sourceUrl ?? null, licence: attrs.licence.trim() } }
      : {}),
    span,
    scoringSpan,
    incomplete: ctx.diagnostics.length > problemsBefore,
  }
}
