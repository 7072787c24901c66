// BOM, CRLF and Unicode normalisation do not change what the content means.
import { describe, expect, it } from 'vitest'
import { compile } from '../../src/compiler/index.ts'
import { contentWith } from '../helpers/fixture.ts'

const section = '---\nid: mod-avsnitt\ntitle: Avsnitt om ångest\n---\n\n::::step{#mod-steg title="Öva på ångest"}\nRäksmörgås på S:t Eriks kl. 10:30.\n::::\n'

async function bundleOf(text: string) {
  const { dir, cleanup } = await contentWith({ 'mod/01-avsnitt.md': text })
  try {
    const result = await compile({ contentDir: dir })
    expect(result.diagnostics).toEqual([])
    return JSON.stringify(result.output?.bundle)
  } finally {
    await cleanup()
  }
}

describe('text encoding', () => {
  it('reads BOM + CRLF content exactly like plain LF content', async () => {
    expect(await bundleOf('\uFEFF' + section.replace(/\n/g, '\r\n'))).toBe(await bundleOf(section))
  })

  it('reads NFD (decomposed å, ä, ö) exactly like NFC', async () => {
    expect(await bundleOf(section.normalize('NFD'))).toBe(await bundleOf(section))
  })

  it('reports positions in a CRLF file on the right line, frontmatter included', async () => {
    const broken = section.replace('title="Öva på ångest"', 'title=""').replace(/\n/g, '\r\n')
    const { dir, cleanup } = await contentWith({ 'mod/01-avsnitt.md': broken })
    try {
      const { diagnostics } = await compile({ contentDir: dir })
      expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['PLUS202', 6, 1]])
    } finally {
      await cleanup()
    }
  })
})
