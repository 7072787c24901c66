// The PLUS programme itself, checked on the compiled bundle (what patients get), not on the
// Markdown: seven modules with their structural minimums, safety information, readable text,
// honest review status and the four flags of the clinician guide.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { compile } from '../../src/compiler/index.ts'
import { lix } from '../../src/quality/lix.ts'
import type { Block, FilmBlock, FormBlock, Module, PlusBundle, Step } from '../../src/types/index.ts'

const contentDir = fileURLToPath(new URL('../../content/', import.meta.url))
let bundle: PlusBundle
let diagnostics: string[]

beforeAll(async () => {
  const result = await compile({ contentDir: path.resolve(contentDir) })
  diagnostics = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)
  bundle = result.output!.bundle
})

const steps = (m: Module): Step[] => m.sections.flatMap((s) => s.steps)
const blocks = (m: Module): Block[] => steps(m).flatMap((s) => s.blocks)
const forms = (m: Module) => blocks(m).filter((b): b is FormBlock => b.type === 'form')
const films = (m: Module) => blocks(m).filter((b): b is FilmBlock => b.type === 'film')
const textOf = (m: Module) => JSON.stringify(m)

describe('the PLUS programme', () => {
  it('compiles without errors or warnings', () => {
    expect(diagnostics).toEqual([])
  })

  it('has the seven modules in order with their Swedish titles', () => {
    expect(bundle.programme.modules.map((m) => [m.order, m.title])).toEqual([
      [1, 'Stress'], [2, 'Ångest'], [3, 'Oro'], [4, 'Nedstämdhet'], [5, 'Kris'], [6, 'Sorg'], [7, 'Alkohol'],
    ])
  })

  it('runs 90 days with the four flags of the clinician guide', () => {
    const p = bundle.programme
    expect(p.durationDays).toBe(90)
    expect(p.flags.map((f) => [f.trigger, f.days, f.recipient])).toEqual([
      ['programme-started', 0, 'patient'],
      ['inactivity', 7, 'patient'],
      ['module-closing', 3, 'patient'],
      ['programme-ending', 1, 'clinician'],
    ])
    // Flag texts go out by SMS or e-mail: short, and nothing about a condition.
    for (const flag of p.flags) {
      expect(flag.text.length).toBeLessThanOrEqual(160)
      expect(flag.text).not.toMatch(/stress|ångest|oro|nedstämd|kris|sorg|alkohol/i)
    }
    expect(p.welcome.text.length).toBeGreaterThan(200)
  })

  describe.each([1, 2, 3, 4, 5, 6, 7])('module %i', (order) => {
    const module = () => bundle.programme.modules.find((m) => m.order === order)!

    it('has at least 3 sections and 12 steps, none empty', () => {
      expect(module().sections.length).toBeGreaterThanOrEqual(3)
      expect(steps(module()).length).toBeGreaterThanOrEqual(12)
      for (const step of steps(module())) expect(step.blocks.length, step.id).toBeGreaterThan(0)
    })

    it('mixes text, a film with captions and transcript, a scored assessment and an exercise', () => {
      const kinds = new Set(steps(module()).map((s) => s.kind))
      expect(kinds).toContain('text')
      expect(films(module()).length).toBeGreaterThanOrEqual(1)
      for (const film of films(module())) {
        expect(film.captions.file.mediaType).toBe('text/vtt')
        expect(film.captions.cues).toBeGreaterThan(10)
        expect(film.transcript.text.split(/\s+/).length).toBeGreaterThan(150)
        expect(film.poster.mediaType).toMatch(/^image\//)
      }
      const assessments = forms(module()).filter((f) => f.kind === 'assessment')
      expect(assessments.length).toBeGreaterThanOrEqual(1)
      expect(forms(module()).some((f) => f.kind === 'exercise')).toBe(true)
    })

    it('says in every band what it means and when to contact the care unit', () => {
      for (const form of forms(module()).filter((f) => f.scoring)) {
        const bands = form.scoring!.bands
        expect(bands.length).toBeGreaterThanOrEqual(2)
        for (const band of bands) expect(band.text.length, `${form.id} ${band.label}`).toBeGreaterThan(80)
        expect(bands.at(-1)!.text).toMatch(/vårdcentral/i)
      }
    })

    it('ends with a closing step that sums up and says what to do next', () => {
      const last = steps(module()).at(-1)!
      expect(last.kind).toBe('text')
      expect(last.title).toMatch(/sammanfattning/i)
      expect(JSON.stringify(last.blocks)).toMatch(/vårdcentral/i)
    })

    it('is written in klarspråk: LIX at most 40 on every text step', () => {
      for (const step of steps(module()).filter((s) => s.kind === 'text')) {
        const text = step.blocks.map((b) => ('text' in b && typeof b.text === 'string' ? b.text : '')).join('\n')
        expect(lix(text).lix, step.id).toBeLessThanOrEqual(40)
      }
    })

    it('is honestly marked as not yet reviewed', () => {
      expect(module().review).toEqual({ status: 'draft', reviewer: null, date: null })
    })
  })

  describe.each(['nedstamdhet', 'kris', 'sorg', 'alkohol'])('safety in %s', (id) => {
    const module = () => bundle.programme.modules.find((m) => m.id === id)!
    it('says where to turn for urgent help: 112, 1177 and Självmordslinjen 90101', () => {
      const text = textOf(module())
      for (const needle of ['112', '1177', '90101', 'Självmordslinjen']) expect(text).toContain(needle)
    })
    it('points there from the highest band of its self-assessments', () => {
      for (const form of forms(module()).filter((f) => f.scoring)) {
        const top = form.scoring!.bands.at(-1)!.text
        expect(top, form.id).toMatch(/112/)
        expect(top, form.id).toMatch(/90101/)
      }
    })
  })

  it('alerts the clinician on any answer but "never" to a question about thoughts of death or self-harm', () => {
    const questions = bundle.programme.modules.flatMap((m) => forms(m).flatMap((f) => f.questions))
    const risky = questions.filter((q) => /tankar på att dö|ta ditt liv|skada dig själv|självmord/i.test(q.prompt))
    expect(risky.length).toBeGreaterThanOrEqual(2)
    for (const q of risky) {
      const lowest = Math.min(...q.options.map((o) => o.value ?? 0))
      expect(q.alertFrom, q.id).toBe(lowest + 1)
    }
  })

  it('is listed, module by module and section by section, in the authoring guide', () => {
    const guide = readFileSync(path.join(contentDir, 'README.md'), 'utf8')
    const listed = guide.slice(guide.indexOf('## 10. Modulerna'))
    const expected = bundle.programme.modules.flatMap((m) => [
      `${m.order}. **${m.title}** (\`content/${m.sections[0]!.source.file.split('/')[0]}/\`, status \`${m.review.status}\`)`,
      ...m.sections.map((s) => `   - \`${s.source.file.split('/')[1]}\`: ${s.title}`),
    ])
    const actual = listed.split('\n').filter((line) => /^\d\. \*\*|^ {3}- `/.test(line))
    expect(actual).toEqual(expected)
  })

  it('points to urgent help in every step that mentions suicidal thoughts', () => {
    for (const module of bundle.programme.modules) {
      for (const step of steps(module)) {
        const text = JSON.stringify(step.blocks)
        if (/självmord|ta ditt liv|tankar på döden|inte vill leva/i.test(text)) expect(text, step.id).toMatch(/112|90101/)
      }
    }
  })
})
