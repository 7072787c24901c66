// The preview's pure helpers: link rewriting, heading levels, where ids are shown, module
// figures and the flag timeline. Fast; no browser.
import { describe, expect, it } from 'vitest'
import { indexProgramme, urlForId } from '../../site/lib/programme-index.ts'
import { moduleStats } from '../../site/lib/module-stats.ts'
import { rewriteRefs } from '../../site/lib/rewrite-links.ts'
import { shiftHeadings } from '../../site/lib/shift-headings.ts'
// The timeline page uses the engine's own timeline (the browser entry its script imports).
import { programmeTimeline } from '../../src/engine/browser.ts'
import { formDefinition, scriptJson } from '../../site/lib/form-definition.ts'
import { FLAGS, testBundle } from '../engine/bundle.ts'
import type { FilmBlock, Module } from '../../src/types/bundle.generated.ts'

describe('rewriteRefs', () => {
  it('points internal links at the page that shows the id and leaves other links alone', () => {
    const html = '<p>Se <a href="#oro-orostid" data-plus-ref="oro-orostid">orostid</a> och <a href="https://1177.se">1177</a>.</p>'
    expect(rewriteRefs(html, (id) => `/moduler/oro/${id}/`)).toBe(
      '<p>Se <a href="/moduler/oro/oro-orostid/" data-plus-ref="oro-orostid">orostid</a> och <a href="https://1177.se">1177</a>.</p>',
    )
  })

  it('keeps the link when the id is unknown, for the link checker to report', () => {
    const html = '<a href="#x" data-plus-ref="x">x</a>'
    expect(rewriteRefs(html, () => null)).toBe(html)
  })

  it('escapes the URL for the attribute', () => {
    expect(rewriteRefs('<a href="#a" data-plus-ref="a">a</a>', () => '/a?b=1&c="2"')).toBe('<a href="/a?b=1&amp;c=&quot;2&quot;" data-plus-ref="a">a</a>')
  })
})

describe('shiftHeadings', () => {
  it('moves opening and closing heading tags down and stops at h6', () => {
    expect(shiftHeadings('<h2 id="a">A</h2><h3>B</h3><h5>C</h5>', 2)).toBe('<h4 id="a">A</h4><h5>B</h5><h6>C</h6>')
  })

  it('leaves other tags that start with h untouched', () => {
    expect(shiftHeadings('<header><hr><h2>A</h2></header>', 1)).toBe('<header><hr><h3>A</h3></header>')
  })
})

describe('urlForId', () => {
  const bundle = testBundle()
  const index = indexProgramme(bundle.programme)

  it('sends modules, sections, steps and forms to where they are shown', () => {
    expect(urlForId(index, 'oro')).toBe('/moduler/oro/')
    expect(urlForId(index, 'oro-hantera')).toBe('/moduler/oro/#oro-hantera')
    expect(urlForId(index, 'oro-orostid')).toBe('/moduler/oro/oro-orostid/')
    expect(urlForId(index, 'oro-skattning')).toBe('/moduler/oro/oro-kartlaggning/#oro-skattning')
    expect(urlForId(index, 'finns-inte')).toBeNull()
  })

  it('keeps links within the module on the page in a print view', () => {
    const oro = index.modules[0] as Module
    expect(urlForId(index, 'oro-orostid', oro)).toBe('#oro-orostid')
    expect(urlForId(index, 'oro', oro)).toBe('#top')
    expect(urlForId(index, 'angest', oro)).toBe('/utskrift/angest/')
    expect(urlForId(index, 'angest-lista', oro)).toBe('/moduler/angest/angest-lista/')
  })

  it('orders modules and links each step to its neighbours across sections', () => {
    const places = index.steps.get('oro') ?? []
    expect(places.map((p) => [p.number, p.previous?.id ?? null, p.next?.id ?? null])).toEqual([
      [1, null, 'oro-kartlaggning'],
      [2, 'oro-vad-ar-oro', 'oro-orostid'],
      [3, 'oro-kartlaggning', null],
    ])
    expect(index.modules.map((m) => m.id)).toEqual(['oro', 'angest'])
  })
})

describe('moduleStats', () => {
  it('counts sections, steps, films (pending ones too) and forms by kind', () => {
    const bundle = testBundle()
    const oro = bundle.programme.modules[0] as Module
    const film: FilmBlock = {
      type: 'film',
      id: 'oro-film',
      title: 'Film',
      video: null,
      captions: { file: { path: 'media/oro/f.vtt', mediaType: 'text/vtt', bytes: 1, sha256: '' }, lang: 'sv', label: 'Svenska', cues: 1 },
      poster: { path: 'media/oro/f.svg', mediaType: 'image/svg+xml', bytes: 1, sha256: '' },
      durationSeconds: 60,
      transcript: { html: '<p>Text</p>', text: 'Text' },
    }
    oro.sections[0]?.steps[0]?.blocks.push(film)
    expect(moduleStats(oro)).toMatchObject({ sections: 2, steps: 3, films: 1, pendingFilms: 1, forms: 2, assessments: 1 })
  })
})

describe('programmeTimeline', () => {
  const programme = { durationDays: 90, flags: FLAGS }

  it('lists each flag on the day the engine sends it, for a programme nobody touches', () => {
    const events = programmeTimeline(programme, '2025-03-20', [{ moduleId: 'oro', closesOn: '2025-06-18' }])
    expect(events.map((e) => [e.day, e.type === 'flag' ? e.flag.id : e.type])).toEqual([
      [0, 'moment-startat'],
      [8, 'paminnelse-startat-moment'], // after seven whole days without activity
      [87, 'modul-avslutas'],
      [89, 'plus-snart-slut'],
      [90, 'module-closes'],
      [90, 'programme-ends'],
    ])
    // Calendar days across the change to summer time (30 March 2025).
    expect(events.find((e) => e.type === 'programme-ends')?.date).toBe('2025-06-18')
  })

  it('warns at once about a module that closes within the warning period', () => {
    const events = programmeTimeline(programme, '2025-03-20', [{ moduleId: 'oro', closesOn: '2025-03-22' }])
    expect(events.find((e) => e.type === 'flag' && e.flag.id === 'modul-avslutas')).toMatchObject({ day: 0, date: '2025-03-20', moduleId: 'oro' })
  })
})

describe('formDefinition', () => {
  it('drops the texts the page already shows and stays safe inside a script element', () => {
    const form = testBundle().programme.modules[0]?.sections[0]?.steps[1]?.blocks[0]
    if (form?.type !== 'form') throw new Error('expected the Oro assessment')
    const definition = formDefinition({ ...form, intro: { html: '<p>x</p>', text: 'x' } })
    expect(definition.intro).toBeNull()
    expect(definition.scoring?.bands.every((b) => b.html === '' && b.text === '')).toBe(true)
    expect(definition.scoring?.bands.map((b) => b.label)).toEqual(form.scoring?.bands.map((b) => b.label))
    expect(scriptJson({ a: '</script>' })).toBe('{"a":"\\u003c/script>"}')
  })
})
