// module.md: the module's frontmatter, and its introduction as the body.
import type { Root } from 'mdast'
import type { ModuleFrontmatter } from '../../types/content.generated.ts'
import type { IRModule } from '../ir.ts'
import { spanOfPath } from '../load/frontmatter.ts'
import type { ResolveContext } from './context.ts'
import { checkFrontmatter } from './frontmatter-data.ts'
import { isBlank, toRichText } from './text.ts'

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export function resolveModule(ctx: ResolveContext, tree: Root): IRModule | null {
  const data = checkFrontmatter<ModuleFrontmatter>(ctx, 'module')
  const intro = tree.children.length > 0 && !isBlank(tree.children) ? toRichText(ctx, tree.children) : null
  // With invalid frontmatter the module still stands (marked unreadable, its valid id still
  // declared), so its sections, links to it and the module order are not reported as well.
  const raw = (ctx.split.data ?? {}) as Partial<Record<keyof ModuleFrontmatter, unknown>>
  const id = data?.id ?? (typeof raw.id === 'string' && ID.test(raw.id) ? raw.id : null)
  if (id === null) return null
  const span = spanOfPath(ctx.split, ['id'])
  ctx.collected.ids.push({ id, kind: 'module', span })
  return {
    id,
    title: data?.title ?? (typeof raw.title === 'string' ? raw.title : id),
    order: data?.order ?? 0,
    summary: data?.summary ?? '',
    estimatedMinutes: data?.estimatedMinutes ?? 0,
    review: data ? { status: data.review.status, reviewer: data.review.reviewer ?? null, date: data.review.date ?? null } : { status: 'draft', reviewer: null, date: null },
    intro,
    dir: ctx.split.file.moduleDir ?? '',
    rel: ctx.split.file.rel,
    sections: [],
    span,
    orderSpan: spanOfPath(ctx.split, ['order']),
    estimatedSpan: spanOfPath(ctx.split, ['estimatedMinutes']),
    unreadable: data === null,
  }
}
