// Nothing broken passes silently, and each message names the real mistake at the offending
// character (UTF-16 code units, as unist counts them). Codes, positions and arguments are
// asserted, never wording.
import { describe, expect, it } from 'vitest'
import type { ErrorCode } from 'yaml'
import { compile, type Diagnostic } from '../../src/compiler/index.ts'
import { yamlReason } from '../../src/compiler/load/yaml-errors.ts'
import { contentWith } from '../helpers/fixture.ts'

const SEC = '---\nid: mod-avsnitt\ntitle: Avsnitt\n---\n\n'
const STEP = (body: string, head = '::::step{#mod-steg title="Ett steg"}') => `${SEC}${head}\n${body}\n::::\n`

async function diagnosticsOf(section: string | Uint8Array, extra: Record<string, string | Uint8Array> = {}): Promise<Diagnostic[]> {
  const { dir, cleanup } = await contentWith({ 'mod/01-avsnitt.md': section, ...extra })
  try {
    return (await compile({ contentDir: dir })).diagnostics
  } finally {
    await cleanup()
  }
}
const brief = (list: Diagnostic[]) => list.map((d) => [d.code, d.line, d.column])

describe('unclosed containers', () => {
  it('reports a step still open at the end of the file at its opening fence', async () => {
    const d = await diagnosticsOf(`${SEC}::::step{#mod-steg title="x"}\nText.\n`)
    expect(brief(d)).toEqual([['PLUS225', 6, 1]])
    expect(d[0]!.args.name).toBe('step')
  })

  it('reports a missing closing fence between two steps at the first step, and checks the second as a step', async () => {
    const d = await diagnosticsOf(`${SEC}:::step{#mod-a title="A"}\nText.\n\n:::step{#mod-b title="B"}\nMer text.\n:::\n`)
    expect(brief(d)).toEqual([['PLUS225', 6, 1]])
    expect(d[0]!.args.next).toBe(9)
  })

  it('reports an unclosed question inside a closed form', async () => {
    const form = '::::form{#mod-f title="F"}\n:::question{#q1 type="text"}\nHur?\n::::'
    const d = await diagnosticsOf(`${SEC}:::::step{#mod-steg title="x"}\n${form}\n:::::\n`)
    expect(brief(d)).toEqual([['PLUS225', 8, 1]])
  })
})

describe('duplicate attributes', () => {
  it.each([
    ['{#mod-a #mod-b title="x"}', 17, 'id'],
    ['{#mod-a title="x" title="y"}', 27, 'title'],
    ['{id="mod-a" #mod-b title="x"}', 21, 'id'],
  ])('%s is an error at the second', async (attrs, column, attribute) => {
    const d = await diagnosticsOf(STEP('Text.', `::::step${attrs}`))
    expect(brief(d)).toEqual([['PLUS226', 6, column]])
    expect(d[0]!.args.attribute).toBe(attribute)
  })
})

describe('invisible and control characters', () => {
  it.each([
    ['\u0000', 'U+0000'],
    ['\u0007', 'U+0007'],
    ['\u007f', 'U+007F'],
    ['\u0085', 'U+0085'],
    ['\u202e', 'U+202E'],
    ['\u2066', 'U+2066'],
  ])('reports %j in the body at its column, naming %s', async (char, name) => {
    const d = await diagnosticsOf(STEP(`Det är ${char}lugnt nu.`))
    expect(brief(d)).toEqual([['PLUS113', 7, 8]])
    expect(d[0]!.args.codepoint).toBe(name)
  })

  it('reports a bidi control in the frontmatter', async () => {
    const d = await diagnosticsOf('---\nid: mod-avsnitt\ntitle: Avsn\u202eitt\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n')
    expect(brief(d)).toEqual([['PLUS113', 3, 12]])
  })

  it('reports a zero-width space in a step id at its column, and only there', async () => {
    const d = await diagnosticsOf(STEP('Text.', '::::step{#mod-st\u200beg title="x"}'))
    expect(brief(d)).toEqual([['PLUS228', 6, 17]])
    expect(d[0]!.args.codepoint).toBe('U+200B')
  })

  it('reports a zero-width joiner in an option id', async () => {
    const form = '::::form{#mod-f title="F"}\n:::question{#q1 type="single"}\nHur?\n\n- Ja {#j\u200da}\n- Nej\n:::\n::::'
    const d = await diagnosticsOf(`${SEC}:::::step{#mod-steg title="x"}\n${form}\n:::::\n`)
    expect(brief(d).filter((x) => x[0] === 'PLUS228')).toEqual([['PLUS228', 11, 9]])
  })

  it('leaves zero-width joiners in running text alone (emoji sequences)', async () => {
    expect(await diagnosticsOf(STEP('Familj: 👩\u200d👧.'))).toEqual([])
  })

  it('counts columns in an NFD file as in the NFC file', async () => {
    const nfc = STEP('Räksmörgås på \u202eS:t Eriks.')
    const [a, b] = [await diagnosticsOf(nfc), await diagnosticsOf(nfc.normalize('NFD'))]
    expect(brief(b)).toEqual(brief(a))
    expect(brief(a)).toEqual([['PLUS113', 7, 15]])
  })
})

describe('deep nesting', () => {
  it('reports nested blockquotes as too deep, not as a long paragraph', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => '> '.repeat(i + 1) + 'x').join('\n')
    const d = await diagnosticsOf(STEP(lines))
    expect(d.map((x) => x.code)).toEqual(['PLUS209'])
    // The step is one level; the 40th `>` makes 41.
    expect(d[0]!.line).toBe(7 + 39)
  })

  it('reports nested lists where the depth is exceeded', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i)}- nivå`).join('\n')
    const d = await diagnosticsOf(STEP(lines))
    expect(d.map((x) => x.code)).toEqual(['PLUS209'])
    expect(d[0]!.line).toBeLessThan(7 + 25)
  })

  it('reports nested containers as too deep', async () => {
    const d = await diagnosticsOf(STEP(':::tips\n'.repeat(300)))
    expect(d.map((x) => x.code)).toEqual(['PLUS209'])
  })
})

describe('messages that name the real mistake', () => {
  it('gives one diagnostic for typographic quotes, at the quote, and reads the rest as meant', async () => {
    for (const [attrs, quote] of [['title=”Din plan”', '”'], ['title=“Din plan”', '“'], ["title=‘Din plan’", '‘']] as const) {
      const d = await diagnosticsOf(STEP('Text.', `::::step{#mod-steg ${attrs}}`))
      expect(brief(d)).toEqual([['PLUS227', 6, 26]])
      expect(d[0]!.args.quote).toBe(quote)
    }
  })

  it.each([
    ['title=”Din plan"', 26],
    ['title="Din plan”', 35],
    ['title=”Din plan', 26],
  ])('reports a typographic quote mixed with a straight one or left open (%s) once, at the quote', async (attrs, column) => {
    const d = await diagnosticsOf(STEP('Text.', `::::step{#mod-steg ${attrs}}`))
    expect(d.map((x) => [x.code, x.line, x.column]).filter((x) => x[0] === 'PLUS227')).toEqual([['PLUS227', 6, column]])
    if (attrs.endsWith('"') || attrs.endsWith('”')) expect(d.map((x) => x.code)).toEqual(['PLUS227'])
  })

  it('keeps typographic apostrophes inside straight quotes', async () => {
    expect(await diagnosticsOf(STEP('Text.', '::::step{#mod-steg title="Det är ’bra’"}'))).toEqual([])
  })

  it.each([
    ['::::steg', 'step', 'section'],
    [':::qestion', 'question', 'form'],
    [':::scorign', 'scoring', 'form'],
    [':::tipps', 'tips', 'step'],
  ])('%s: unknown directive, did you mean %s', async (fence, suggestion, where) => {
    const inForm = (inner: string) => `${SEC}:::::step{#mod-steg title="x"}\n::::form{#mod-f title="F"}\n:::question{#q0 type="text"}\nHur?\n:::\n${inner}\n::::\n:::::\n`
    const text = where === 'section' ? `${SEC}${fence}{#mod-steg title="x"}\nText.\n::::\n` : where === 'form' ? inForm(`${fence}\nText.\n:::`) : STEP(`${fence}\nText.\n:::`)
    const d = await diagnosticsOf(text)
    expect(d.map((x) => [x.code, x.args.fence, x.args.suggestion])).toEqual([['PLUS201', fence.replace(/[a-z]+$/, ''), suggestion]])
    expect(d[0]!.args.name).toBe(fence.replace(/^:+/, ''))
  })

  it('points at the language after --- (column 4)', async () => {
    const d = await diagnosticsOf('---js\nid: x\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n')
    expect(brief(d)).toEqual([['PLUS107', 1, 4]])
  })

  it('points at the YAML tag itself', async () => {
    const d = await diagnosticsOf('---\nid: mod-avsnitt\ntitle: !!str Avsnitt\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n')
    expect(brief(d)).toEqual([['PLUS110', 3, 8]])
  })

  it('points at the second key of a duplicated id', async () => {
    const d = await diagnosticsOf('---\nid: mod-avsnitt\ntitle: A\nid: mod-igen\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n')
    expect(brief(d)).toEqual([['PLUS108', 4, 1]])
  })

  it('blames the colon, not the indentation, for a colon in a title', async () => {
    const d = await diagnosticsOf('---\nid: mod-avsnitt\ntitle: Del 1: Stress\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n')
    expect(brief(d)).toEqual([['PLUS108', 3, 13]])
    expect(String(d[0]!.args.sv)).toContain('"Del 1: Stress"')
  })

  it('points at the first byte that is not UTF-8, counting columns in UTF-16 code units', async () => {
    const before = new TextEncoder().encode(STEP('Räksmörgås 👍 ok'))
    const at = new TextEncoder().encode(`${SEC}::::step{#mod-steg title="Ett steg"}\nRäksmörgås 👍 `).length
    const bytes = new Uint8Array([...before.slice(0, at), 0xe5, ...before.slice(at)])
    const d = await diagnosticsOf(bytes)
    // "Räksmörgås " is 11 code units and the emoji two more, plus the space: column 15.
    expect(brief(d)).toEqual([['PLUS103', 7, 15]])
  })

  it('has Swedish wording for every error code of the yaml package', () => {
    const all: ErrorCode[] = [
      'ALIAS_PROPS', 'BAD_ALIAS', 'BAD_DIRECTIVE', 'BAD_DQ_ESCAPE', 'BAD_INDENT', 'BAD_PROP_ORDER', 'BAD_SCALAR_START',
      'BLOCK_AS_IMPLICIT_KEY', 'BLOCK_IN_FLOW', 'DUPLICATE_KEY', 'IMPOSSIBLE', 'KEY_OVER_1024_CHARS', 'MISSING_CHAR',
      'MULTILINE_IMPLICIT_KEY', 'MULTIPLE_ANCHORS', 'MULTIPLE_DOCS', 'MULTIPLE_TAGS', 'NON_STRING_KEY',
      'RESOURCE_EXHAUSTION', 'TAB_AS_INDENT', 'TAG_RESOLVE_FAILED', 'UNEXPECTED_TOKEN', 'BAD_COLLECTION_TYPE',
    ]
    for (const code of all) {
      const reason = yamlReason(code, 'English text from the package')
      expect(reason.sv, code).not.toContain('English')
      expect(reason.sv, code).not.toContain(code)
    }
  })
})

describe('the guide module list (PLUS319) in a copy of the content folder', () => {
  const realContent = new URL('../../content/', import.meta.url).pathname

  it('is the same list when the folder has another name, and still catches a real difference', async () => {
    const { cp, mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises')
    const os = await import('node:os')
    const path = await import('node:path')
    const root = await mkdtemp(path.join(os.tmpdir(), 'plus-guide-copy-'))
    const copy = path.join(root, 'granskning')
    try {
      await cp(realContent, copy, { recursive: true })
      const clean = await compile({ contentDir: copy })
      expect(clean.diagnostics.filter((d) => d.code === 'PLUS319')).toEqual([])

      const guide = path.join(copy, 'README.md')
      const text = await readFile(guide, 'utf8')
      const line = text.split('\n').findIndex((l) => /^ {3}- `/.test(l))
      expect(line).toBeGreaterThan(0)
      await writeFile(guide, text.split('\n').map((l, i) => (i === line ? `${l} (ändrad)` : l)).join('\n'))
      const changed = await compile({ contentDir: copy })
      expect(changed.diagnostics.filter((d) => d.code === 'PLUS319').map((d) => d.line)).toEqual([line + 1])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
