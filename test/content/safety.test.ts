// The clinical safety read of issue 11, checked on the compiled bundle (what patients get):
// help numbers as tap-to-call links where they matter, honest alert questions, no privacy the
// engine does not keep (the clinician can read every answer), alcohol scoring that lets heavy
// drinking count on its own, modules that point to each other, and the house style rules a
// reviewer can check by machine.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { compile } from '../../src/compiler/index.ts'
import { lix } from '../../src/quality/lix.ts'
import { moduleReport } from '../../src/quality/report.ts'
import { scoreForm, type Answers } from '../../src/scoring/index.ts'
import type { Block, FormBlock, Module, PlusBundle, Question, Step } from '../../src/types/index.ts'

const contentDir = fileURLToPath(new URL('../../content/', import.meta.url))
let bundle: PlusBundle

beforeAll(async () => {
  const result = await compile({ contentDir: path.resolve(contentDir) })
  bundle = result.output!.bundle
})

const modules = () => bundle.programme.modules
const steps = (m: Module): Step[] => m.sections.flatMap((s) => s.steps)
const forms = (m: Module) => steps(m).flatMap((s) => s.blocks).filter((b): b is FormBlock => b.type === 'form')

/** Every piece of HTML a patient can see in a block. */
function blockHtml(block: Block): string[] {
  switch (block.type) {
    case 'text':
    case 'callout':
      return [block.html]
    case 'film':
      return [block.transcript.html]
    case 'form':
      return [
        block.intro?.html ?? '',
        ...block.questions.map((q) => q.help?.html ?? ''),
        ...(block.scoring?.bands.map((b) => b.html) ?? []),
      ]
    case 'image':
      return []
  }
}

/** Every piece of plain text a patient can see in a block that cannot hold links. */
function blockPlain(block: Block): string[] {
  if (block.type === 'form') return [block.title, ...block.questions.flatMap((q) => [q.prompt, ...q.options.map((o) => o.label)]), ...(block.scoring?.bands.map((b) => b.label) ?? [])]
  if (block.type === 'film') return [block.title]
  if (block.type === 'image') return [block.alt, block.caption ?? '']
  if (block.type === 'callout') return [block.title ?? '']
  return []
}

const stepHtml = (step: Step) => step.blocks.flatMap(blockHtml).join('\n')
const stepText = (step: Step) => [step.title, ...step.blocks.flatMap(blockPlain), stripTags(stepHtml(step))].join('\n').replace(/\s+/g, ' ')
const stripTags = (html: string) => html.replace(/<[^>]+>/g, '')
const withoutLinks = (html: string) => stripTags(html.replace(/<a\b[^>]*>.*?<\/a>/gs, ''))

const URGENT = ['tel:112', 'tel:90101', 'tel:1177']
const carriesHelpNumbers = (html: string) => URGENT.every((href) => html.includes(`href="${href}"`))

/** Words that mean suicide, suicidal thoughts or self-harm. */
const SUICIDE = /självmord|ta (ditt|sitt) liv|tankar på (att dö|döden)|inte vilja leva|inte vill leva|skada (dig|sig) själv|självskad/i
/** Phone numbers written as text: the national numbers and Swedish 020-/116- lines. */
const PHONE = /(?<![\w./-])(112|1177|90101|114 ?14|020-[\d ]{6,}\d|116 ?006)(?![\w.]|\s*Stöd)/g

describe('help numbers', () => {
  it('every highest band opens with 112, Självmordslinjen 90101 and 1177 as tel: links', () => {
    const assessments = modules().flatMap((m) => forms(m).filter((f) => f.scoring))
    expect(assessments.length).toBeGreaterThanOrEqual(7)
    for (const form of assessments) {
      const top = form.scoring!.bands.at(-1)!
      const firstParagraph = top.html.split('</p>')[0]!
      expect(carriesHelpNumbers(firstParagraph), `${form.id}: ${top.label}`).toBe(true)
    }
  })

  it('every step that mentions suicidal thoughts or self-harm carries the three numbers as tel: links', () => {
    let mentioning = 0
    for (const step of modules().flatMap(steps)) {
      if (!SUICIDE.test(stepText(step))) continue
      mentioning++
      expect(carriesHelpNumbers(stepHtml(step)), step.id).toBe(true)
    }
    expect(mentioning).toBeGreaterThan(10)
  })

  it('every phone number in the content is a tel: link, never bare text', () => {
    for (const step of modules().flatMap(steps)) {
      for (const html of step.blocks.flatMap(blockHtml)) expect(withoutLinks(html).match(PHONE), step.id).toBeNull()
      for (const text of step.blocks.flatMap(blockPlain)) expect(text.match(PHONE), step.id).toBeNull()
    }
  })

  it('every tel: link goes to the number its text shows', () => {
    for (const step of modules().flatMap(steps)) {
      for (const [, href, text] of stepHtml(step).matchAll(/<a href="tel:([^"]+)">([^<]+)<\/a>/g)) {
        expect(text!.replace(/[ -]/g, ''), step.id).toBe(href)
      }
    }
  })

  it('names 1177 in one wording: "för råd om vård"', () => {
    for (const step of modules().flatMap(steps)) {
      const html = stepHtml(step)
      for (const match of html.matchAll(/<a href="tel:1177">1177<\/a>([\s\S]{0,20})/g)) expect(match[1], step.id).toMatch(/^,?\s+för råd om vård/)
    }
  })
})

describe('alert questions', () => {
  const alertQuestions = (): [string, Question][] =>
    modules().flatMap((m) => forms(m).flatMap((f) => f.questions.filter((q) => q.alertFrom !== null).map((q): [string, Question] => [f.id, q])))

  it('exist on the thoughts-of-death questions of Nedstämdhet, Kris and Sorg and on heavy drinking', () => {
    const byForm = new Set(alertQuestions().map(([form]) => form))
    for (const form of ['nedstamdhet-kartlaggning-form', 'kris-kartlaggning-form', 'sorg-kartlaggning-form', 'alkohol-kartlaggning-form']) expect(byForm).toContain(form)
  })

  it('tell the patient that the clinician does not see the answer straight away, and what to do now', () => {
    for (const [form, question] of alertQuestions()) {
      const help = question.help?.html ?? ''
      expect(help, `${form} ${question.id}`).toMatch(/inte direkt/)
      expect(carriesHelpNumbers(help), `${form} ${question.id}`).toBe(true)
    }
  })
})

describe('who reads what', () => {
  const formSteps = () => modules().flatMap(steps).filter((s) => s.blocks.some((b) => b.type === 'form'))

  it('no form step promises that what the patient writes stays private from the clinician', () => {
    const promise = /ingen annan (behöver|kommer att|kan|får) (läsa|se)|bara du (kan )?(läser|ser)|ingen (kommer att|kan) (läsa|se)/i
    for (const step of formSteps()) expect(stepText(step), step.id).not.toMatch(promise)
  })

  it('every form step says that the clinician can read it', () => {
    expect(formSteps().length).toBeGreaterThanOrEqual(15)
    for (const step of formSteps()) expect(stepText(step), step.id).toMatch(/behandlare kan läsa/)
  })
})

describe('Alkohol scoring', () => {
  const form = () => forms(modules().find((m) => m.id === 'alkohol')!).find((f) => f.scoring)!
  /** Every scored question at its lowest option, except the ones given. */
  const answersWith = (picked: Record<string, string>): Answers =>
    Object.fromEntries(form().questions.filter((q) => q.options.length > 0).map((q) => {
      const lowest = [...q.options].sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0]!
      return [q.id, picked[q.id] ?? lowest.id]
    }))
  const bandIndex = (answers: Answers) => form().scoring!.bands.indexOf(scoreForm(form(), answers).band!)
  const heaviest = (q: Question) => [...q.options].sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0]!

  it('lands heavy drinking with no reported harm in the highest band on its own', () => {
    const weekly = form().questions.find((q) => q.id === 'glas-per-vecka')!
    expect(bandIndex(answersWith({ [weekly.id]: heaviest(weekly).id }))).toBe(form().scoring!.bands.length - 1)
  })

  it('never lets any single heavy consumption answer stay in the two mildest bands', () => {
    for (const id of ['glas-per-vecka', 'fyra-eller-fler', 'dricka-pa-morgonen']) {
      const q = form().questions.find((x) => x.id === id)!
      expect(bandIndex(answersWith({ [id]: heaviest(q).id })), id).toBeGreaterThanOrEqual(2)
    }
  })

  it('alerts the clinician on more than 20 glasses a week and on any drink in the morning', () => {
    const weekly = form().questions.find((q) => q.id === 'glas-per-vecka')!
    const morning = form().questions.find((q) => q.id === 'dricka-pa-morgonen')!
    expect(weekly.alertFrom).toBe(heaviest(weekly).value)
    const lowest = Math.min(...morning.options.map((o) => o.value ?? 0))
    expect(morning.alertFrom).toBe(Math.min(...morning.options.map((o) => o.value ?? 0).filter((v) => v > lowest)))
  })

  it('warns against stopping abruptly in every band that heavy use can reach', () => {
    const heavyFrom = Math.min(...form().questions.filter((q) => q.alertFrom !== null).map((q) => q.alertFrom!))
    const bands = form().scoring!.bands.filter((b) => b.max >= heavyFrom)
    expect(bands.length).toBeGreaterThanOrEqual(2)
    for (const band of bands) expect(band.text, band.label).toMatch(/tvärt/)
  })
})

describe('self-assessments that do not borrow a diagnostic scale', () => {
  it('no band label names a diagnosis', () => {
    for (const form of modules().flatMap(forms).filter((f) => f.scoring)) {
      for (const band of form.scoring!.bands) expect(band.label, form.id).not.toMatch(/depression|ångestsyndrom|beroende|trauma|PTSD|komplicerad sorg|långvarig sorg/i)
    }
  })

  it('every assessment says it is written for PLUS and sets no diagnosis', () => {
    for (const step of modules().flatMap(steps).filter((s) => s.blocks.some((b) => b.type === 'form' && b.scoring))) {
      expect(stepText(step), step.id).toMatch(/skrivna för PLUS/)
      expect(stepText(step), step.id).toMatch(/ingen diagnos/)
    }
  })
})

describe('modules point to each other', () => {
  it('each module links at least one other module', () => {
    const owner = new Map<string, string>()
    for (const m of modules()) {
      owner.set(m.id, m.id)
      for (const s of m.sections) {
        owner.set(s.id, m.id)
        for (const st of s.steps) owner.set(st.id, m.id)
      }
    }
    for (const m of modules()) {
      const refs = [...steps(m).map(stepHtml).join('\n').matchAll(/data-plus-ref="([^"]+)"/g)].map((r) => owner.get(r[1]!))
      expect(refs.filter((other) => other && other !== m.id).length, m.id).toBeGreaterThanOrEqual(1)
    }
  })
})

describe('house style', () => {
  it('uses Swedish quotation marks (”…”) everywhere a patient reads', () => {
    const texts = [
      bundle.programme.welcome.text,
      ...bundle.programme.flags.flatMap((f) => [f.title, f.text]),
      ...modules().flatMap((m) => [m.title, m.summary, ...m.sections.flatMap((s) => [s.title, s.summary ?? '']), ...steps(m).map(stepText)]),
    ]
    for (const text of texts) expect(text).not.toMatch(/["“„]/)
  })

  it('says "there are no right or wrong answers" in one way', () => {
    for (const step of modules().flatMap(steps)) {
      for (const match of stepText(step).matchAll(/inga [^.]{0,20}(rätt|fel)[^.]{0,20}svar/g)) expect(match[0], step.id).toBe('inga rätt eller fel svar')
    }
  })

  it('keeps every text step at LIX 30 or lower', () => {
    for (const step of modules().flatMap(steps).filter((s) => s.kind === 'text')) {
      const text = step.blocks.map((b) => ('text' in b && typeof b.text === 'string' ? b.text : '')).join('\n')
      expect(lix(text).lix, step.id).toBeLessThanOrEqual(30)
    }
  })

  it('states module times within a third of the computed reading and doing time', () => {
    for (const m of modules()) {
      const report = moduleReport(m)
      expect(Math.abs(report.estimatedMinutes - report.minutes), `${m.id}: stated ${report.estimatedMinutes}, computed ${report.minutes}`).toBeLessThanOrEqual(report.minutes / 3)
    }
  })
})
