// A small, typed PLUS bundle for the engine tests, following the real content rules: the
// programme's four flags as in content/programme.md, stable ids, a scored assessment with bands
// that cover every score, and an exercise with a free-text question.
import type { Block, Flag, FormBlock, Module, PlusBundle, Question, Section, Step } from '../../src/types/bundle.generated.ts'

const source = (file: string) => ({ file, line: 1 })
const rich = (text: string) => ({ html: `<p>${text}</p>`, text })

export const FLAGS: Flag[] = [
  { type: 'flag', id: 'moment-startat', trigger: 'programme-started', recipient: 'patient', days: 0, title: 'Startat moment', text: 'Du har fått tillgång till PLUS.' },
  { type: 'flag', id: 'paminnelse-startat-moment', trigger: 'inactivity', recipient: 'patient', days: 7, title: 'Påminnelse om startat moment', text: 'Det finns material för dig i PLUS.' },
  { type: 'flag', id: 'modul-avslutas', trigger: 'module-closing', recipient: 'patient', days: 3, title: 'Modul i PLUS avslutas om tre dagar', text: 'En modul i PLUS stängs om tre dagar.' },
  { type: 'flag', id: 'plus-snart-slut', trigger: 'programme-ending', recipient: 'clinician', days: 1, title: 'PLUS snart slut', text: 'Ett PLUS-program har snart pågått i 90 dagar.' },
]

export function scaleQuestion(id: string, prompt: string, alertFrom: number | null = null): Question {
  return {
    id,
    type: 'scale',
    prompt,
    help: null,
    required: true,
    options: [
      { id: 'inte-alls', label: 'Inte alls', value: 0 },
      { id: 'ibland', label: 'Ibland', value: 1 },
      { id: 'ofta', label: 'Ofta', value: 2 },
      { id: 'hela-tiden', label: 'Hela tiden', value: 3 },
    ],
    min: null,
    max: null,
    unit: null,
    rows: null,
    alertFrom,
  }
}

export function textQuestion(id: string, prompt: string, required = false): Question {
  return { id, type: 'text', prompt, help: null, required, options: [], min: null, max: null, unit: null, rows: 4, alertFrom: null }
}

export function assessment(id: string, title: string, questions: Question[]): FormBlock {
  const max = questions.length * 3
  const low = Math.floor(max / 2)
  return {
    type: 'form',
    id,
    title,
    kind: 'assessment',
    intro: null,
    questions: questions as FormBlock['questions'],
    scoring: {
      method: 'sum',
      min: 0,
      max,
      bands: [
        { min: 0, max: low, label: 'Låg nivå', level: 'info', html: '<p>Lite besvär.</p>', text: 'Lite besvär.' },
        { min: low + 1, max, label: 'Hög nivå', level: 'attention', html: '<p>Mycket besvär.</p>', text: 'Mycket besvär.' },
      ],
    },
  }
}

export function exercise(id: string, title: string, questions: Question[]): FormBlock {
  return { type: 'form', id, title, kind: 'exercise', intro: null, questions: questions as FormBlock['questions'], scoring: null }
}

export function step(id: string, title: string, blocks: Block[] = [{ type: 'text', ...rich(title) }]): Step {
  const kind = blocks.some((b) => b.type === 'form') ? 'form' : 'text'
  return { type: 'step', id, title, kind, blocks, source: source(`${id}.md`) }
}

export function section(id: string, title: string, steps: Step[]): Section {
  return { type: 'section', id, title, summary: null, steps, source: source(`${id}.md`) }
}

export function module(id: string, title: string, order: number, sections: Section[]): Module {
  return {
    type: 'module',
    id,
    title,
    order,
    summary: `Om ${title.toLowerCase()}.`,
    estimatedMinutes: 30,
    review: { status: 'approved', reviewer: 'Granskare', date: '2025-01-01' },
    intro: null,
    sections,
    source: source(`${id}/module.md`),
  }
}

/** The Oro module: a text step, a scored assessment (two questions) and an exercise. */
export function oroModule(): Module {
  return module('oro', 'Oro', 1, [
    section('oro-forsta', 'Att förstå oro', [
      step('oro-vad-ar-oro', 'Vad är oro?'),
      step('oro-kartlaggning', 'Hur mycket oroar du dig?', [
        assessment('oro-skattning', 'Skattning av oro', [
          scaleQuestion('oro-hur-ofta', 'Hur ofta oroar du dig?'),
          scaleQuestion('oro-svart-sluta', 'Hur svårt är det att sluta oroa dig?'),
        ]),
      ]),
    ]),
    section('oro-hantera', 'Att hantera oro', [
      step('oro-orostid', 'Orostid', [exercise('oro-uppgift', 'Min orostid', [textQuestion('oro-nar', 'När passar orostid dig?', true)])]),
    ]),
  ])
}

/** The Ångest module: one text step and one exercise. */
export function angestModule(): Module {
  return module('angest', 'Ångest', 2, [
    section('angest-forsta', 'Vad är ångest?', [
      step('angest-kroppen', 'Ångest i kroppen'),
      step('angest-lista', 'Det jag undviker', [exercise('angest-undvikande', 'Det jag undviker', [textQuestion('angest-vad', 'Vad undviker du?', true)])]),
    ]),
  ])
}

/** A bundle with the given modules (default: Oro and Ångest). */
export function testBundle(options: { version?: string; modules?: Module[]; flags?: Flag[]; durationDays?: number } = {}): PlusBundle {
  return {
    type: 'plus-bundle',
    schemaVersion: '1.0.0',
    programme: {
      type: 'programme',
      id: 'plus',
      title: 'PLUS',
      version: options.version ?? '1.0.0',
      durationDays: options.durationDays ?? 90,
      welcome: rich('Välkommen till PLUS!'),
      flags: options.flags ?? FLAGS,
      modules: options.modules ?? [oroModule(), angestModule()],
    },
  }
}
