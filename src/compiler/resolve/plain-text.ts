// Plain text of Markdown nodes, as a patient would read it aloud: blocks on their own lines
// (paragraphs separated by a blank line, list items by a line break), inline text joined.
// Written for speed on the mdast the compiler already has; no HTML round trip.
import type { Nodes } from 'mdast'

const BLOCK = new Set(['paragraph', 'heading', 'blockquote', 'list', 'listItem', 'code', 'thematicBreak', 'table', 'tableRow', 'root'])

export function plainText(nodes: Nodes[]): string {
  const out: string[] = []
  for (const node of nodes) {
    const text = one(node)
    if (text !== '') out.push(text)
  }
  return out.join('\n\n').replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n').replace(/\n{3,}/g, '\n\n').trim()
}

function one(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value.replace(/\s*\n\s*/g, ' ')
    case 'code':
      return node.value
    case 'break':
      return '\n'
    case 'thematicBreak':
    case 'definition':
    case 'html':
    case 'image':
    case 'imageReference':
      return ''
    case 'list':
      return node.children.map(one).filter(Boolean).join('\n')
    case 'listItem':
      return node.children.map(one).filter(Boolean).join('\n')
    default:
      if ('children' in node) {
        const children = node.children as Nodes[]
        const separator = children.some((c) => BLOCK.has(c.type)) ? '\n\n' : ''
        return children.map(one).filter((s) => s !== '').join(separator)
      }
      return ''
  }
}
