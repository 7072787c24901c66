// Every referenced file exists inside its module folder; captions are valid WebVTT covering
// the whole film.
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import { summaryOf, type FilmSummary } from '../../section-summary.ts'
import { mediaKey, type Rule } from '../rule.ts'
import { clock, readWebVtt } from '../../load/webvtt.ts'
import { svgProblem } from '../svg.ts'

/** How far before the end of a film its captions may stop (closing music, credits). */
export const CAPTION_TAIL_SECONDS = 10
/** Captions need on average at least one cue per this many seconds of film (PLUS317). */
export const SECONDS_PER_CUE = 10
/** A transcript holds at least this share of the words the captions have (PLUS318). */
export const TRANSCRIPT_SHARE = 0.8

export const mediaFiles: Rule = ({ tree, media }) => {
  const out: Diagnostic[] = []
  const reported = new Set<string>()
  for (const ref of tree.collected.media) {
    const state = media.get(mediaKey(ref))
    const key = `${ref.span.file}:${ref.span.line}:${ref.path}`
    if (reported.has(key)) continue
    if (state?.status === 'missing') {
      reported.add(key)
      out.push(diagnostic('PLUS302', ref.span, { path: ref.path }))
    } else if (state?.status === 'outside') {
      reported.add(key)
      out.push(diagnostic('PLUS310', ref.span, { path: ref.path }))
    }
  }
  return out
}

const decoder = new TextDecoder('utf-8', { fatal: false })

export const captions: Rule = ({ tree, media }) => {
  const out: Diagnostic[] = []
  for (const film of films(tree)) {
    const state = media.get(mediaKey(film.captions))
    if (state?.status !== 'ok') continue
    // Parsed once, when the file was read; a captions file with another extension is parsed here.
    const result = state.captions ?? readWebVtt(decoder.decode(state.bytes))
    for (const problem of result.problems) {
      out.push(diagnostic('PLUS303', film.captions.span, { path: film.captions.path, sv: `${problem.sv} (rad ${problem.line})`, en: `${problem.en} (line ${problem.line})` }))
    }
    if (result.problems.length === 0 && result.end < film.durationSeconds - CAPTION_TAIL_SECONDS) {
      out.push(diagnostic('PLUS304', film.span, { end: clock(result.end), duration: clock(film.durationSeconds) }))
    }
    const needed = Math.ceil(film.durationSeconds / SECONDS_PER_CUE)
    if (result.problems.length === 0 && result.cues < needed) {
      out.push(diagnostic('PLUS317', film.span, { cues: result.cues, needed, duration: clock(film.durationSeconds) }))
    }
    // Counted once per resolved section (section-summary.ts): watch rebuilds and the persistent
    // cache reuse the count of an unchanged file.
    const words = film.transcriptWords
    // An empty transcript is already an empty block (PLUS210).
    if (result.problems.length === 0 && words > 0 && words < result.words * TRANSCRIPT_SHARE) {
      out.push(diagnostic('PLUS318', film.span, { id: film.id, words, captionWords: result.words }))
    }
  }
  return out
}

/**
 * What is wrong with an SVG file, per read of the file (its record): a poster is usually drawn
 * by many films, and watch rebuilds keep the records of unchanged files.
 */
const svgProblems = new WeakMap<object, ReturnType<typeof svgProblem>>()
function svgProblemOf(state: { bytes: Uint8Array }): ReturnType<typeof svgProblem> {
  if (!svgProblems.has(state)) svgProblems.set(state, svgProblem(decoder.decode(state.bytes)))
  return svgProblems.get(state)!
}

/** SVG pictures (images and posters) may only draw. */
export const safeSvg: Rule = ({ tree, media }) => {
  const out: Diagnostic[] = []
  const seen = new Set<string>()
  for (const ref of tree.collected.media) {
    const key = mediaKey(ref)
    const state = media.get(key)
    if (!ref.path.toLowerCase().endsWith('.svg') || state?.status !== 'ok') continue
    const site = `${key}@${ref.span.file}:${ref.span.line}`
    if (seen.has(site)) continue
    seen.add(site)
    const problem = svgProblemOf(state)
    if (problem) out.push(diagnostic('PLUS315', ref.span, { path: ref.path, what: problem.sv, whatEn: problem.en }))
  }
  return out
}

export const pendingFilms: Rule = ({ tree, release }) =>
  release ? films(tree).filter((f) => f.video === null).map((f) => diagnostic('PLUS311', f.span, { id: f.id })) : []

/** Every film of the programme, as the rules need it. */
export function films(tree: Parameters<Rule>[0]['tree']): FilmSummary[] {
  return tree.modules.flatMap((m) => m.sections.flatMap((s) => summaryOf(s).films))
}

