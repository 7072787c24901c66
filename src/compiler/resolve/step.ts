// `:::step{#id title}`: the smallest unit a patient opens. Markdown between directives becomes
// text blocks; tips, viktigt, film, image and form become their own blocks.
import type { RootContent } from 'mdast'
import type { ContainerDirective } from 'mdast-util-directive'
import type { StepAttributes } from '../../types/content.generated.ts'
import type { IRBlock, IRStep } from '../ir.ts'
import type { StepKind } from '../../types/bundle.generated.ts'
import { checkAttributes, idOf } from './attributes.ts'
import { resolveCallout } from './callout.ts'
import { headSpan, report, spanOf, type ResolveContext } from './context.ts'
import { resolveFilm } from './film.ts'
import { resolveForm } from './form.ts'
import { resolveImage } from './image.ts'
import { checkHeadingLevels } from './headings.ts'
import { checkFence } from './fences.ts'
import { reportUnknown } from './directives.ts'
import { stepLix } from '../../quality/step-text.ts'
import { stepMinutes } from '../../quality/report.ts'
import { isBlank, toRichText } from './text.ts'

/** Directive names that may appear directly in a step, for messages. */
export const STEP_BLOCKS = ['tips', 'viktigt', 'film', 'image', 'form']
/** Every directive name of the format, for messages. */
export const DIRECTIVES = ['step', ...STEP_BLOCKS, 'question', 'scoring']

const PARENT_OF: Record<string, string> = { question: 'form', scoring: 'form', step: 'section' }

export function resolveStep(ctx: ResolveContext, node: ContainerDirective): IRStep {
  const attrs = checkAttributes<StepAttributes>(ctx, node)
  const span = headSpan(ctx, node)
  if (attrs) ctx.collected.ids.push({ id: attrs.id, kind: 'step', span })
  const blocks: IRBlock[] = []
  let pending: RootContent[] = []
  const flush = () => {
    if (pending.length > 0 && !isBlank(pending)) blocks.push({ type: 'text', ...toRichText(ctx, pending) })
    pending = []
  }
  for (const child of node.children) {
    if (child.type === 'paragraph' && (child.data as { directiveLabel?: boolean } | undefined)?.directiveLabel) continue
    if (child.type !== 'containerDirective' && child.type !== 'leafDirective') {
      pending.push(child)
      continue
    }
    flush()
    const isContainer = child.type === 'containerDirective'
    if (child.type === 'containerDirective') checkFence(ctx, node, child)
    let block: IRBlock | null = null
    if (isContainer && (child.name === 'tips' || child.name === 'viktigt')) block = resolveCallout(ctx, child)
    else if (isContainer && child.name === 'film') block = resolveFilm(ctx, child)
    else if (isContainer && child.name === 'form') block = resolveForm(ctx, child)
    else if (!isContainer && child.name === 'image') block = resolveImage(ctx, child)
    else if (DIRECTIVES.includes(child.name)) {
      report(ctx, 'PLUS203', headSpan(ctx, child), { name: child.name, parent: 'step', expected: PARENT_OF[child.name] ?? 'step' })
    } else {
      reportUnknown(ctx, child, STEP_BLOCKS)
    }
    if (block) blocks.push(block)
  }
  flush()
  checkHeadingLevels(ctx, node)
  // Emptiness is judged on what was written, so that a block with a mistake in it does not
  // also make its step "empty".
  const written = node.children.filter((c) => !(c.type === 'paragraph' && (c.data as { directiveLabel?: boolean } | undefined)?.directiveLabel))
  if (written.length === 0 || isBlank(written)) report(ctx, 'PLUS210', spanOf(ctx, node), { name: 'step' })
  // With invalid attributes the step is still returned (its id empty), so that rules about
  // its section do not report follow-on problems; errors stop the build before emit.
  // One LIX count serves both the readability figure and the time estimate.
  const counts = stepLix(blocks)
  return { id: attrs?.id ?? '', title: attrs?.title ?? idOf(node), kind: kindOf(blocks), blocks, span, lix: counts.lix, minutes: stepMinutes(blocks, counts.words) }
}

/** A step's kind, derived from what it holds. */
export function kindOf(blocks: IRBlock[]): StepKind {
  if (blocks.some((b) => b.type === 'form')) return 'form'
  if (blocks.some((b) => b.type === 'film')) return 'film'
  if (blocks.some((b) => b.type === 'image')) return 'media'
  return 'text'
}
