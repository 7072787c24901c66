// What the cross-file rules and emit need to know about a section's steps, short of the steps
// themselves: their number and minutes, the films and forms, and the media they refer to.
// A section answered from the persistent cache brings its summary along and reads its steps
// only when a rule or emit asks for them, so a build with one changed file does not decode
// every other file's steps. A summary holds what the rules read and no more (a film's
// transcript is counted, not kept), so that the cache's summaries are small to decode.
import type { Span } from './diagnostics/diagnostic.ts'
import type { IRFilm, IRSection, MediaRef } from './ir.ts'

/** What the rules need of a film (validate/rules/media.ts, programme-rules.ts). */
export interface FilmSummary {
  id: string
  span: Span
  /** The video, or null while it is pending (PLUS311). */
  video: MediaRef | null
  captions: MediaRef
  durationSeconds: number
  /** Words of the transcript's text, as PLUS318 compares them with the captions'. */
  transcriptWords: number
}

export interface SectionSummary {
  /** How many steps the section has. */
  steps: number
  /** The steps' estimated minutes, summed. */
  minutes: number
  /** The films, in order. */
  films: FilmSummary[]
  /** Scored forms (self-assessments) and unscored ones (exercises). */
  assessments: number
  exercises: number
  /** Every media reference of the blocks, in step and block order (a film's captions, poster, video). */
  media: MediaRef[]
}

/** Computes a section's summary from its steps. */
export function summarise(section: IRSection): SectionSummary {
  const summary: SectionSummary = { steps: section.steps.length, minutes: 0, films: [], assessments: 0, exercises: 0, media: [] }
  for (const step of section.steps) {
    summary.minutes += step.minutes
    for (const block of step.blocks) {
      if (block.type === 'image') summary.media.push(block.image)
      else if (block.type === 'film') {
        summary.films.push(filmSummary(block))
        summary.media.push(block.captions, block.poster, ...(block.video ? [block.video] : []))
      } else if (block.type === 'form') {
        if (block.scoring) summary.assessments++
        else summary.exercises++
      }
    }
  }
  return summary
}

/** What the rules need of a film. */
export function filmSummary(film: IRFilm): FilmSummary {
  return {
    id: film.id,
    span: film.span,
    video: film.video,
    captions: film.captions,
    durationSeconds: film.durationSeconds,
    transcriptWords: film.transcript.text.split(/\s+/).filter(Boolean).length,
  }
}

/** Summaries by resolved section: computed once, or given by the persistent cache. */
const summaries = new WeakMap<IRSection, SectionSummary>()

/** The summary of a section. */
export function summaryOf(section: IRSection): SectionSummary {
  let summary = summaries.get(section)
  if (!summary) summaries.set(section, (summary = summarise(section)))
  return summary
}

/** Records the summary of a section whose steps are read later (the persistent cache). */
export function rememberSummary(section: IRSection, summary: SectionSummary): void {
  summaries.set(section, summary)
}
