// One test group per compiler phase, each called on its own: load → parse → resolve →
// validate → emit.
import { describe, expect, it } from 'vitest'
import { splitFrontmatter, spanOfPath } from '../../src/compiler/load/frontmatter.ts'
import { normaliseText, type SourceFile } from '../../src/compiler/load/source-file.ts'
import { lineIndex, pointAt } from '../../src/compiler/load/positions.ts'
import { parseMarkdown } from '../../src/compiler/parse/markdown.ts'
import { guardBlocks } from '../../src/compiler/parse/guard.ts'
import { assemble, resolveFile } from '../../src/compiler/resolve/index.ts'
import { slugify } from '../../src/compiler/resolve/slug.ts'
import { plainText } from '../../src/compiler/resolve/plain-text.ts'
import { validate } from '../../src/compiler/validate/index.ts'
import { emit } from '../../src/compiler/emit/bundle.ts'
import { mediaRecord, type MediaFileState } from '../../src/compiler/load/media.ts'

const file = (text: string, kind: SourceFile['kind'] = 'section', rel = 'mod/01-a.md'): SourceFile => ({
  kind,
  rel,
  path: `content/${rel}`,
  moduleDir: kind === 'programme' ? null : 'mod',
  text: normaliseText(text),
})

const programme = file('---\nid: p\ntitle: P\nversion: 1.0.0\ndurationDays: 90\nflags: []\n---\n\nVälkommen.\n', 'programme', 'programme.md')
const module = file('---\nid: mod\ntitle: Modul\norder: 1\nsummary: S.\nestimatedMinutes: 5\nreview:\n  status: draft\n---\n', 'module', 'mod/module.md')
const section = (body: string) => file(`---\nid: mod-a\ntitle: A\n---\n\n${body}`)

describe('load', () => {
  it('normalises BOM, CRLF, lone CR and NFD', () => {
    expect(normaliseText('\uFEFFa\r\nb\rc\u0061\u030A')).toBe('a\nb\ncå')
  })

  it('maps offsets to 1-based lines and columns', () => {
    const index = lineIndex('f', 'ab\ncd\n')
    expect(pointAt(index, 0)).toEqual({ line: 1, column: 1 })
    expect(pointAt(index, 4)).toEqual({ line: 2, column: 2 })
  })

  it('splits frontmatter, keeps body offsets and points data paths at their lines', () => {
    const { split, diagnostics } = splitFrontmatter(file('---\nid: x\ntitle: "T"\nreview:\n  status: draft\n---\nBody\n'))
    expect(diagnostics).toEqual([])
    expect(split.data).toEqual({ id: 'x', title: 'T', review: { status: 'draft' } })
    expect(split.body.slice(split.bodyOffset)).toBe('Body\n')
    expect(split.body.length).toBe(split.file.text.length)
    expect(spanOfPath(split, ['review', 'status'])).toMatchObject({ line: 5, column: 11 })
    expect(spanOfPath(split, ['title'], true)).toMatchObject({ line: 3, column: 1 })
  })

  it('keeps dates as strings', () => {
    expect(splitFrontmatter(file('---\ndate: 2026-03-15\n---\n')).split.data).toEqual({ date: '2026-03-15' })
  })
})

describe('parse', () => {
  it('parses directives with positions in the original file', () => {
    const { split } = splitFrontmatter(section('::::step{#mod-s title="S"}\nText.\n::::\n'))
    const { tree } = parseMarkdown(split)
    const step = tree!.children[0]!
    expect(step).toMatchObject({ type: 'containerDirective', name: 'step', position: { start: { line: 6, column: 1 } } })
  })

  it('guards paragraphs that would make parsing quadratic', () => {
    const { split } = splitFrontmatter(section(`Bra text.\n\n${'*a_'.repeat(300)}\n`))
    expect(guardBlocks(split)).toMatchObject({ code: 'PLUS220', line: 8 })
  })
})

describe('resolve', () => {
  it('turns a section file into its steps and blocks, collecting ids, links and media', () => {
    const resolved = resolveFile(
      section('::::step{#mod-s title="S"}\nSe [steget om andning](#mod-t).\n\n:::tips[Tips]\nAndas.\n:::\n\n::image{src="media/b.svg" alt="En bild"}\n::::\n'),
    )
    expect(resolved.diagnostics).toEqual([])
    expect(resolved.kind === 'section' && resolved.node?.steps[0]).toMatchObject({ id: 'mod-s', kind: 'media', blocks: [{ type: 'text' }, { type: 'callout', title: 'Tips' }, { type: 'image', alt: 'En bild' }] })
    expect(resolved.collected.ids.map((d) => `${d.kind}:${d.id}`)).toEqual(['step:mod-s', 'section:mod-a'])
    expect(resolved.collected.links.map((l) => l.id)).toEqual(['mod-t'])
    expect(resolved.collected.media.map((m) => `${m.role}:${m.moduleDir}/${m.path}`)).toEqual(['image:mod/media/b.svg'])
  })

  it('makes readable ASCII ids from Swedish titles', () => {
    expect(slugify('Ångest och oro – vad är det?')).toBe('angest-och-oro-vad-ar-det')
    expect(slugify('Café Münster')).toBe('cafe-munster')
  })

  it('gives plain text with block breaks', () => {
    const { split } = splitFrontmatter(section('## Rubrik\n\nEtt *stycke*\nmed två rader.\n\n- ett\n- två\n'))
    const { tree } = parseMarkdown(split)
    expect(plainText(tree!.children)).toBe('Rubrik\n\nEtt stycke med två rader.\n\nett\ntvå')
  })
})

describe('validate', () => {
  it('runs the cross-file rules over assembled files, reading and never changing them', () => {
    const files = [programme, module, section('::::step{#mod title="S"}\nSe [x](#nowhere).\n::::\n')].map(resolveFile)
    const tree = assemble(files)
    const before = JSON.stringify(tree)
    const codes = validate({ tree, media: new Map(), release: true }).map((d) => d.code).sort()
    expect(codes).toEqual(['PLUS301', 'PLUS308', 'PLUS312'])
    expect(JSON.stringify(tree)).toBe(before)
  })
})

describe('emit', () => {
  it('writes the bundle in a fixed key order with media copied under the module id', () => {
    const files = [programme, module, section('::::step{#mod-s title="S"}\n::image{src="media/b.svg" alt="Bild"}\n::::\n')].map(resolveFile)
    const tree = assemble(files)
    const media = new Map<string, MediaFileState>([['mod/media/b.svg', mediaRecord('b.svg', new TextEncoder().encode('<svg/>'))]])
    const { bundle, files: out, manifest } = emit(tree, media)
    expect(Object.keys(bundle.programme)).toEqual(['type', 'id', 'title', 'version', 'durationDays', 'welcome', 'flags', 'modules'])
    expect([...out.keys()].sort()).toEqual(['bundle.schema.json', 'manifest.json', 'manifest.schema.json', 'media/mod/b.svg', 'plus.json'])
    expect(manifest.files.map((f) => f.path)).toEqual(['bundle.schema.json', 'manifest.schema.json', 'media/mod/b.svg', 'plus.json'])
    expect(() => emit({ ...tree, programme: null }, media)).toThrow(/validate first/)
  })
})
