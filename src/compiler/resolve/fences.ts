// Container fences: an outer container needs more colons than the containers inside it, or the
// inner closing line closes both. When it has too few, say so where the mistake is (PLUS224)
// instead of only at the stray closing line it leaves behind (PLUS208).
import type { ContainerDirective } from 'mdast-util-directive'
import { headSpan, report, type ResolveContext } from './context.ts'

/** The number of colons that open a container directive, read from the source. */
export function fenceLength(ctx: ResolveContext, node: ContainerDirective): number {
  const start = node.position?.start.offset ?? 0
  return /^:*/.exec(ctx.split.body.slice(start, start + 64))?.[0].length ?? 3
}

/** Reports a child container whose fence is not shorter than its parent's. */
export function checkFence(ctx: ResolveContext, parent: ContainerDirective, child: ContainerDirective): void {
  const outer = fenceLength(ctx, parent)
  const inner = fenceLength(ctx, child)
  if (inner < outer) return
  const span = headSpan(ctx, parent)
  report(ctx, 'PLUS224', headSpan(ctx, child), {
    child: `${':'.repeat(inner)}${child.name}`,
    parent: `${':'.repeat(outer)}${parent.name}`,
    fix: `${':'.repeat(inner + 1)}${parent.name}`,
    line: span.line,
  })
}
