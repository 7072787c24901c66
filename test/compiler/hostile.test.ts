// Hostile content ends in diagnostics, never in a crash, a hang or executed code.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compile } from '../../src/compiler/index.ts'
import { MAX_FILE_BYTES } from '../../src/compiler/load/source-file.ts'
import { contentWith } from '../helpers/fixture.ts'

const SEC = '---\nid: mod-avsnitt\ntitle: Avsnitt\n---\n\n'

async function codesFor(files: Record<string, string | Uint8Array>) {
  const { dir, cleanup } = await contentWith(files)
  try {
    const result = await compile({ contentDir: dir })
    return result.diagnostics.map((d) => d.code)
  } finally {
    await cleanup()
  }
}

describe('hostile content', () => {
  it('never evaluates ---js frontmatter', async () => {
    const marker = `/tmp/plus-pwned-${process.pid}`
    const codes = await codesFor({
      'mod/01-avsnitt.md': `---js\n{ id: (require('fs').writeFileSync('${marker}', 'x'), 'mod-avsnitt') }\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n`,
    })
    expect(codes).toContain('PLUS107')
    expect(existsSync(marker)).toBe(false)
  })

  it.each(['---javascript', '--- js', '---coffee', '----'])('refuses the opening line %s', async (opening) => {
    const codes = await codesFor({ 'mod/01-avsnitt.md': `${opening}\nid: x\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n` })
    expect(codes).toContain('PLUS107')
  })

  it('refuses a YAML billion-laughs alias bomb without expanding it', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`)
    const codes = await codesFor({ 'mod/01-avsnitt.md': `---\n${bomb.join('\n')}\nid: mod-avsnitt\ntitle: x\n---\n\n::::step{#mod-steg title="x"}\nText.\n::::\n` })
    expect(codes).toContain('PLUS109')
  })

  it('ends extremely deep nesting in PLUS209', async () => {
    const deep = '> '.repeat(5000) + 'djupt\n'
    const codes = await codesFor({ 'mod/01-avsnitt.md': `${SEC}::::step{#mod-steg title="x"}\n${deep}::::\n` })
    expect(codes).toContain('PLUS209')
  })

  it('ends deeply nested lists in PLUS209', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}- nivå ${i}`).join('\n')
    const codes = await codesFor({ 'mod/01-avsnitt.md': `${SEC}::::step{#mod-steg title="x"}\n${lines}\n::::\n` })
    expect(codes).toContain('PLUS209')
  })

  it('refuses a file over the size limit with PLUS102', async () => {
    const big = SEC + '::::step{#mod-steg title="x"}\n' + 'Långt stycke text. '.repeat(Math.ceil(MAX_FILE_BYTES / 19) + 10) + '\n::::\n'
    const codes = await codesFor({ 'mod/01-avsnitt.md': big })
    expect(codes).toEqual(expect.arrayContaining(['PLUS102']))
  })

  it.each(['*a_', '[*_:a[`', '[_', 'x'])('refuses a paragraph of pathological inline input (%s) with PLUS220', async (unit) => {
    // micromark's emphasis and link resolution is quadratic in the delimiters of a paragraph:
    // 30 kB of `*a_` takes ~10 s, the 1 MB allowed per file would take hours.
    const noise = unit.repeat(Math.floor(300_000 / unit.length))
    const codes = await codesFor({ 'mod/01-avsnitt.md': `${SEC}::::step{#mod-steg title="x"}\n${noise}\n::::\n` })
    expect(codes).toEqual(['PLUS220'])
  })

  it('still reads many ordinary paragraphs with emphasis and links', async () => {
    const paragraph = 'Det här är **viktigt** och _lugnt_, se [1177](https://www.1177.se) och `kod`.\n\n'
    const codes = await codesFor({ 'mod/01-avsnitt.md': `${SEC}::::step{#mod-steg title="x"}\n${paragraph.repeat(2000)}::::\n` })
    // Only the module's time estimate (10 minutes) no longer fits two hours of reading.
    expect(codes).toEqual(['PLUS320'])
  })

  it('rejects raw HTML and javascript: URLs in every disguise', async () => {
    const codes = await codesFor({
      'mod/01-avsnitt.md': `${SEC}::::step{#mod-steg title="x"}\n[a](JaVaScRiPt:alert(1)) [b](  javascript:x) [c][ref] <img src=x onerror=alert(1)>\n\n[ref]: vbscript:msgbox\n::::\n`,
    })
    expect(codes.filter((c) => c === 'PLUS205').length).toBe(3)
    expect(codes).toContain('PLUS204')
  })
})
