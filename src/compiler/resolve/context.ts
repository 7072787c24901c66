// What every resolver needs: the file, a place to put diagnostics and collected references.
import type { Node } from 'unist'
import { diagnostic, type Diagnostic, type DiagnosticArgs, type Span } from '../diagnostics/diagnostic.ts'
import type { Code } from '../diagnostics/catalogue.ts'
import { spanAt } from '../load/positions.ts'
import type { SplitFile } from '../load/frontmatter.ts'
import type { Collected } from '../ir.ts'

export interface ResolveContext {
  split: SplitFile
  diagnostics: Diagnostic[]
  collected: Collected
}

export function createContext(split: SplitFile): ResolveContext {
  return { split, diagnostics: [], collected: { ids: [], links: [], media: [] } }
}

/** The span of an mdast node in the original file. */
export function spanOf(ctx: ResolveContext, node: Node): Span {
  const start = node.position?.start.offset ?? ctx.split.bodyOffset
  const end = node.position?.end.offset ?? start
  return spanAt(ctx.split.index, start, end)
}

/** The span of a node's first line only (a directive's opening fence), for compact messages. */
export function headSpan(ctx: ResolveContext, node: Node): Span {
  const start = node.position?.start.offset ?? ctx.split.bodyOffset
  const lineEnd = ctx.split.body.indexOf('\n', start)
  const end = Math.min(node.position?.end.offset ?? start, lineEnd === -1 ? ctx.split.body.length : lineEnd)
  return spanAt(ctx.split.index, start, end)
}

export function report(ctx: ResolveContext, code: Code, span: Span, args: DiagnosticArgs = {}): void {
  ctx.diagnostics.push(diagnostic(code, span, args))
}

/** The exact source text of a node. */
export function sourceOf(ctx: ResolveContext, node: Node): string {
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  return start === undefined || end === undefined ? '' : ctx.split.body.slice(start, end)
}
