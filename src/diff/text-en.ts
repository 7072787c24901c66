// English wording of a diff report, for developers and reviewers outside Sweden.
import type { FlagTrigger, QuestionType, Recipient, Review, ReviewStatus, StepKind } from '../types/bundle.generated.ts'
import type { DiffText } from './text.ts'
import type { BandSummary, BlockRef, FieldChange, FileRef, FlagSummary, QuestionRef, Ref, SectionPlace, StepPlace, Warning } from './types.ts'

const q = (text: string) => `"${text}"`
const named = (r: Ref) => `${q(r.title)} (${r.id})`
const question = (r: QuestionRef) => `${q(r.prompt)} (${r.id})`
const hash = (file: FileRef | null) => (file ? `${file.path}, sha256 ${file.sha256.slice(0, 12)}` : 'no file')
const value = (v: number | null) => (v === null ? 'no score' : `score ${v}`)
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

const questionTypes: Record<QuestionType, string> = {
  scale: 'scale',
  single: 'single choice',
  multiple: 'multiple choice',
  text: 'free text',
  number: 'number',
}

const statuses: Record<ReviewStatus, string> = { draft: 'draft', 'in-review': 'in review', approved: 'approved' }
const kinds: Record<StepKind, string> = { text: 'text', media: 'image', film: 'film', form: 'form' }
const recipients: Record<Recipient, string> = { patient: 'the patient', clinician: 'the clinician' }

function trigger(t: FlagTrigger, days: number): string {
  switch (t) {
    case 'programme-started':
      return 'when the programme starts'
    case 'inactivity':
      return `after ${days} days without activity`
    case 'module-closing':
      return `${days} days before a module closes`
    case 'programme-ending':
      return `${days} days before the programme ends`
    default: {
      const never: never = t
      throw new Error(`unknown trigger ${String(never)}`)
    }
  }
}

const flag = (f: FlagSummary) => `${named(f)}, ${trigger(f.trigger, f.days)}, to ${recipients[f.recipient]}`

function review(r: Review): string {
  const who = [r.reviewer, r.date].filter((x) => x !== null).join(', ')
  return who ? `${statuses[r.status]} (${who})` : statuses[r.status]
}

const sectionAt = (p: SectionPlace) => `module ${q(p.module.title)}, position ${p.index + 1}`
const stepAt = (p: StepPlace) => `${q(p.module.title)} › ${q(p.section.title)}, position ${p.index + 1}`
const levels: Record<BandSummary['level'], string> = { info: 'info', attention: 'attention', urgent: 'urgent' }
const band = (b: BandSummary) => `${b.min}–${b.max} ${q(b.label)} (${levels[b.level]})`
const bands = (list: BandSummary[]) => list.map(band).join(', ')

function field(f: FieldChange): string {
  const names: Record<string, string> = {
    title: 'title', summary: 'summary', estimatedMinutes: 'estimated minutes', prompt: 'prompt',
    required: 'required', min: 'minimum', max: 'maximum', unit: 'unit', rows: 'rows', alertFrom: 'alert from value', kind: 'kind',
    trigger: 'trigger', recipient: 'recipient', days: 'days', text: 'text', variant: 'variant', alt: 'alt text', caption: 'caption',
    durationSeconds: 'duration (seconds)', captionCues: 'caption cues', version: 'version', durationDays: 'duration (days)',
    id: 'id', schemaVersion: 'bundle format',
    source: 'source', sourceUrl: 'source web page', licence: 'terms of use',
  }
  const long: Record<string, string> = {
    intro: 'the introduction changed', help: 'the help text changed', welcome: 'the welcome text changed',
    transcript: 'the transcript changed',
  }
  const show = (v: unknown): string => {
    if (v === null) return 'none'
    if (typeof v === 'boolean') return v ? 'yes' : 'no'
    if (f.field === 'kind') return kinds[v as StepKind]
    if (f.field === 'recipient') return recipients[v as Recipient]
    if (typeof v === 'string') return q(v)
    if (typeof v === 'object') return hash(v as FileRef)
    return String(v)
  }
  const said = long[f.field]
  if (said) return said
  if (f.field === 'file') return `the image file was replaced (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  if (f.field === 'video') {
    if (f.before === null) return `the video file was delivered (${hash(f.after as FileRef)})`
    if (f.after === null) return 'the video file was removed (the film is pending)'
    return `the video file was replaced (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  }
  if (f.field === 'captions') return `the captions file changed (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  if (f.field === 'poster') return `the poster was replaced (${hash(f.before as FileRef)} → ${hash(f.after as FileRef)})`
  return `${names[f.field] ?? f.field}: ${show(f.before)} → ${show(f.after)}`
}

function blockName(b: BlockRef): string {
  const nth = `${b.nth + 1}`
  switch (b.blockType) {
    case 'text':
      return `text block ${nth}`
    case 'callout':
      return `callout ${nth}${b.title ? ` ${q(b.title)}` : ''}`
    case 'image':
      return `image ${b.id ? `(${b.id})` : nth}${b.title ? ` ${q(b.title)}` : ''}`
    case 'film':
      return `film ${b.title ? q(b.title) : ''} (${b.id})`
    default: {
      const never: never = b.blockType
      throw new Error(`unknown block ${String(never)}`)
    }
  }
}

export const en: DiffText = {
  header(diff, warned) {
    const { before, after } = diff
    const name = before.programmeId === after.programmeId ? after.title : `${before.title} → ${after.title}`
    const versions = `${name} ${before.version} → ${after.version}`
    if (diff.changes.length === 0) return `${versions}: no changes.`
    const warn = warned === 0 ? 'no warnings' : warned === 1 ? '1 with a warning' : `${warned} with warnings`
    return `${versions}: ${count(diff.changes.length, 'change', 'changes')}, ${warn}.`
  },
  warningsHeading: 'Warnings – stored answers or scores are affected:',
  warning(w: Warning) {
    switch (w) {
      case 'answers-orphaned':
        return 'stored answers refer to something that no longer exists'
      case 'answer-type-changed':
        return 'stored answers are of another type than the new question'
      case 'answers-meaning-changed':
        return 'stored answers still fit but now mean something else'
      case 'scores-differ':
        return 'stored scores differ from a new calculation'
      case 'bands-differ':
        return 'the stored band may differ from the band the score gives now'
      case 'answers-out-of-range':
        return 'stored numbers may lie outside the new limits'
      default: {
        const never: never = w
        throw new Error(`unknown warning ${String(never)}`)
      }
    }
  },
  warningLabel: 'WARNING',
  programmeHeading: 'Programme',
  moduleHeading: (m) => `Module ${named(m)}`,
  formHeading: (f, at) => `Form ${named(f)} in step ${q(at.step.title)}`,
  block(c) {
    switch (c.type) {
      case 'block-added':
        return `added: ${blockName(c.block)}`
      case 'block-removed':
        return `removed: ${blockName(c.block)}`
      case 'blocks-reordered':
        return `blocks reordered: ${c.after.map(blockName).join(', ')}`
      case 'text-changed':
        return `the text of ${blockName(c.block)} changed`
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
        return [`New flag ${flag(c.flag)}.`]
      case 'flag-removed':
        return [`Flag ${flag(c.flag)} removed.`]
      case 'flag-changed':
        return [`Flag ${named(c.flag)} changed: ${c.changes.map(field).join('; ')}.`]
      case 'module-added':
        return [`New module ${named(c.module)} as number ${c.order}, with ${count(c.sections, 'section', 'sections')} and ${count(c.steps, 'step', 'steps')}.`]
      case 'module-removed':
        return [`Module ${named(c.module)} (number ${c.order}, ${count(c.sections, 'section', 'sections')}, ${count(c.steps, 'step', 'steps')}) removed.`]
      case 'module-moved':
        return [`The module moved from number ${c.from} to number ${c.to}.`]
      case 'module-changed':
        return [`The module changed: ${c.changes.map(field).join('; ')}.`]
      case 'review-changed':
        return [`Review: ${review(c.before)} → ${review(c.after)}.`]
      case 'section-added':
        return [`New section ${named(c.section)} in ${sectionAt(c.at)}, with ${count(c.steps, 'step', 'steps')}.`]
      case 'section-removed':
        return [`Section ${named(c.section)} (${count(c.steps, 'step', 'steps')}) removed.`]
      case 'section-moved':
        return [`Section ${named(c.section)} moved from ${sectionAt(c.from)} to ${sectionAt(c.to)}.`]
      case 'section-changed':
        return [`Section ${named(c.section)} changed: ${c.changes.map(field).join('; ')}.`]
      case 'step-added':
        return [`New step ${named(c.step)} (${kinds[c.kind]}) in ${stepAt(c.at)}.`]
      case 'step-removed':
        return [`Step ${named(c.step)} (${kinds[c.kind]}) removed from ${stepAt(c.from)}.`]
      case 'step-moved':
        return [`Step ${named(c.step)} moved from ${stepAt(c.from)} to ${stepAt(c.to)}.`]
      case 'step-changed':
        return [`Step ${named(c.step)} changed:`, ...c.changes.map(field), ...c.blocks.map((b) => en.block(b))]
      case 'form-added':
        return [`New form ${named(c.form)} (${c.kind}, ${count(c.questions, 'question', 'questions')}) in step ${q(c.at.step.title)}.`]
      case 'form-removed':
        return [`Form ${named(c.form)} (${count(c.questions, 'question', 'questions')}) in step ${q(c.from.step.title)} removed.`]
      case 'form-moved':
        return [`Form ${named(c.form)} moved from step ${q(c.from.step.title)} to step ${q(c.to.step.title)}.`]
      case 'form-changed':
        return [`The form changed: ${c.changes.map(field).join('; ')}.`]
      case 'question-added':
        return [`New question ${question(c.question)} (${questionTypes[c.questionType]}${c.required ? ', required' : ''}) as question ${c.index + 1}.`]
      case 'question-removed':
        return [`Question ${question(c.question)} (${questionTypes[c.questionType]}${c.scored ? ', scored' : ''}) removed.`]
      case 'question-moved':
        return [`Question ${question(c.question)} moved from position ${c.from + 1} to position ${c.to + 1}.`]
      case 'question-type-changed':
        return [`Question ${question(c.question)} changed type: ${questionTypes[c.before]} → ${questionTypes[c.after]}.`]
      case 'question-changed':
        return [`Question ${question(c.question)} changed: ${c.changes.map(field).join('; ')}.`]
      case 'option-added':
        return [`Question ${question(c.question)}: new option ${q(c.option.label)} (${c.option.id}, ${value(c.option.value)}).`]
      case 'option-removed':
        return [`Question ${question(c.question)}: option ${q(c.option.label)} (${c.option.id}, ${value(c.option.value)}) removed.`]
      case 'option-relabelled':
        return [`Question ${question(c.question)}: option ${c.optionId} is now ${q(c.after)} (was ${q(c.before)}); stored answers show the new label.`]
      case 'option-value-changed':
        return [`Question ${question(c.question)}: option ${named(c.option)} now has ${value(c.after)} (was ${value(c.before)}).`]
      case 'option-moved':
        return [`Question ${question(c.question)}: option ${named(c.option)} moved from position ${c.from + 1} to position ${c.to + 1}.`]
      case 'scoring-added':
        return ['The form is now scored (an assessment).']
      case 'scoring-removed':
        return ['The form is no longer scored (an exercise).']
      case 'score-range-changed':
        return [`Possible scores: ${c.before.min}–${c.before.max} → ${c.after.min}–${c.after.max}.`]
      case 'bands-changed':
        return [`Bands changed: ${bands(c.before)} → ${bands(c.after)}.`]
      case 'band-text-changed':
        return [`The text of band ${band(c.band)} changed.`]
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
