// A step as the patient sees it in the sandbox, from the bundle: text and callouts (the
// compiler's sanitised HTML), images, films with captions and transcript, and forms as plain
// HTML forms that post to the server. Internal links point at the sandbox's own step pages.
import { MAX_TEXT_ANSWER } from '../scoring/index.ts'
import type { Answers } from '../scoring/index.ts'
import type { Block, FormBlock, MediaFile, Question, Step } from '../types/bundle.generated.ts'
import { answerProblemText, bandLevelLabel } from './format.ts'
import { html, type Html, trusted } from './html.ts'

const REF_LINK = /<a\s[^>]*\bdata-plus-ref="([^"]*)"[^>]*>/g

/** Points the compiler's internal links (`data-plus-ref`) at sandbox URLs where they resolve. */
function rewriteRefs(markup: string, resolve: (id: string) => string | null): string {
  return markup.replace(REF_LINK, (tag, id: string) => {
    const url = resolve(id)
    if (url === null) return tag
    return tag.replace(/\shref="[^"]*"/, ` href="${url.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
  })
}

const HEADING_TAG = /<(\/?)h([1-6])(?=[\s>])/g

/** Moves authored headings down so the outline stays unbroken where the text is nested. */
function shiftHeadings(markup: string, by: number): string {
  if (by === 0) return markup
  return markup.replace(HEADING_TAG, (_t, close: string, level: string) => `<${close}h${Math.min(6, Number(level) + by)}`)
}

/** Bundle HTML (sanitised by the compiler), with links and headings adjusted. */
export function richText(markup: string, resolve: (id: string) => string | null, shift = 0): Html {
  return trusted(shiftHeadings(rewriteRefs(markup, resolve), shift))
}

export function mediaUrl(file: Pick<MediaFile, 'path'>): string {
  return `/${file.path.split('/').map(encodeURIComponent).join('/')}`
}

/** How a form is shown on the step page. */
export type FormState =
  /** Open for answers; `values` and `errors` after a refused submit. */
  | { kind: 'open'; action: string; values: Answers; errors: Record<string, string>; hidden: Html }
  /** Already submitted: the patient's answers, score and band. */
  | { kind: 'submitted'; submittedAt: string; answers: { prompt: string; display: string }[]; score: number | null; scoreMax: number | null; band: { label: string; html: string; level: 'info' | 'attention' | 'urgent' | null } | null }
  /** Not open for answers (module closed, programme read-only). */
  | { kind: 'closed'; reason: string }

export interface StepRenderOptions {
  resolve: (id: string) => string | null
  forms: (form: FormBlock) => FormState
  swedishTime: (iso: string) => string
}

export function renderBlocks(step: Step, options: StepRenderOptions): Html {
  return html`${step.blocks.map((block) => renderBlock(block, step, options))}`
}

function renderBlock(block: Block, step: Step, options: StepRenderOptions): Html {
  switch (block.type) {
    case 'text':
      return richText(block.html, options.resolve)
    case 'callout': {
      const title = block.title ?? (block.variant === 'viktigt' ? 'Viktigt' : 'Tips')
      return html`<div class="callout callout-${block.variant}" role="note" aria-label="${title}"><p class="callout-title">${title}</p>${richText(block.html, options.resolve)}</div>`
    }
    case 'image':
      return html`<figure${block.id ? html` id="${block.id}"` : ''}><img src="${mediaUrl(block.image)}" alt="${block.alt}">${block.caption ? html`<figcaption>${block.caption}</figcaption>` : ''}</figure>`
    case 'film': {
      const titleId = `${block.id}--titel`
      const hidden = step.title.includes(block.title)
      return html`<section class="film" id="${block.id}" aria-labelledby="${titleId}">
        <h2 id="${titleId}"${hidden ? html` class="visually-hidden"` : ''}>Film: ${block.title}</h2>
        ${
          block.video
            ? html`<video controls preload="none" poster="${mediaUrl(block.poster)}"><source src="${mediaUrl(block.video)}" type="${block.video.mediaType}"><track kind="captions" src="${mediaUrl(block.captions.file)}" srclang="${block.captions.lang}" label="${block.captions.label}" default></video>`
            : html`<div class="film-pending"><img class="poster" src="${mediaUrl(block.poster)}" alt="Startbild för filmen ${block.title}"><div class="notice" role="note"><p><strong>Filmen är inte klar än.</strong> Du kan läsa allt som sägs i filmen i textversionen nedan.</p></div></div>`
        }
        <details class="transcript"><summary>Läs vad som sägs i filmen</summary>${richText(block.transcript.html, options.resolve, 1)}</details>
      </section>`
    }
    case 'form':
      return renderForm(block, options.forms(block), options)
    default:
      return html``
  }
}

function renderForm(form: FormBlock, state: FormState, options: StepRenderOptions): Html {
  const titleId = `${form.id}--titel`
  const head = html`<h2 id="${titleId}">${form.title}</h2>${form.intro ? richText(form.intro.html, options.resolve, 1) : ''}`
  if (state.kind === 'closed') {
    return html`<section class="plus-form" id="${form.id}" aria-labelledby="${titleId}">${head}<div class="notice" role="note"><p>${state.reason}</p></div></section>`
  }
  if (state.kind === 'submitted') {
    return html`<section class="plus-form" id="${form.id}" aria-labelledby="${titleId}">${head}
      <div class="result-box">
        <h3>Du skickade in formuläret ${options.swedishTime(state.submittedAt)}</h3>
        ${state.score !== null ? html`<p class="score">${state.score}${state.scoreMax !== null ? ` av ${state.scoreMax}` : ''} poäng</p>` : ''}
        ${state.band ? html`<p><strong>${state.band.label}</strong>${state.band.level ? html` <span class="level level-${state.band.level}">${bandLevelLabel[state.band.level]}</span>` : ''}</p>${richText(state.band.html, options.resolve, 2)}` : ''}
        <h4>Dina svar</h4>
        <dl class="answers">${state.answers.map((a) => html`<dt>${a.prompt}</dt><dd class="pre-line">${a.display}</dd>`)}</dl>
      </div>
    </section>`
  }
  const errorIds = Object.keys(state.errors)
  const allRequired = form.questions.every((q) => q.required)
  return html`<section class="plus-form" id="${form.id}" aria-labelledby="${titleId}">${head}
    ${
      errorIds.length > 0
        ? html`<div class="error-summary" role="alert" tabindex="-1" id="${form.id}--fel"><h3>Några svar behöver rättas</h3><ul>${form.questions
            .filter((q) => state.errors[q.id])
            .map((q) => html`<li><a href="#${fieldId(form, q)}">${q.prompt}</a>: ${state.errors[q.id]}</li>`)}</ul></div>`
        : ''
    }
    <form method="post" action="${state.action}" aria-labelledby="${titleId}">
      ${state.hidden}
      ${allRequired ? html`<p>Svara på alla frågor.</p>` : ''}
      ${form.questions.map((q) => renderQuestion(form, q, state.values[q.id], state.errors[q.id] ?? null, !allRequired, options))}
      <div class="form-buttons"><button type="submit">Skicka in</button></div>
    </form>
  </section>`
}

function fieldId(form: FormBlock, question: Question): string {
  const base = `${form.id}--q-${question.id}`
  return question.type === 'text' || question.type === 'number' ? `${base}--svar` : `${base}--0`
}

function renderQuestion(form: FormBlock, q: Question, value: Answers[string] | undefined, error: string | null, markRequired: boolean, options: StepRenderOptions): Html {
  const id = `${form.id}--q-${q.id}`
  const helpId = `${id}--hjalp`
  const errorId = `${id}--fel`
  const described = [q.help ? helpId : null, error ? errorId : null].filter(Boolean).join(' ')
  const requiredText = q.required && markRequired ? html`<span class="required"> (måste besvaras)</span>` : ''
  const help = q.help ? html`<div class="help" id="${helpId}">${richText(q.help.html, options.resolve, 1)}</div>` : ''
  const errorLine = error ? html`<p class="field-error" id="${errorId}">${error}</p>` : ''
  if (q.type === 'scale' || q.type === 'single' || q.type === 'multiple') {
    const type = q.type === 'multiple' ? 'checkbox' : 'radio'
    const chosen = new Set(Array.isArray(value) ? value : typeof value === 'string' ? [value] : [])
    return html`<fieldset class="question" id="${id}"${described ? html` aria-describedby="${described}"` : ''}>
      <legend>${q.prompt}${requiredText}</legend>${help}${errorLine}
      <div class="options">${q.options.map(
        (o, i) => html`<label class="option"><input type="${type}" id="${id}--${i}" name="${q.id}" value="${o.id}"${chosen.has(o.id) ? html` checked` : ''}${error && i === 0 ? html` aria-invalid="true"` : ''}> <span>${o.label}</span></label>`,
      )}</div>
    </fieldset>`
  }
  const inputId = `${id}--svar`
  const describedAttr = described ? html` aria-describedby="${described}"` : ''
  const invalid = error ? html` aria-invalid="true"` : ''
  const field =
    q.type === 'text'
      ? html`<textarea id="${inputId}" name="${q.id}" rows="${q.rows ?? 3}" maxlength="${MAX_TEXT_ANSWER}"${describedAttr}${invalid}>${typeof value === 'string' ? value : ''}</textarea>`
      : html`<input type="number" id="${inputId}" name="${q.id}" inputmode="decimal" step="any"${q.min !== null ? html` min="${q.min}"` : ''}${q.max !== null ? html` max="${q.max}"` : ''} value="${value === undefined ? '' : String(value)}"${describedAttr}${invalid}>${q.unit ? html`<span class="unit">${q.unit}</span>` : ''}`
  return html`<div class="question" id="${id}"><label for="${inputId}">${q.prompt}${requiredText}</label>${help}${errorLine}${field}</div>`
}

/**
 * Reads a posted form into answers by the form's definition: option ids for choices (a list for
 * multiple), numbers for number questions, text as written. Blank fields are left out. Values
 * that do not fit the type are passed on as they are, so validation can name the problem.
 */
export function answersFromPost(form: FormBlock, body: URLSearchParams): Answers {
  const answers: Answers = {}
  for (const q of form.questions) {
    if (q.type === 'multiple') {
      const values = body.getAll(q.id).filter((v) => v !== '')
      if (values.length > 0) answers[q.id] = values
      continue
    }
    const raw = body.get(q.id)
    if (raw === null || raw.trim() === '') continue
    if (q.type === 'number') {
      const n = Number(raw.trim().replace(',', '.'))
      answers[q.id] = Number.isFinite(n) ? n : raw
    } else {
      answers[q.id] = raw
    }
  }
  return answers
}

/** Swedish error text per question id. */
export function problemTexts(problems: { questionId: string; code: string }[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of problems) out[p.questionId] ??= answerProblemText[p.code] ?? 'Svaret behöver rättas.'
  return out
}
