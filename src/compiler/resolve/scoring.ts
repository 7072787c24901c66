// `:::scoring`: interpretation bands, a list of `[min–max] Label {level="…"}` items each followed
// by a text.
import type { ContainerDirective } from 'mdast-util-directive'
import type { Band, BandLevel } from '../../types/bundle.generated.ts'
import { checkAttributes } from './attributes.ts'
import { report, spanOf, type ResolveContext } from './context.ts'
import { isBlank, toPlainText, toRichText } from './text.ts'
import { emergencyNumber } from '../../scoring/index.ts'

const BAND = /^\[\s*(-?\d+)\s*[-–—]\s*(-?\d+)\s*\]\s*(\S.*)$/
/** The optional level after the label: `{level="urgent"}` (quotes optional). */
const LEVEL = /\s*\{\s*level\s*=\s*(?:"([^"]*)"|([^\s"}]*))\s*\}\s*$/
const LEVELS: readonly BandLevel[] = ['info', 'attention', 'urgent']

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
      const level = LEVEL.exec(match[3]!)
      const levelValue = level ? (level[1] ?? level[2] ?? '') : 'info'
      if (!LEVELS.includes(levelValue as BandLevel)) {
        report(ctx, 'PLUS214', spanOf(ctx, item), { text: headText.length > 50 ? headText.slice(0, 47) + '…' : headText })
        continue
      }
      const label = (level ? match[3]!.slice(0, level.index) : match[3]!).trim()
      const rich = toRichText(ctx, rest)
      const emergency = emergencyNumber(rich.text)
      if (emergency && levelValue !== 'urgent') {
        report(ctx, 'PLUS327', spanOf(ctx, item), { label, number: emergency, level: level ? levelValue : '' })
      }
      bands.push({ min: Number(match[1]), max: Number(match[2]), label, level: levelValue as BandLevel, html: rich.html, text: rich.text })
    }
  }
  if (bands.length === 0 && !node.children.some((c) => c.type !== 'list')) {
    report(ctx, 'PLUS210', spanOf(ctx, node), { name: 'scoring' })
  }
  return bands
}
