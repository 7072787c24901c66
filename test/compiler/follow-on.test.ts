// One mistake, one diagnostic: a problem is not reported again through the rules that depend
// on what it broke.
import { describe, expect, it } from 'vitest'
import { compile } from '../../src/compiler/index.ts'
import { contentWith } from '../helpers/fixture.ts'

async function codesFor(files: Record<string, string>) {
  const { dir, cleanup } = await contentWith(files)
  try {
    return (await compile({ contentDir: dir })).diagnostics.map((d) => `${d.code} ${d.file.split('/content/')[1]}:${d.line}`)
  } finally {
    await cleanup()
  }
}

const second = (frontmatter: string) => ({
  'tva/module.md': `---\nid: tva\ntitle: Två\n${frontmatter}\nsummary: Andra.\nreview:\n  status: draft\n---\n`,
  'tva/01-a.md': '---\nid: tva-a\ntitle: A\n---\n\n::::step{#tva-s title="S"}\nText.\n::::\n',
  'mod/01-avsnitt.md': '---\nid: mod-avsnitt\ntitle: Avsnitt\n---\n\n::::step{#mod-steg title="Ett steg"}\nSe [modulen Två](#tva).\n::::\n',
})

describe('follow-on diagnostics', () => {
  it('a module with invalid frontmatter keeps its id: links to it and the module order stay quiet', async () => {
    expect(await codesFor(second('order: 9\nestimatedMinutes: 5'))).toEqual(['PLUS111 tva/module.md:4'])
    expect(await codesFor(second('order: 2\nestimatedMinutes: fem'))).toEqual(['PLUS111 tva/module.md:5'])
  })

  it('a broken option in a scored form does not also shift its bands out of range', async () => {
    const codes = await codesFor({
      'mod/01-avsnitt.md':
        '---\nid: mod-avsnitt\ntitle: Avsnitt\n---\n\n:::::step{#mod-steg title="x"}\n::::form{#mod-form title="f"}\n:::question{#q type="scale"}\nFråga?\n\n- [x] Aldrig\n- [1] Ibland\n- [2] Ofta\n:::\n\n:::scoring\n- [0–1] Låg\n\n  Text.\n\n- [2–2] Hög\n\n  Text.\n:::\n::::\n:::::\n',
    })
    expect(codes).toEqual(['PLUS211 mod/01-avsnitt.md:11'])
  })

  it('suggests a close id for a mistyped link, but not an unrelated short one', async () => {
    const { dir, cleanup } = await contentWith({
      'mod/01-avsnitt.md': '---\nid: mod-avsnitt\ntitle: Avsnitt\n---\n\n::::step{#mod-steg title="x"}\nSe [steget](#mod-stge) och [oro](#oro).\n::::\n',
    })
    try {
      const { diagnostics } = await compile({ contentDir: dir })
      expect(diagnostics.map((d) => d.args.suggestion)).toEqual(['mod-steg', ''])
    } finally {
      await cleanup()
    }
  })
})
