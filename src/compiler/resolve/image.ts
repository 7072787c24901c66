// `::image{src alt caption}`: a picture with required alternative text.
import type { LeafDirective } from 'mdast-util-directive'
import type { ImageAttributes } from '../../types/content.generated.ts'
import type { IRImage } from '../ir.ts'
import { checkAttributes } from './attributes.ts'
import { headSpan, type ResolveContext } from './context.ts'
import { mediaRef } from './media-path.ts'

export function resolveImage(ctx: ResolveContext, node: LeafDirective): IRImage | null {
  const attrs = checkAttributes<ImageAttributes>(ctx, node)
  if (!attrs) return null
  const span = headSpan(ctx, node)
  if (attrs.id) ctx.collected.ids.push({ id: attrs.id, kind: 'image', span })
  return {
    type: 'image',
    id: attrs.id ?? null,
    image: mediaRef(ctx, attrs.src, 'image', span),
    alt: attrs.alt.trim(),
    caption: attrs.caption ?? null,
    span,
  }
}
