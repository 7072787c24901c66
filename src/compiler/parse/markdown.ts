// Parses a file's body as Markdown with directives. Positions point into the original file
// because the frontmatter was blanked out, not cut off.
import type { Root, Nodes } from 'mdast'
import remarkDirective from 'remark-directive'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts'
import { spanAt } from '../load/positions.ts'
import type { SplitFile } from '../load/frontmatter.ts'
import { guardBlocks } from './guard.ts'
import { scanDepth } from './prescan.ts'

/** The deepest nesting of Markdown nodes the compiler accepts. */
export const MAX_DEPTH = 40

const processor = unified().use(remarkParse).use(remarkDirective)

export function parseMarkdown(split: SplitFile): { tree: Root | null; diagnostics: Diagnostic[] } {
  const tooDeep = scanDepth(split.index, split.body, split.bodyOffset, MAX_DEPTH)
  if (tooDeep) return { tree: null, diagnostics: [tooDeep] }
  const refused = guardBlocks(split)
  if (refused) return { tree: null, diagnostics: [refused] }
  let tree: Root
  try {
    tree = processor.parse(split.body)
  } catch (error) {
    // micromark recurses on some nesting; a stack overflow is a content problem, not a crash.
    if (error instanceof RangeError) {
      return { tree: null, diagnostics: [diagnostic('PLUS209', spanAt(split.index, split.bodyOffset), { depth: '>1000', limit: MAX_DEPTH })] }
    }
    throw error
  }
  const deepest = findTooDeep(tree)
  if (deepest) {
    const start = deepest.node.position?.start.offset ?? split.bodyOffset
    return { tree: null, diagnostics: [diagnostic('PLUS209', spanAt(split.index, start), { depth: deepest.depth, limit: MAX_DEPTH })] }
  }
  return { tree, diagnostics: [] }
}

/** The first node nested deeper than MAX_DEPTH, found without recursion. */
function findTooDeep(root: Root): { node: Nodes; depth: number } | null {
  const stack: Array<[Nodes, number]> = [[root, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (depth > MAX_DEPTH) return { node, depth }
    if ('children' in node) for (const child of node.children) stack.push([child as Nodes, depth + 1])
  }
  return null
}
