// The quality report, from a compiled bundle.
import { describe, expect, it } from 'vitest'
import { compile } from '../../src/compiler/index.ts'
import { formatReport } from '../../src/quality/format-report.ts'
import { lix } from '../../src/quality/lix.ts'
import { qualityReport } from '../../src/quality/report.ts'
import { contentWith, materialise } from '../helpers/fixture.ts'

describe('lix', () => {
  it('counts words, sentences and long words', () => {
    // 8 words, 2 sentences, 3 long words ("stressad", "tankarna", "snurrar"): 4 + 37.5.
    expect(lix('Jag är stressad. Tankarna snurrar och jag sover.')).toEqual({ words: 8, sentences: 2, longWords: 3, lix: 41.5 })
    expect(lix('')).toEqual({ words: 0, sentences: 0, longWords: 0, lix: 0 })
    expect(lix('En rubrik\nEn punkt i en lista').sentences).toBe(2)
  })
})

describe('quality report', () => {
  it('reports a film step: captions, transcript, pending video and time', async () => {
    const { dir, cleanup } = await materialise('ok-film')
    try {
      const { output } = await compile({ contentDir: dir })
      const report = qualityReport(output!.bundle)
      const step = report.modules[0]!.steps[0]!
      expect(step).toMatchObject({ id: 'mod-steg', kind: 'film', source: 'mod/01-avsnitt.md:6' })
      expect(step.films).toEqual([{ id: 'mod-film', captions: true, transcript: true, video: false, seconds: 12 }])
      expect(formatReport(report, 'sv')).toContain('video saknas ännu')
    } finally {
      await cleanup()
    }
  })

  it('counts forms, images, external links and flags hard text', async () => {
    const long = 'Psykoedukationsprogrammets sammanfattningar tillhandahåller vårdrelaterade informationsunderlag beträffande behandlingsmetodernas tillämpningsområden.'
    const { dir, cleanup } = await contentWith({
      'mod/01-avsnitt.md': `---\nid: mod-avsnitt\ntitle: A\n---\n\n::::step{#mod-a title="A"}\n${long} Se [1177 om stress](https://www.1177.se/stress) och [ring](tel:1177).\n::::\n\n::::step{#mod-b title="B"}\n::image{src="media/poster.svg" alt="En blå yta"}\n::::\n`,
    })
    try {
      const { output } = await compile({ contentDir: dir })
      const [a, b] = qualityReport(output!.bundle).modules[0]!.steps
      expect(a!.lixWarning).toBe(true)
      expect(a!.externalLinks).toEqual(['https://www.1177.se/stress'])
      expect(b!.images).toEqual([{ alt: 'En blå yta' }])
    } finally {
      await cleanup()
    }
  })
})
