// The content quality report: per module and per step, the figures a reviewer needs to judge
// PLUS before release — words, sentences, LIX, reading time, films, forms, images, links,
// review status. Computed from the compiled bundle, so it describes what patients get; used by
// `plus report` and by the preview site.
import type { Block, Module, PlusBundle, ReviewStatus, Section, Step, StepKind } from '../types/bundle.generated.ts'
import { signOffState, stepHash } from './content-hash.ts'
import { lix } from './lix.ts'
import { LIX_TARGET, readingText } from './step-text.ts'

/** Reading speed assumed for patients, in words per minute (slower than the adult average of ~200). */
export const WORDS_PER_MINUTE = 150
/** Time assumed per form question, in seconds. */
export const SECONDS_PER_QUESTION = 20

export interface StepReport {
  id: string
  title: string
  kind: StepKind
  /** Where the step is written, `file:line` relative to the content folder. */
  source: string
  words: number
  sentences: number
  lix: number
  /** True when this is a text step above the LIX target. */
  lixWarning: boolean
  /** Estimated minutes to read, watch and fill in the step. */
  minutes: number
  films: Array<{ id: string; captions: boolean; transcript: boolean; video: boolean; seconds: number }>
  forms: Array<{ id: string; kind: 'assessment' | 'exercise'; questions: number; bands: number }>
  images: Array<{ alt: string }>
  externalLinks: string[]
  /** The step's content hash now: what a reviewer's sign-off records. */
  hash: string
  /**
   * The reviewers' sign-off: `none`, `current` (the content is what was signed off) or `changed`
   * (edited since), with who signed off, when, and whether for the step or its whole section.
   */
  signoff: { status: 'none' } | { status: 'current' | 'changed'; reviewer: string; date: string; by: 'step' | 'section' }
}

export interface ModuleReport {
  id: string
  title: string
  order: number
  review: { status: ReviewStatus; reviewer: string | null; date: string | null }
  sections: number
  steps: StepReport[]
  words: number
  /** LIX over the module's text steps together. */
  lix: number
  minutes: number
  /** The module's own estimate, from module.md. */
  estimatedMinutes: number
}

export interface QualityReport {
  programme: { id: string; version: string }
  modules: ModuleReport[]
  warnings: number
}

const hrefs = (html: string) => [...html.matchAll(/<a [^>]*href="(https?:[^"]+)"/g)].map((m) => m[1]!)

function blockHtml(block: Block): string {
  switch (block.type) {
    case 'text':
    case 'callout':
      return block.html
    case 'film':
      return block.transcript.html
    case 'form':
      return [block.intro?.html ?? '', ...block.questions.map((q) => q.help?.html ?? ''), ...(block.scoring?.bands.map((b) => b.html) ?? [])].join('')
    case 'image':
      return ''
  }
}

/** The blocks of a step as the time estimate needs them (bundle blocks or the compiler's IR). */
export type TimedBlock = { type: string; text?: unknown; durationSeconds?: number; questions?: readonly unknown[] }

/**
 * Estimated minutes to read, watch and fill in a step: reading at WORDS_PER_MINUTE, each film
 * its length, each question SECONDS_PER_QUESTION; at least one minute. The one formula behind
 * `plus report`, the preview's quality page and the compiler's time estimate rule (PLUS320).
 * `words` is the LIX word count of the blocks' reading text, for a caller that has it already.
 */
export function stepMinutes(blocks: readonly TimedBlock[], words = lix(readingText(blocks as Parameters<typeof readingText>[0])).words): number {
  const seconds =
    (words / WORDS_PER_MINUTE) * 60 +
    blocks.reduce((n, b) => n + (b.type === 'film' ? (b.durationSeconds ?? 0) : 0), 0) +
    blocks.reduce((n, b) => n + (b.type === 'form' ? (b.questions?.length ?? 0) * SECONDS_PER_QUESTION : 0), 0)
  return Math.max(1, Math.round(seconds / 60))
}

export function stepReport(step: Step, section?: Section): StepReport {
  const counts = lix(readingText(step.blocks))
  const films = step.blocks.flatMap((b) =>
    b.type === 'film'
      ? [{ id: b.id, captions: b.captions.cues > 0, transcript: b.transcript.text.trim().length > 0, video: b.video !== null, seconds: b.durationSeconds }]
      : [],
  )
  const forms = step.blocks.flatMap((b) =>
    b.type === 'form' ? [{ id: b.id, kind: b.kind, questions: b.questions.length, bands: b.scoring?.bands.length ?? 0 }] : [],
  )
  return {
    id: step.id,
    title: step.title,
    kind: step.kind,
    source: `${step.source.file}:${step.source.line}`,
    words: counts.words,
    sentences: counts.sentences,
    lix: counts.lix,
    lixWarning: step.kind === 'text' && counts.lix > LIX_TARGET,
    minutes: stepMinutes(step.blocks),
    films,
    forms,
    images: step.blocks.flatMap((b) => (b.type === 'image' ? [{ alt: b.alt }] : [])),
    externalLinks: [...new Set(step.blocks.flatMap((b) => hrefs(blockHtml(b))))],
    hash: stepHash(step),
    signoff: signoffOf(step, section),
  }
}

function signoffOf(step: Step, section: Section | undefined): StepReport['signoff'] {
  const state = signOffState(step, section)
  return state.status === 'none' ? { status: 'none' } : { status: state.status, reviewer: state.signoff.reviewer, date: state.signoff.date, by: state.by }
}

export function moduleReport(module: Module): ModuleReport {
  const steps = module.sections.flatMap((s) => s.steps.map((step) => stepReport(step, s)))
  const textSteps = module.sections.flatMap((s) => s.steps).filter((s) => s.kind === 'text')
  return {
    id: module.id,
    title: module.title,
    order: module.order,
    review: { ...module.review },
    sections: module.sections.length,
    steps,
    words: steps.reduce((n, s) => n + s.words, 0),
    lix: lix(textSteps.map((s) => readingText(s.blocks)).join('\n')).lix,
    minutes: steps.reduce((n, s) => n + s.minutes, 0),
    estimatedMinutes: module.estimatedMinutes,
  }
}

export function qualityReport(bundle: PlusBundle): QualityReport {
  const modules = bundle.programme.modules.map(moduleReport)
  const warnings = modules.reduce(
    (n, m) => n + m.steps.filter((s) => s.lixWarning || s.films.some((f) => !f.captions || !f.transcript) || s.images.some((i) => !i.alt)).length,
    0,
  )
  return { programme: { id: bundle.programme.id, version: bundle.programme.version }, modules, warnings }
}
