// module.md: the module's frontmatter, and its introduction as the body.
import type { Root } from 'mdast'
import type { ModuleFrontmatter } from '../../types/content.generated.ts'
import type { IRModule } from '../ir.ts'
import { spanOfPath } from '../load/frontmatter.ts'
import type { ResolveContext } from './context.ts'
import { checkFrontmatter } from './frontmatter-data.ts'
import { isBlank, toRichText } from './text.ts'

export function resolveModule(ctx: ResolveContext, tree: Root): IRModule | null {
  const data = checkFrontmatter<ModuleFrontmatter>(ctx, 'module')
  const intro = tree.children.length > 0 && !isBlank(tree.children) ? toRichText(ctx, tree.children) : null
  if (!data) return null
  const span = spanOfPath(ctx.split, ['id'])
  ctx.collected.ids.push({ id: data.id, kind: 'module', span })
  return {
    id: data.id,
    title: data.title,
    order: data.order,
    summary: data.summary,
    estimatedMinutes: data.estimatedMinutes,
    review: { status: data.review.status, reviewer: data.review.reviewer ?? null, date: data.review.date ?? null },
    intro,
    dir: ctx.split.file.moduleDir ?? '',
    rel: ctx.split.file.rel,
    sections: [],
    span,
    orderSpan: spanOfPath(ctx.split, ['order']),
  }
}
