// Checks on directives as written, which the directive parser forgives silently:
// - a container that is never closed runs to the end of its parent or the file (PLUS225);
// - an attribute given twice keeps only its last value (PLUS226);
// - an unknown name is reported with the closest known one (PLUS201).
import type { Root, RootContent } from 'mdast'
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive'
import { spanAt } from '../load/positions.ts'
import { headSpan, report, type ResolveContext } from './context.ts'
import { fenceLength } from './fences.ts'

type Directive = ContainerDirective | LeafDirective | TextDirective

/** Every directive name of the format. */
export const KNOWN_DIRECTIVES = ['step', 'tips', 'viktigt', 'film', 'image', 'form', 'question', 'scoring']

/** Containers that never hold one of their own kind: one inside another means a missing closing fence. */
const NEVER_NESTED = new Set(['step', 'tips', 'viktigt', 'film', 'form', 'question', 'scoring'])

/** Restricted Damerau–Levenshtein distance (a swap of two neighbours counts once). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)])
  for (let j = 0; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/** The known directive name closest to a misspelled one, or '' when none is close. */
export function suggestDirective(name: string): string {
  const lower = name.toLowerCase()
  let best = ''
  let bestDistance = Infinity
  for (const known of KNOWN_DIRECTIVES) {
    const d = distance(lower, known)
    if (d < bestDistance) [best, bestDistance] = [known, d]
  }
  // Close enough to be a typo: up to a third of the name, at least one edit.
  return bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : ''
}

/** The fence of a directive exactly as written: `:::`, `::::` or `::`. */
export function fenceAsWritten(ctx: ResolveContext, node: Directive): string {
  const start = node.position?.start.offset ?? 0
  return /^:*/.exec(ctx.split.body.slice(start, start + 64))?.[0] || (node.type === 'leafDirective' ? '::' : ':::')
}

/** Reports an unknown directive name (PLUS201), suggesting the closest known one. */
export function reportUnknown(ctx: ResolveContext, node: Directive, expected: string[]): void {
  report(ctx, 'PLUS201', headSpan(ctx, node), {
    name: node.name,
    fence: fenceAsWritten(ctx, node),
    expected: expected.join(','),
    suggestion: suggestDirective(node.name),
  })
}

/**
 * Reports attributes given more than once in one directive (`{#a #b}`, `title="x" title="y"`)
 * at the second one. The attribute text is read from the source, because the parsed node keeps
 * only the last value.
 */
export function checkDuplicateAttributes(ctx: ResolveContext, node: Directive): void {
  const start = node.position?.start.offset
  if (start === undefined) return
  const body = ctx.split.body
  const lineEnd = body.indexOf('\n', start) === -1 ? body.length : body.indexOf('\n', start)
  const end = Math.min(node.position?.end.offset ?? lineEnd, node.type === 'textDirective' ? (node.position?.end.offset ?? lineEnd) : lineEnd)
  const head = body.slice(start, end)
  let i = /^:*[A-Za-z][\w-]*/.exec(head)?.[0].length ?? 0
  if (head[i] === '[') {
    let depth = 0
    for (; i < head.length; i++) {
      if (head[i] === '\\') i++
      else if (head[i] === '[') depth++
      else if (head[i] === ']' && --depth === 0) {
        i++
        break
      }
    }
  }
  if (head[i] !== '{') return
  i++
  const seen = new Set<string>()
  while (i < head.length && head[i] !== '}') {
    if (/\s/.test(head[i]!)) {
      i++
      continue
    }
    const keyStart = i
    let key: string
    if (head[i] === '#' || head[i] === '.') {
      key = head[i] === '#' ? 'id' : ''
      i++
      while (i < head.length && !/[\s}"'<=>`]/.test(head[i]!)) i++
    } else {
      const name = /^[A-Za-z_:][\w.:-]*/.exec(head.slice(i))
      if (!name) return
      key = name[0]
      i += name[0].length
      while (head[i] === ' ' || head[i] === '\t') i++
      if (head[i] === '=') {
        i++
        while (head[i] === ' ' || head[i] === '\t') i++
        const quote = head[i]
        if (quote === '"' || quote === "'") {
          const close = head.indexOf(quote, i + 1)
          if (close === -1) return
          i = close + 1
        } else while (i < head.length && !/[\s}"'<=>`]/.test(head[i]!)) i++
      }
    }
    // Classes (`.a .b`) add up by design; everything else is one value.
    if (key === '' || key === 'class') continue
    if (seen.has(key)) {
      report(ctx, 'PLUS226', spanAt(ctx.split.index, start + keyStart, start + i), { name: node.name, attribute: key })
    }
    seen.add(key)
  }
}

/** True when the container ends with a closing fence of at least its own length. */
function isClosed(ctx: ResolveContext, node: ContainerDirective): boolean {
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  if (start === undefined || end === undefined) return true
  const body = ctx.split.body
  const lineStart = body.lastIndexOf('\n', end - 1) + 1
  if (lineStart <= start) return false
  const line = body.slice(lineStart, end)
  const colons = /^[ \t>]*(:+)[ \t]*$/.exec(line)?.[1]?.length ?? 0
  return colons >= fenceLength(ctx, node)
}

type Parent = { children: RootContent[] }

/**
 * Finds containers that were never closed and reports each once, at its opening fence
 * (PLUS225). A container of a kind that never nests in itself (a step in a step, a question in
 * a question) means the closing fence between the two is missing: the outer one is reported and
 * the inner one is lifted out to follow it, so the rest of the file is checked as meant.
 */
export function checkClosed(ctx: ResolveContext, root: Root): void {
  const visit = (parent: Parent, parentNode: ContainerDirective | null) => {
    for (let index = 0; index < parent.children.length; index++) {
      const child = parent.children[index]!
      if (child.type !== 'containerDirective') {
        if ('children' in child && child.type !== 'leafDirective' && child.type !== 'paragraph') visit(child as Parent, parentNode)
        continue
      }
      const nestedSame = child.children.findIndex(
        (c) => c.type === 'containerDirective' && c.name === child.name && NEVER_NESTED.has(c.name) && fenceLength(ctx, c) >= fenceLength(ctx, child),
      )
      if (nestedSame !== -1) {
        // The outer container was not closed before the next one of its kind: lift the rest
        // out after it. The inner one is closed by the fence the outer one took.
        const inner = child.children[nestedSame] as ContainerDirective
        const closed = isClosed(ctx, child)
        const lifted = child.children.splice(nestedSame)
        parent.children.splice(index + 1, 0, ...lifted)
        const innerSpan = headSpan(ctx, inner)
        report(ctx, 'PLUS225', headSpan(ctx, child), { name: child.name, fence: fenceAsWritten(ctx, child), next: innerSpan.line })
        markClosed.add(child)
        if (closed) markClosed.add(inner)
        visit(child as Parent, child)
        continue
      }
      const closed = markClosed.has(child) || isClosed(ctx, child)
      // A child whose fence is not shorter than its parent's loses its closing line to the
      // parent: that mistake is reported as PLUS224, where it can be fixed.
      const tooLong = parentNode !== null && fenceLength(ctx, child) >= fenceLength(ctx, parentNode)
      if (!closed && !tooLong) {
        report(ctx, 'PLUS225', headSpan(ctx, child), { name: child.name, fence: fenceAsWritten(ctx, child), next: 0 })
      }
      visit(child as Parent, child)
    }
  }
  const markClosed = new WeakSet<ContainerDirective>()
  visit(root as Parent, null)
}
