// `:::tips` and `:::viktigt`: a highlighted box with an optional title given as the label.
import type { Paragraph, RootContent } from 'mdast'
import type { ContainerDirective } from 'mdast-util-directive'
import type { CalloutBlock } from '../../types/bundle.generated.ts'
import { checkAttributes } from './attributes.ts'
import { report, spanOf, type ResolveContext } from './context.ts'
import { isBlank, toPlainText, toRichText } from './text.ts'

/** Splits a container's children into its `[label]` paragraph and the rest. */
export function splitLabel(node: ContainerDirective): { label: Paragraph | null; body: RootContent[] } {
  const [first, ...rest] = node.children
  if (first?.type === 'paragraph' && (first.data as { directiveLabel?: boolean } | undefined)?.directiveLabel) {
    return { label: first, body: rest }
  }
  return { label: null, body: node.children }
}

export function resolveCallout(ctx: ResolveContext, node: ContainerDirective): CalloutBlock {
  checkAttributes(ctx, node)
  const { label, body } = splitLabel(node)
  if (body.length === 0 || isBlank(body)) report(ctx, 'PLUS210', spanOf(ctx, node), { name: node.name })
  const rich = toRichText(ctx, body)
  return {
    type: 'callout',
    variant: node.name === 'viktigt' ? 'viktigt' : 'tips',
    title: label ? toPlainText(ctx, label.children as RootContent[]) || null : null,
    html: rich.html,
    text: rich.text,
  }
}
