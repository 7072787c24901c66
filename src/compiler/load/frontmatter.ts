// Splits a content file into frontmatter and body, and reads the frontmatter as plain YAML.
//
// Frontmatter is data, never code. Frontmatter libraries such as gray-matter run `---js`
// frontmatter through eval, so the split is done here: a first line other than `---` is refused
// (PLUS107) and the text between the delimiters goes to the `yaml` package only (1.2 core
// schema: dates stay strings), refusing anchors, aliases and explicit tags, keeping node ranges
// for positions.
import { isAlias, isNode, isPair, isScalar, parseDocument, visit, type Document } from 'yaml'
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts'
import { lineIndex, spanAt, type LineIndex } from './positions.ts'
import { yamlReason } from './yaml-errors.ts'
import type { SourceFile } from './source-file.ts'

/** A file split into its frontmatter data and its Markdown body. */
export interface SplitFile {
  file: SourceFile
  index: LineIndex
  /** The frontmatter as plain data, or null when it could not be read. */
  data: unknown
  /** The parsed YAML document, for mapping data paths back to positions. */
  doc: Document | null
  /** Offset of the YAML text in the file. */
  yamlOffset: number
  /**
   * The file's text with the frontmatter blanked out (same length, newlines kept), so that
   * Markdown positions and offsets point into the original file.
   */
  body: string
  /** Offset where the body starts (after the closing `---` line). */
  bodyOffset: number
}

export function splitFrontmatter(file: SourceFile): { split: SplitFile; diagnostics: Diagnostic[] } {
  const index = lineIndex(file.path, file.text)
  const diagnostics: Diagnostic[] = []
  const text = file.text
  const none: SplitFile = { file, index, data: null, doc: null, yamlOffset: 0, body: text, bodyOffset: 0 }

  const firstLineEnd = text.indexOf('\n') === -1 ? text.length : text.indexOf('\n')
  const firstLine = text.slice(0, firstLineEnd)
  if (!firstLine.startsWith('---')) {
    diagnostics.push(diagnostic('PLUS106', spanAt(index, 0)))
    return { split: none, diagnostics }
  }
  const close = /^---[ \t]*$/m
  const rest = text.slice(firstLineEnd + 1)
  const match = close.exec(rest)
  if (!match) {
    diagnostics.push(diagnostic('PLUS106', spanAt(index, 0, firstLineEnd)))
    return { split: none, diagnostics }
  }
  const closeEnd = firstLineEnd + 1 + match.index + match[0].length
  const bodyOffset = Math.min(text.length, closeEnd + 1)
  const body = text.slice(0, bodyOffset).replace(/[^\n]/g, ' ') + text.slice(bodyOffset)

  // `---js`, `---javascript`, `--- coffee` …: a language marker is refused, never evaluated.
  const language = firstLine.slice(3).trim()
  if (language !== '' || /^-{4,}/.test(firstLine)) {
    const langStart = 3 + firstLine.slice(3).length - firstLine.slice(3).trimStart().length
    diagnostics.push(diagnostic('PLUS107', spanAt(index, langStart, firstLineEnd), { lang: firstLine.slice(3) }))
    return { split: { ...none, body, bodyOffset }, diagnostics }
  }

  // The YAML is the text between the two delimiter lines, read here rather than by a
  // frontmatter library so that offsets are exact and nothing is cached or evaluated.
  const options = { uniqueKeys: true, prettyErrors: false, version: '1.2', schema: 'core' } as const
  const yamlOffset = firstLineEnd + 1
  const source = rest.slice(0, match.index)
  const doc = parseDocument(source, options)
  const parsed: Document = doc
  let data: unknown = null
  const at = (offset: number, end = offset) => spanAt(index, yamlOffset + offset, yamlOffset + end)

  for (const error of parsed.errors) {
    const reason = yamlReason(error.code, firstSentence(error.message), source, error.pos[0])
    const start = Math.min(reason.at, source.length)
    diagnostics.push(diagnostic('PLUS108', at(start, Math.min(source.length, Math.max(start + 1, error.pos[1]))), { sv: reason.sv, en: reason.en }))
  }
  let unsafe = false
  visit(parsed, {
    Node(_key, node) {
      if (isAlias(node)) {
        unsafe = true
        diagnostics.push(diagnostic('PLUS109', at(node.range?.[0] ?? 0, node.range?.[1] ?? 0)))
        return
      }
      if (isNode(node) && node.anchor) {
        unsafe = true
        diagnostics.push(diagnostic('PLUS109', at(node.range?.[0] ?? 0, node.range?.[1] ?? 0)))
      }
      if (isNode(node) && node.tag) {
        unsafe = true
        // The node's range starts after its tag; point at the tag as written.
        const valueStart = node.range?.[0] ?? 0
        const written = /!\S*\s*$/.exec(source.slice(0, valueStart))
        const tagStart = written ? written.index : valueStart
        const tagEnd = written ? tagStart + written[0].trimEnd().length : valueStart
        diagnostics.push(diagnostic('PLUS110', at(tagStart, tagEnd), { tag: written ? written[0].trim() : node.tag.replace('tag:yaml.org,2002:', '!!') }))
      }
    },
  })
  if (parsed.errors.length === 0 && !unsafe) {
    data = parsed.toJS({ maxAliasCount: 0 }) ?? {}
  }
  return { split: { file, index, data, doc: parsed, yamlOffset, body, bodyOffset }, diagnostics }
}

function firstSentence(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

/** The span of the YAML node at a data path, or of the nearest existing parent. */
export function spanOfPath(split: SplitFile, path: Array<string | number>, atKey = false) {
  const fallback = spanAt(split.index, 0, 3)
  if (!split.doc) return fallback
  let node: unknown = split.doc.contents
  let keyNode: unknown = null
  for (const segment of path) {
    if (!node || typeof node !== 'object' || !('items' in node)) break
    const items = (node as { items: unknown[] }).items
    let next: unknown = undefined
    if (/^\d+$/.test(String(segment)) && !items.some(isPair)) {
      next = items[Number(segment)]
      keyNode = null
    } else {
      const pair = items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment))
      if (isPair(pair)) {
        keyNode = pair.key
        next = pair.value ?? pair.key
      }
    }
    if (next === undefined) break
    node = next
  }
  const target = atKey && keyNode ? keyNode : node
  const range = (target as { range?: [number, number, number] } | null)?.range
  if (!range) return fallback
  return spanAt(split.index, split.yamlOffset + range[0], split.yamlOffset + range[1])
}
