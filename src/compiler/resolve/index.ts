// Resolve: from one loaded file to its typed IR node, collecting ids, links and media
// references for the cross-file rules. A pure function of the file, so results can be cached
// by the file's text in watch mode.
import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { Collected, IRModule, IRProgramme, IRSection } from '../ir.ts'
import { splitFrontmatter } from '../load/frontmatter.ts'
import type { SourceFile } from '../load/source-file.ts'
import { parseMarkdown } from '../parse/markdown.ts'
import { createContext } from './context.ts'
import { checkClosed } from './directives.ts'
import { scanControls, scanZeroWidth } from '../load/characters.ts'
import { straightenQuotes } from '../parse/prescan.ts'
import { resolveModule } from './module.ts'
import { resolveProgramme } from './programme.ts'
import { resolveSection } from './section.ts'

/** What one file resolved to. */
export type ResolvedFile =
  | { kind: 'programme'; file: SourceFile; node: IRProgramme | null; collected: Collected; diagnostics: Diagnostic[] }
  | { kind: 'module'; file: SourceFile; node: IRModule | null; collected: Collected; diagnostics: Diagnostic[] }
  | { kind: 'section'; file: SourceFile; node: IRSection | null; collected: Collected; diagnostics: Diagnostic[] }

export function resolveFile(file: SourceFile): ResolvedFile {
  const { split: raw, diagnostics: splitDiagnostics } = splitFrontmatter(file)
  const quotes = straightenQuotes(raw.index, raw.body, raw.bodyOffset)
  const split = { ...raw, body: quotes.body }
  const ctx = createContext(split)
  ctx.diagnostics.push(...splitDiagnostics)
  ctx.diagnostics.push(...scanControls(split.index, file.text), ...scanZeroWidth(split.index, file.text, split.bodyOffset))
  ctx.diagnostics.push(...quotes.diagnostics)
  const { tree, diagnostics: parseDiagnostics } = parseMarkdown(split)
  ctx.diagnostics.push(...parseDiagnostics)
  if (tree) checkClosed(ctx, tree)
  const done = () => ({ file, collected: ctx.collected, diagnostics: withoutFollowOns(ctx.diagnostics) })
  if (!tree && file.kind === 'programme') return { kind: 'programme', node: null, ...done() }
  // A module or section whose body could not be parsed still stands, empty, so that the
  // problem is reported once and not again as an empty module.
  const body = tree ?? { type: 'root' as const, children: [] }
  switch (file.kind) {
    case 'programme': {
      const node = resolveProgramme(ctx, body)
      return { kind: 'programme', node, ...done() }
    }
    case 'module': {
      const node = resolveModule(ctx, body)
      return { kind: 'module', node, ...done() }
    }
    case 'section': {
      const node = resolveSection(ctx, body)
      return { kind: 'section', node, ...done() }
    }
  }
}

/**
 * Drops diagnostics that only repeat a mistake already reported where it can be fixed: once a
 * too-short outer fence is reported (PLUS224), the closing lines it leaves behind (PLUS208);
 * once an invisible character in an id or attribute is reported (PLUS228), the schema's
 * complaint about that value on the same line (PLUS202, PLUS111).
 */
function withoutFollowOns(diagnostics: Diagnostic[]): Diagnostic[] {
  const fence = diagnostics.some((d) => d.code === 'PLUS224')
  const invisible = new Set(diagnostics.filter((d) => d.code === 'PLUS228').map((d) => d.line))
  return diagnostics.filter(
    (d) => !(fence && d.code === 'PLUS208') && !((d.code === 'PLUS202' || d.code === 'PLUS111') && invisible.has(d.line)),
  )
}

export { assemble } from './assemble.ts'
