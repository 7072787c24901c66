// Swedish wording of a diff report, for the content reviewers.
import type { FlagTrigger, QuestionType, Recipient, Review, ReviewStatus, StepKind } from '../types/bundle.generated.ts'
import type { DiffText } from './text.ts'
import type { BandSummary, BlockRef, FieldChange, FileRef, FlagSummary, QuestionRef, Ref, SectionPlace, StepPlace, Warning } from './types.ts'

const q = (text: string) => `”${text}”`
const named = (r: Ref) => `${q(r.title)} (${r.id})`
const question = (r: QuestionRef) => `${q(r.prompt)} (${r.id})`
const hash = (file: FileRef | null) => (file ? `${file.path}, sha256 ${file.sha256.slice(0, 12)}` : 'ingen fil')
const value = (v: number | null) => (v === null ? 'inga poäng' : `${v} poäng`)
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

const questionTypes: Record<QuestionType, string> = {
  scale: 'skala',
  single: 'ett val',
  multiple: 'flera val',
  text: 'fritext',
  number: 'tal',
}

const statuses: Record<ReviewStatus, string> = { draft: 'utkast', 'in-review': 'under granskning', approved: 'godkänd' }
const kinds: Record<StepKind, string> = { text: 'text', media: 'bild', film: 'film', form: 'formulär' }
const recipients: Record<Recipient, string> = { patient: 'patienten', clinician: 'behandlaren' }

function trigger(t: FlagTrigger, days: number): string {
  switch (t) {
    case 'programme-started':
      return 'när programmet startar'
    case 'inactivity':
      return `efter ${days} dagar utan aktivitet`
    case 'module-closing':
      return `${days} dagar innan en modul stängs`
    case 'programme-ending':
      return `${days} dagar innan programmet slutar`
    default: {
      const never: never = t
      throw new Error(`unknown trigger ${String(never)}`)
    }
  }
}

const flag = (f: FlagSummary) => `${named(f)}, ${trigger(f.trigger, f.days)}, till ${recipients[f.recipient]}`

function review(r: Review): string {
  const who = [r.reviewer, r.date].filter((x) => x !== null).join(', ')
  return who ? `${statuses[r.status]} (${who})` : statuses[r.status]
}

const sectionAt = (p: SectionPlace) => `i modulen ${q(p.module.title)}, plats ${p.index + 1}`
const stepAt = (p: StepPlace) => `i ${q(p.module.title)} › ${q(p.section.title)}, plats ${p.index + 1}`
const levels: Record<BandSummary['level'], string> = { info: 'information', attention: 'uppmärksamhet', urgent: 'akut' }
const band = (b: BandSummary) => `${b.min}–${b.max} ${q(b.label)} (${levels[b.level]})`
const bands = (list: BandSummary[]) => list.map(band).join(', ')

function field(f: FieldChange): string {
  const names: Record<string, string> = {
    title: 'titel', summary: 'sammanfattning', estimatedMinutes: 'beräknad tid (minuter)', prompt: 'frågetext',
    required: 'obligatorisk', min: 'minsta värde', max: 'största värde', unit: 'enhet', rows: 'rader', alertFrom: 'uppmärksamma från värde', kind: 'typ',
    trigger: 'när', recipient: 'mottagare', days: 'dagar', text: 'text', variant: 'sort', alt: 'alt-text', caption: 'bildtext',
    durationSeconds: 'längd (sekunder)', captionCues: 'antal undertexter', version: 'version', durationDays: 'längd (dagar)',
    id: 'id', schemaVersion: 'bundelformat',
    source: 'källa', sourceUrl: 'källans webbsida', licence: 'villkor',
  }
  const long: Record<string, string> = {
    intro: 'introduktionen har ändrats', help: 'hjälptexten har ändrats', welcome: 'välkomsttexten har ändrats',
    transcript: 'transkriptionen har ändrats',
  }
  const show = (v: unknown): string => {
    if (v === null) return 'ingen'
    if (typeof v === 'boolean') return v ? 'ja' : 'nej'
    if (f.field === 'kind') return kinds[v as StepKind]
    if (f.field === 'recipient') return recipients[v as Recipient]
    if (typeof v === 'string') return q(v)
    if (typeof v === 'object') return hash(v as FileRef)
    return String(v)
  }
  const said = long[f.field]
  if (said) return said
  if (f.field === 'file') return `bildfilen har bytts (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  if (f.field === 'video') {
    if (f.before === null) return `videofilen har levererats (${hash(f.after as FileRef)})`
    if (f.after === null) return 'videofilen har tagits bort (filmen väntar på leverans)'
    return `videofilen har bytts (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  }
  if (f.field === 'captions') return `undertextfilen har ändrats (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  if (f.field === 'poster') return `affischbilden har bytts (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  return `${names[f.field] ?? f.field}: ${show(f.before)} → ${show(f.after)}`
}

function blockName(b: BlockRef): string {
  const nth = `${b.nth + 1}`
  switch (b.blockType) {
    case 'text':
      return `textblock ${nth}`
    case 'callout':
      return `rutan ${nth}${b.title ? ` ${q(b.title)}` : ''}`
    case 'image':
      return `bilden ${b.id ? `(${b.id})` : nth}${b.title ? ` ${q(b.title)}` : ''}`
    case 'film':
      return `filmen ${b.title ? q(b.title) : ''} (${b.id})`
    default: {
      const never: never = b.blockType
      throw new Error(`unknown block ${String(never)}`)
    }
  }
}

export const sv: DiffText = {
  header(diff, warned) {
    const { before, after } = diff
    const name = before.programmeId === after.programmeId ? after.title : `${before.title} → ${after.title}`
    const versions = `${name} ${before.version} → ${after.version}`
    if (diff.changes.length === 0) return `${versions}: inga ändringar.`
    const warn = warned === 0 ? 'inga varningar' : `${warned} med varning`
    return `${versions}: ${count(diff.changes.length, 'ändring', 'ändringar')}, ${warn}.`
  },
  warningsHeading: 'Varningar – sparade svar eller poäng påverkas:',
  warning(w: Warning) {
    switch (w) {
      case 'answers-orphaned':
        return 'sparade svar pekar på något som inte längre finns'
      case 'answer-type-changed':
        return 'sparade svar är av en annan typ än den nya frågan'
      case 'answers-meaning-changed':
        return 'sparade svar passar fortfarande men betyder nu något annat'
      case 'scores-differ':
        return 'sparade poäng stämmer inte med en ny beräkning'
      case 'bands-differ':
        return 'den sparade nivån kan skilja sig från vad poängen ger nu'
      case 'answers-out-of-range':
        return 'sparade tal kan ligga utanför de nya gränserna'
      default: {
        const never: never = w
        throw new Error(`unknown warning ${String(never)}`)
      }
    }
  },
  warningLabel: 'VARNING',
  programmeHeading: 'Programmet',
  moduleHeading: (m) => `Modulen ${named(m)}`,
  formHeading: (f, at) => `Formuläret ${named(f)} i steget ${q(at.step.title)}`,
  block(c) {
    switch (c.type) {
      case 'block-added':
        return `ny: ${blockName(c.block)}`
      case 'block-removed':
        return `borttagen: ${blockName(c.block)}`
      case 'blocks-reordered':
        return `blocken har ny ordning: ${c.after.map(blockName).join(', ')}`
      case 'text-changed':
        return `texten i ${blockName(c.block)} har ändrats`
      case 'callout-changed':
      case 'image-changed':
      case 'film-changed':
        return `${blockName(c.block)}: ${c.changes.map(field).join('; ')}`
      default: {
        const never: never = c
        throw new Error(`unknown block change ${String(never)}`)
      }
    }
  },
  change(c) {
    switch (c.type) {
      case 'programme-changed':
        return [capitalise(field(c.change))]
      case 'flag-added':
        return [`Ny flagga ${flag(c.flag)}.`]
      case 'flag-removed':
        return [`Flaggan ${flag(c.flag)} har tagits bort.`]
      case 'flag-changed':
        return [`Flaggan ${named(c.flag)} har ändrats: ${c.changes.map(field).join('; ')}.`]
      case 'module-added':
        return [`Ny modul ${named(c.module)} som nummer ${c.order}, med ${c.sections} avsnitt och ${c.steps} steg.`]
      case 'module-removed':
        return [`Modulen ${named(c.module)} (nummer ${c.order}, ${c.sections} avsnitt, ${c.steps} steg) har tagits bort.`]
      case 'module-moved':
        return [`Modulen har flyttats från nummer ${c.from} till nummer ${c.to}.`]
      case 'module-changed':
        return [`Modulen har ändrats: ${c.changes.map(field).join('; ')}.`]
      case 'review-changed':
        return [`Granskning: ${review(c.before)} → ${review(c.after)}.`]
      case 'section-added':
        return [`Nytt avsnitt ${named(c.section)} ${sectionAt(c.at)}, med ${c.steps} steg.`]
      case 'section-removed':
        return [`Avsnittet ${named(c.section)} (${c.steps} steg) har tagits bort.`]
      case 'section-moved':
        return [`Avsnittet ${named(c.section)} har flyttats från ${sectionAt(c.from).slice(2)} till ${sectionAt(c.to).slice(2)}.`]
      case 'section-changed':
        return [`Avsnittet ${named(c.section)} har ändrats: ${c.changes.map(field).join('; ')}.`]
      case 'step-added':
        return [`Nytt steg ${named(c.step)} (${kinds[c.kind]}) ${stepAt(c.at)}.`]
      case 'step-removed':
        return [`Steget ${named(c.step)} (${kinds[c.kind]}) har tagits bort ${stepAt(c.from).replace(/^i /, 'från ')}.`]
      case 'step-moved':
        return [`Steget ${named(c.step)} har flyttats från ${stepAt(c.from).slice(2)} till ${stepAt(c.to).slice(2)}.`]
      case 'step-changed':
        return [`Steget ${named(c.step)} har ändrats:`, ...c.changes.map(field), ...c.blocks.map((b) => sv.block(b))]
      case 'form-added':
        return [`Nytt formulär ${named(c.form)} (${c.kind === 'assessment' ? 'kartläggning' : 'uppgift'}, ${count(c.questions, 'fråga', 'frågor')}) i steget ${q(c.at.step.title)}.`]
      case 'form-removed':
        return [`Formuläret ${named(c.form)} (${count(c.questions, 'fråga', 'frågor')}) i steget ${q(c.from.step.title)} har tagits bort.`]
      case 'form-moved':
        return [`Formuläret ${named(c.form)} har flyttats från steget ${q(c.from.step.title)} till steget ${q(c.to.step.title)}.`]
      case 'form-changed':
        return [`Formuläret har ändrats: ${c.changes.map(field).join('; ')}.`]
      case 'question-added':
        return [`Ny fråga ${question(c.question)} (${questionTypes[c.questionType]}${c.required ? ', obligatorisk' : ''}) som fråga ${c.index + 1}.`]
      case 'question-removed':
        return [`Frågan ${question(c.question)} (${questionTypes[c.questionType]}${c.scored ? ', ger poäng' : ''}) har tagits bort.`]
      case 'question-moved':
        return [`Frågan ${question(c.question)} har flyttats från plats ${c.from + 1} till plats ${c.to + 1}.`]
      case 'question-type-changed':
        return [`Frågan ${question(c.question)} har bytt typ: ${questionTypes[c.before]} → ${questionTypes[c.after]}.`]
      case 'question-changed':
        return [`Frågan ${question(c.question)} har ändrats: ${c.changes.map(field).join('; ')}.`]
      case 'option-added':
        return [`Frågan ${question(c.question)}: nytt svarsalternativ ${q(c.option.label)} (${c.option.id}, ${value(c.option.value)}).`]
      case 'option-removed':
        return [`Frågan ${question(c.question)}: svarsalternativet ${q(c.option.label)} (${c.option.id}, ${value(c.option.value)}) har tagits bort.`]
      case 'option-relabelled':
        return [`Frågan ${question(c.question)}: svarsalternativet ${c.optionId} heter nu ${q(c.after)} (förut ${q(c.before)}); sparade svar visas med den nya texten.`]
      case 'option-value-changed':
        return [`Frågan ${question(c.question)}: svarsalternativet ${named(c.option)} ger nu ${value(c.after)} (förut ${value(c.before)}).`]
      case 'option-moved':
        return [`Frågan ${question(c.question)}: svarsalternativet ${named(c.option)} har flyttats från plats ${c.from + 1} till plats ${c.to + 1}.`]
      case 'scoring-added':
        return ['Formuläret räknar nu poäng (kartläggning).']
      case 'scoring-removed':
        return ['Formuläret räknar inte längre poäng (uppgift).']
      case 'score-range-changed':
        return [`Möjliga poäng: ${c.before.min}–${c.before.max} → ${c.after.min}–${c.after.max}.`]
      case 'bands-changed':
        return [`Nivåerna har ändrats: ${bands(c.before)} → ${bands(c.after)}.`]
      case 'band-text-changed':
        return [`Texten för nivån ${band(c.band)} har ändrats.`]
      default: {
        const never: never = c
        throw new Error(`unknown change ${String(never)}`)
      }
    }
  },
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + (text.endsWith('.') ? '' : '.')
}
