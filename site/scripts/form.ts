// Client script for forms in the preview: reads the answers, checks them and scores them with
// the shared scoring code (the engine's own), and shows the result. Nothing leaves the page.
import { alertsFor, scoreForm, validateAnswers, type AnswerProblem, type Answers } from '../../src/scoring/index.ts'
import type { FormBlock, Question } from '../../src/types/bundle.generated.ts'

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
    box.className = 'result-box'
    const score = scoreForm(form, answers)
    if (form.scoring && score.score !== null) {
      heading.textContent = 'Resultat'
      const line = document.createElement('p')
      line.className = 'score'
      line.textContent = `${score.score} poäng av ${form.scoring.max} möjliga`
      box.append(line)
      const index = score.band ? form.scoring.bands.findIndex((b) => b.min === score.band?.min && b.max === score.band?.max) : -1
      const band = element.closest('section')?.querySelector<HTMLElement>(`[data-bands] [data-band="${index}"]`)
      if (band) {
        const text = band.cloneNode(true) as HTMLElement
        text.removeAttribute('data-band')
        text.className = 'band'
        box.append(text)
      }
    } else {
      heading.textContent = 'Alla svar är ifyllda'
      const line = document.createElement('p')
      line.textContent = 'Svaren går att skicka in. Här i förhandsvisningen sparas eller skickas de inte.'
      box.append(line)
    }
    // Answers that the clinician is alerted to whatever the score (a question's `alert`).
    for (const question of alertsFor(form, answers)) {
      const note = document.createElement('p')
      note.className = 'alert-note'
      note.dataset.alert = question.id
      note.textContent = `I programmet markeras svaret på ”${question.prompt}” särskilt för behandlaren, oavsett poäng.`
      box.append(note)
    }
  }
  result.replaceChildren(box)
  result.hidden = false
  // Focus moves to the result so screen readers announce it and keyboard users continue there.
  result.focus()
}
