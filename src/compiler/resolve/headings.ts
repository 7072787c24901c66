// Headings inside a step start at level 2 (the step title is the page's level 1) and never
// skip a level: screen-reader users navigate by them (WCAG 1.3.1, 2.4.6).
import type { Heading } from 'mdast'
import type { ContainerDirective } from 'mdast-util-directive'
import type { Nodes } from 'mdast'
import { report, spanOf, type ResolveContext } from './context.ts'

export function checkHeadingLevels(ctx: ResolveContext, step: ContainerDirective): void {
  const headings: Heading[] = []
  const stack: Nodes[] = [...step.children].reverse()
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.type === 'heading') headings.push(node)
    else if ('children' in node) stack.push(...[...(node.children as Nodes[])].reverse())
  }
  let previous = 1
  for (const heading of headings) {
    // Level 1 is reported on its own (PLUS217).
    if (heading.depth > 1 && heading.depth > previous + 1) {
      report(ctx, 'PLUS221', spanOf(ctx, heading), { from: previous, to: heading.depth })
    }
    previous = Math.max(1, heading.depth)
  }
}
