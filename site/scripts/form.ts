// Client script for forms in the preview: reads the answers, checks them and scores them with
// the shared scoring code (the engine's own), and shows the result. Nothing leaves the page.
import { alertsFor, bandLevel, emergencyNumber, moreSerious, scoreForm, validateAnswers, type AnswerProblem, type Answers } from '../../src/scoring/index.ts'
import type { BandLevel, FormBlock, Question } from '../../src/types/bundle.generated.ts'
import { bandLevelLabel } from '../lib/labels.ts'

/** Wires up every form on the page once. */
export function enhanceForms(): void {
  for (const element of document.querySelectorAll<HTMLFormElement>('form[data-plus-form]')) {
    if (element.dataset.enhanced) continue
    element.dataset.enhanced = 'true'
    const definition = element.querySelector<HTMLScriptElement>('script[data-form-definition]')
    if (!definition?.textContent) continue
    const form = JSON.parse(definition.textContent) as FormBlock
    element.addEventListener('submit', (event) => {
      event.preventDefault()
      showResult(element, form)
    })
    element.addEventListener('reset', () => {
      clearErrors(element)
      const result = resultOf(element)
      result.hidden = true
      result.replaceChildren()
      const events = eventsPreviewOf(element)
      if (events) events.replaceChildren(...placeholder(events))
    })
  }
}

/** The answers as the engine receives them: absent when unanswered. */
function readAnswers(element: HTMLFormElement, form: FormBlock): Answers {
  const answers: Answers = {}
  for (const question of form.questions) {
    const fields = [...element.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(`[name="${CSS.escape(question.id)}"]`)]
    switch (question.type) {
      case 'scale':
      case 'single': {
        const chosen = fields.find((f) => f instanceof HTMLInputElement && f.checked)
        if (chosen) answers[question.id] = chosen.value
        break
      }
      case 'multiple':
        // Ticking nothing is an answer (worth 0 when scored); the required check still applies.
        answers[question.id] = fields.filter((f) => f instanceof HTMLInputElement && f.checked).map((f) => f.value)
        break
      case 'number': {
        const field = fields[0] as HTMLInputElement | undefined
        if (!field) break
        // Something typed that is not a number reaches the check as text, so it is refused.
        if (field.validity.badInput) answers[question.id] = field.value || 'x'
        else if (field.value.trim() !== '') answers[question.id] = Number(field.value)
        break
      }
      case 'text': {
        const value = fields[0]?.value.trim() ?? ''
        if (value !== '') answers[question.id] = value
        break
      }
      default: {
        const never: never = question.type
        throw new Error(`unknown question type ${String(never)}`)
      }
    }
  }
  return answers
}

function problemText(problem: AnswerProblem, question: Question | undefined): string {
  switch (problem.code) {
    case 'required':
      return 'Svara på frågan.'
    case 'wrong-type':
      return question?.type === 'number' ? 'Skriv ett tal, till exempel 5.' : 'Svaret kunde inte läsas. Försök igen.'
    case 'below-min':
      return `Skriv ett tal som är ${question?.min ?? ''} eller mer.`
    case 'above-max':
      return `Skriv ett tal som är ${question?.max ?? ''} eller mindre.`
    case 'too-long':
      return 'Svaret är för långt. Korta ner det.'
    case 'unknown-question':
    case 'unknown-option':
    case 'duplicate-option':
      return 'Svaret kunde inte läsas. Välj igen.'
  }
}

function resultOf(element: HTMLFormElement): HTMLElement {
  return element.querySelector<HTMLElement>('[data-result]') as HTMLElement
}

function clearErrors(element: HTMLFormElement): void {
  for (const message of element.querySelectorAll<HTMLElement>('.field-error')) {
    message.hidden = true
    message.textContent = ''
  }
  for (const field of element.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid')
}

function showResult(element: HTMLFormElement, form: FormBlock): void {
  clearErrors(element)
  const answers = readAnswers(element, form)
  const problems = validateAnswers(form, answers)
  const result = resultOf(element)
  const box = document.createElement('div')
  const heading = document.createElement('h3')
  box.append(heading)

  if (problems.length > 0) {
    box.className = 'result-box errors'
    heading.textContent = problems.length === 1 ? 'Ett svar behöver ändras' : `${problems.length} svar behöver ändras`
    const list = document.createElement('ul')
    for (const problem of problems) {
      const question = form.questions.find((q) => q.id === problem.questionId)
      const text = problemText(problem, question)
      const container = element.querySelector<HTMLElement>(`[data-question="${CSS.escape(problem.questionId)}"]`)
      const message = container?.querySelector<HTMLElement>('.field-error')
      if (message) {
        message.textContent = text
        message.hidden = false
      }
      const field = container?.querySelector<HTMLElement>('input, textarea')
      for (const input of container?.querySelectorAll('input, textarea') ?? []) input.setAttribute('aria-invalid', 'true')
      const item = document.createElement('li')
      const link = document.createElement('a')
      link.href = `#${field?.id || container?.id || ''}`
      link.textContent = `${question?.prompt ?? problem.questionId} – ${text}`
      link.addEventListener('click', (event) => {
        event.preventDefault()
        field?.focus()
      })
      item.append(link)
      list.append(item)
    }
    box.append(list)
  } else {
    const score = scoreForm(form, answers)
    const alerts = alertsFor(form, answers)
    const section = element.closest('section')
    if (form.scoring && score.score !== null) {
      // An answer that alerts the clinician makes the result urgent for the patient too: they
      // should know where to turn now, not only that someone will read it on a weekday.
      const level: BandLevel = moreSerious(score.band ? bandLevel(score.band) : 'info', alerts.length > 0 ? 'urgent' : 'info')
      box.className = `result-box level-${level}`
      box.dataset.level = level
      const index = score.band ? form.scoring.bands.findIndex((b) => b.min === score.band?.min && b.max === score.band?.max) : -1
      const bandText = section?.querySelector<HTMLElement>(`[data-bands] [data-band="${index}"]`)?.cloneNode(true) as HTMLElement | undefined
      bandText?.removeAttribute('data-band')
      bandText?.removeAttribute('data-level')
      if (level === 'urgent') {
        // What to do now comes first: the band's paragraphs with phone numbers, or else the help
        // text of the question that raised the alert.
        const helpNow = helpParagraphs(bandText ?? null)
        if (helpNow.length === 0) {
          for (const question of alerts) {
            const help = element.querySelector<HTMLElement>(`[data-question="${CSS.escape(question.id)}"] .help`)
            helpNow.push(...helpParagraphs(help ? (help.cloneNode(true) as HTMLElement) : null))
          }
        }
        if (helpNow.length > 0) {
          const now = document.createElement('div')
          now.className = 'help-now'
          const title = document.createElement('h3')
          title.textContent = 'Om du behöver hjälp nu'
          now.append(title, ...helpNow)
          box.prepend(now)
        }
      }
      heading.textContent = 'Ditt resultat'
      const line = document.createElement('p')
      line.className = 'score'
      line.textContent = `${score.score} poäng av ${form.scoring.max} möjliga`
      box.append(line)
      if (bandText) {
        bandText.className = 'band'
        box.append(bandText)
      }
    } else {
      box.className = 'result-box level-info'
      heading.textContent = 'Alla svar är ifyllda'
      const line = document.createElement('p')
      line.textContent = 'Svaren går att skicka in. Här i förhandsvisningen sparas eller skickas de inte.'
      box.append(line)
    }
    // The clinician's side, shown only in the clinician view: never inside the patient's result.
    const events = eventsPreviewOf(element)
    if (events) showEvents(events, form, score.score, score.band ? { label: score.band.label, level: bandLevel(score.band) } : null, alerts, answers)
  }
  result.replaceChildren(box)
  result.hidden = false
  // Focus moves to the result so screen readers announce it and keyboard users continue there.
  result.focus()
}

/**
 * The paragraphs (and list items) of `container` that say what to do now, moved out of it in
 * document order: those that give 112 or Självmordslinjen 90101 (as a link or written out), or,
 * when none does, those with any phone link. Empty when there are none.
 */
function helpParagraphs(container: HTMLElement | null): HTMLElement[] {
  if (!container) return []
  const holders = [...container.querySelectorAll<HTMLElement>('p, li')]
  const emergency = (el: HTMLElement) =>
    emergencyNumber(el.textContent ?? '') !== null ||
    [...el.querySelectorAll<HTMLAnchorElement>('a[href^="tel:"]')].some((a) => emergencyNumber(a.getAttribute('href')?.slice(4) ?? '') !== null)
  const phone = (el: HTMLElement) => el.querySelector('a[href^="tel:"]') !== null
  const pick = (test: (el: HTMLElement) => boolean) => {
    const found: HTMLElement[] = []
    for (const holder of holders) if (test(holder) && !found.some((f) => f.contains(holder) || holder.contains(f))) found.push(holder)
    return found
  }
  const found = holders.some(emergency) ? pick(emergency) : pick(phone)
  for (const holder of found) holder.remove()
  return found
}

function eventsPreviewOf(element: HTMLFormElement): HTMLElement | null {
  return element.closest('section')?.querySelector<HTMLElement>('[data-events-preview]') ?? null
}

/** The text the clinician view shows before anything is submitted (kept in the page). */
function placeholder(events: HTMLElement): Node[] {
  const p = document.createElement('p')
  p.textContent = events.dataset.placeholder ?? ''
  return [p]
}

/** What "Hantera händelser" would list for these answers, as the engine builds it. */
function showEvents(
  events: HTMLElement,
  form: FormBlock,
  score: number | null,
  band: { label: string; level: BandLevel } | null,
  alerts: Question[],
  answers: Answers,
): void {
  const list = document.createElement('dl')
  const row = (term: string, value: string, marker?: string) => {
    const dt = document.createElement('dt')
    dt.textContent = term
    const dd = document.createElement('dd')
    dd.textContent = value
    if (marker) dd.dataset.marker = marker
    list.append(dt, dd)
  }
  row('Formulär', form.title)
  if (form.scoring) row('Poäng', score === null ? 'inga (alla frågor med poäng är inte besvarade)' : `${score} av ${form.scoring.max}`)
  if (band) row('Nivå', `${band.label} (${bandLevelLabel[band.level].toLowerCase()})`, band.level)
  const top = form.scoring?.bands.reduce((a, b) => (b.max > a.max ? b : a))
  if (top && score !== null) row('Högsta nivån', score >= top.min && score <= top.max ? 'ja, visas först' : 'nej')
  row(
    'Larm',
    alerts.length === 0
      ? 'inga'
      : alerts.map((q) => `”${q.prompt}”: ${q.options.find((o) => o.id === answers[q.id])?.label ?? ''}`).join('; '),
    alerts.length > 0 ? 'alert' : undefined,
  )
  events.replaceChildren(list)
}
