// What the clinician view says about forms: which answers raise an alert, and each form's
// levels. Pure helpers over the bundle, shared by the module tree and the step pages.
import { bandLevel } from '../../src/scoring/index.ts'
import type { BandLevel, FormBlock, Option, Question, Step } from '../../src/types/bundle.generated.ts'

/** The options of an alert question that raise the alert (value at or above `alertFrom`). */
export function alertAnswers(question: Question): Option[] {
  if (question.alertFrom === null) return []
  const from = question.alertFrom
  return question.options.filter((o) => o.value !== null && o.value >= from)
}

/** The forms of a step. */
export function formsOf(step: Step): FormBlock[] {
  return step.blocks.filter((b): b is FormBlock => b.type === 'form')
}

/** How many bands of each level a form has, most serious first, leaving out levels it lacks. */
export function levelCounts(form: FormBlock): Array<{ level: BandLevel; count: number }> {
  const order: BandLevel[] = ['urgent', 'attention', 'info']
  const bands = form.scoring?.bands ?? []
  return order.map((level) => ({ level, count: bands.filter((b) => bandLevel(b) === level).length })).filter((c) => c.count > 0)
}
