// Turns authored Markdown into the bundle's rich text: sanitised HTML and plain text.
//
// On the way it enforces the content rules of inline Markdown: no raw HTML, no Markdown images,
// only safe link targets; and it gives text directives back as the text they were written as,
// because in Swedish prose "S:t Eriks", "1:a" and "kl. 10:30" are not directives.
import type { Nodes, Root, RootContent } from 'mdast'
import type { Root as HastRoot } from 'hast'
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize'
import { toHtml } from 'hast-util-to-html'
import { toHast } from 'mdast-util-to-hast'
import { toString } from 'mdast-util-to-string'
import type { RichText } from '../../types/bundle.generated.ts'
import { headSpan, report, sourceOf, spanOf, type ResolveContext } from './context.ts'
import { plainText } from './plain-text.ts'
import { KNOWN_DIRECTIVES, reportUnknown } from './directives.ts'

const schema: Schema = {
  ...defaultSchema,
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto', 'tel'] },
  attributes: {
    ...defaultSchema.attributes,
    a: [...(defaultSchema.attributes?.a ?? []), 'dataPlusRef'],
  },
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const SAFE_SCHEME = /^(https?|mailto|tel):/i
const STRAY_FENCE = /^\s*:{3,}\s*$/

/** Link texts that say nothing about where a link leads (WCAG 2.4.4). */
const VAGUE_LINK_TEXT = new Set([
  'klicka här', 'klicka', 'här', 'läs mer', 'länk', 'denna länk', 'den här länken', 'mer', 'mer info',
  'click here', 'here', 'read more', 'link', 'more',
])

/**
 * Checks a link target. Returns the internal id for `#id` links, `true` for an allowed
 * external link, and `false` (after reporting) for anything else.
 */
function checkUrl(ctx: ResolveContext, node: Nodes, url: string): string | boolean {
  // Browsers ignore control characters and whitespace inside a scheme: `java\tscript:`.
  const cleaned = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
  if (cleaned.startsWith('#') && ID.test(cleaned.slice(1))) {
    ctx.collected.links.push({ id: cleaned.slice(1), span: spanOf(ctx, node) })
    return cleaned.slice(1)
  }
  if (SAFE_SCHEME.test(cleaned) && !/^(https?):\/\/$/i.test(cleaned)) return true
  report(ctx, 'PLUS205', spanOf(ctx, node), { url: url.length > 60 ? url.slice(0, 57) + '…' : url })
  return false
}

/** A copy of a node with the content rules applied; null when the node is dropped. */
function transform(ctx: ResolveContext, node: Nodes): Nodes | null {
  switch (node.type) {
    case 'textDirective':
      return { type: 'text', value: sourceOf(ctx, node), position: node.position }
    case 'leafDirective':
    case 'containerDirective':
      if (KNOWN_DIRECTIVES.includes(node.name)) report(ctx, 'PLUS203', headSpan(ctx, node), { name: node.name, parent: '', expected: 'step' })
      else reportUnknown(ctx, node, [])
      return null
    case 'html': {
      // `<b>x</b>` is two html nodes; one diagnostic per line is enough.
      const span = spanOf(ctx, node)
      const last = ctx.diagnostics.at(-1)
      if (!(last?.code === 'PLUS204' && last.line === span.line && last.file === span.file)) report(ctx, 'PLUS204', span)
      return null
    }
    case 'image':
    case 'imageReference':
      report(ctx, 'PLUS206', spanOf(ctx, node))
      return null
    case 'definition':
      return checkUrl(ctx, node, node.url) === false ? null : node
    case 'link': {
      const label = toString(node).toLowerCase().replace(/[.!:…\s]+$/u, '').replace(/\s+/g, ' ').trim()
      if (VAGUE_LINK_TEXT.has(label)) report(ctx, 'PLUS222', spanOf(ctx, node), { text: toString(node).trim() })
      const target = checkUrl(ctx, node, node.url)
      const children = transformChildren(ctx, node.children) as typeof node.children
      if (target === false) return { type: 'emphasis', children, position: node.position }
      const data = typeof target === 'string' ? { hProperties: { dataPlusRef: target } } : undefined
      return { ...node, children, data }
    }
    case 'heading':
      if (node.depth === 1) report(ctx, 'PLUS217', spanOf(ctx, node))
      return { ...node, children: transformChildren(ctx, node.children) as typeof node.children }
    case 'text': {
      const lines = node.value.split('\n')
      lines.forEach((line, i) => {
        if (!STRAY_FENCE.test(line)) return
        const start = node.position?.start
        const span = spanOf(ctx, node)
        const lineNo = (start?.line ?? span.line) + i
        report(ctx, 'PLUS208', { file: span.file, line: lineNo, column: 1, endLine: lineNo, endColumn: line.length + 1 }, { fence: line.trim() })
      })
      return node
    }
    default:
      if ('children' in node) {
        return { ...node, children: transformChildren(ctx, node.children as Nodes[]) } as Nodes
      }
      return node
  }
}

function transformChildren(ctx: ResolveContext, children: Nodes[]): Nodes[] {
  const out: Nodes[] = []
  for (const child of children) {
    const next = transform(ctx, child)
    if (next) out.push(next)
  }
  return out
}

/** Converts Markdown nodes to rich text. */
export function toRichText(ctx: ResolveContext, nodes: RootContent[]): RichText {
  const root: Root = { type: 'root', children: transformChildren(ctx, nodes) as RootContent[] }
  const hast = sanitize(toHast(root) as HastRoot, schema) as HastRoot
  return { html: toHtml(hast), text: plainText(root.children as Nodes[]) }
}

/**
 * Plain text of inline content (a question prompt, an option label): toRichText's text, with the
 * same content rules (and so the same diagnostics), without making the HTML nobody reads.
 */
export function toPlainText(ctx: ResolveContext, nodes: RootContent[]): string {
  return plainText(transformChildren(ctx, nodes)).replace(/\s+/g, ' ').trim()
}

/** True when nodes hold nothing but whitespace. */
export function isBlank(nodes: RootContent[]): boolean {
  return nodes.every((n) => n.type === 'paragraph' && n.children.every((c) => c.type === 'text' && c.value.trim() === ''))
}
