// `:::scoring`: interpretation bands, a list of `[min–max] Label` items each followed by a text.
import type { ContainerDirective } from 'mdast-util-directive'
import type { Band } from '../../types/bundle.generated.ts'
import { checkAttributes } from './attributes.ts'
import { report, spanOf, type ResolveContext } from './context.ts'
import { isBlank, toPlainText, toRichText } from './text.ts'

const BAND = /^\[\s*(-?\d+)\s*[-–—]\s*(-?\d+)\s*\]\s*(\S.*)$/

export function resolveBands(ctx: ResolveContext, node: ContainerDirective): Band[] {
  checkAttributes(ctx, node)
  const bands: Band[] = []
  for (const child of node.children) {
    if (child.type !== 'list') {
      report(ctx, 'PLUS214', spanOf(ctx, child), { text: toPlainText(ctx, [child]).slice(0, 50) })
      continue
    }
    for (const item of child.children) {
      const [head, ...rest] = item.children
      const headText = head ? toPlainText(ctx, [head]) : ''
      const match = BAND.exec(headText)
      if (!match || rest.length === 0 || isBlank(rest) || Number(match[1]) > Number(match[2])) {
        report(ctx, 'PLUS214', spanOf(ctx, item), { text: headText.length > 50 ? headText.slice(0, 47) + '…' : headText })
        continue
      }
      const rich = toRichText(ctx, rest)
      bands.push({ min: Number(match[1]), max: Number(match[2]), label: match[3]!.trim(), html: rich.html, text: rich.text })
    }
  }
  if (bands.length === 0 && !node.children.some((c) => c.type !== 'list')) {
    report(ctx, 'PLUS210', spanOf(ctx, node), { name: 'scoring' })
  }
  return bands
}
