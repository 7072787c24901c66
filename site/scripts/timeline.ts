// Client script for the timeline page: moves the dates to the reader's today (the page was
// rendered on the build day) and answers "if the module closes on this date, when is the
// patient warned?" with the same rules as the server-rendered table.
// It imports plus/engine/browser, not plus/engine: the full entry loads node:sqlite, which a
// browser bundle cannot hold; the browser entry re-exports the same functions without it.
import { addDays, daysBetween, localDate, programmeTimeline } from '../../src/engine/browser.ts'
import type { Flag } from '../../src/types/bundle.generated.ts'
import { weekdayDate } from '../lib/labels.ts'

interface TimelineData {
  builtFor: string
  durationDays: number
  flags: Flag[]
}

export function enhanceTimeline(): void {
  const source = document.querySelector<HTMLScriptElement>('script[data-timeline]')
  if (!source?.textContent) return
  const data = JSON.parse(source.textContent) as TimelineData
  const today = localDate(new Date())
  const endsOn = addDays(today, data.durationDays)
  if (today !== data.builtFor) {
    for (const element of document.querySelectorAll<HTMLElement>('[data-day]')) {
      element.textContent = weekdayDate(addDays(today, Number(element.dataset.day)))
    }
  }
  const input = document.querySelector<HTMLInputElement>('#prova-datum')
  const answer = document.querySelector<HTMLElement>('[data-closing-answer]')
  if (!input || !answer) return
  const offset = daysBetween(data.builtFor, input.value)
  input.min = addDays(today, 1)
  input.max = endsOn
  input.value = addDays(today, offset)
  const flag = data.flags.find((f) => f.trigger === 'module-closing')
  input.addEventListener('change', () => {
    const closesOn = input.value
    if (!/^\d{4}-\d{2}-\d{2}$/.test(closesOn)) {
      answer.textContent = 'Välj ett datum.'
      return
    }
    // The same limits the engine sets when a clinician picks a closing date.
    if (closesOn <= today) {
      answer.textContent = 'Stängningsdatumet måste vara efter i dag.'
      return
    }
    if (closesOn > endsOn) {
      answer.textContent = `Stängningsdatumet får inte vara senare än programmets sista dag, ${weekdayDate(endsOn)}.`
      return
    }
    const day = daysBetween(today, closesOn)
    if (!flag) {
      answer.textContent = `Modulen stänger dag ${day}. Programmet har ingen flagga för stängningsdatum.`
      return
    }
    const events = programmeTimeline(data, today, [{ moduleId: 'modul', closesOn }])
    const warning = events.find((e) => e.type === 'flag' && e.flag.id === flag.id)
    answer.textContent = warning
      ? `Modulen stänger dag ${day}. Flaggan ”${flag.title}” skickas dag ${warning.day}, ${weekdayDate(warning.date)}${warning.day === 0 ? ', direkt när modulen startas' : ''}.`
      : `Modulen stänger dag ${day}.`
  })
}

