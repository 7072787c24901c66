// FHIRPath for the score and its band, so that a FHIR form filler (SDC calculatedExpression)
// computes what src/scoring computes: the sum of the chosen options' ordinal values, and the
// band whose range holds it.
import { bandLevel, isScored } from '../scoring/index.ts'
import type { BandLevel, FormBlock, Question } from '../types/bundle.generated.ts'

/** A FHIRPath string literal. */
export function fhirpathString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`
}

/**
 * The total score, or empty until every scored question is answered (as scoreForm gives null).
 * A multiple-choice question with nothing ticked cannot be told from an unanswered one in a
 * QuestionnaireResponse (an item has no empty answer list), so those count as answered with 0.
 * `ordinal()` is the SDC FHIRPath supplement that reads the ordinalValue extension of the chosen
 * coding or of the matching answerOption; `aggregate` (normative FHIRPath, unlike `sum`) adds them.
 */
export function scoreExpression(form: FormBlock): string {
  const scored = form.questions.filter(isScored)
  const required = scored.filter((q) => q.type !== 'multiple')
  const items = (ids: string[]) => `%resource.repeat(item).where(${ids.map((id) => `linkId = ${fhirpathString(id)}`).join(' or ')})`
  const sum = `${items(scored.map((q) => q.id))}.answer.value.ordinal().aggregate($this + $total, 0)`
  if (required.length === 0) return sum
  return `iif(${items(required.map((q) => q.id))}.where(answer.exists()).count() = ${required.length}, ${sum}, {})`
}

/** The label of the band `%score` falls in, or empty when there is no score yet. */
export function bandExpression(form: FormBlock, scoreVariable = '%score'): string {
  const bands = [...(form.scoring?.bands ?? [])].sort((a, b) => a.min - b.min)
  let expression = '{}'
  for (const band of bands.reverse()) {
    expression = `iif(${scoreVariable} >= ${band.min} and ${scoreVariable} <= ${band.max}, ${fhirpathString(band.label)}, ${expression})`
  }
  return `iif(${scoreVariable}.empty(), {}, ${expression})`
}

const LEVEL_ORDER: BandLevel[] = ['info', 'attention', 'urgent']

/**
 * The level of the band `%score` falls in, as the matching answer option's coding of the item
 * `linkId` in the questionnaire itself, so the filler gets a complete Coding (system included).
 */
export function bandLevelExpression(form: FormBlock, scoreVariable: string, linkId: string): string {
  const bands = [...(form.scoring?.bands ?? [])].sort((a, b) => a.min - b.min)
  const option = (level: BandLevel) =>
    `%questionnaire.repeat(item).where(linkId = ${fhirpathString(linkId)}).answerOption[${LEVEL_ORDER.indexOf(level)}].valueCoding`
  let expression = '{}'
  for (const band of bands.reverse()) {
    expression = `iif(${scoreVariable} >= ${band.min} and ${scoreVariable} <= ${band.max}, ${option(bandLevel(band))}, ${expression})`
  }
  return `iif(${scoreVariable}.empty(), {}, ${expression})`
}

/**
 * The alert questions answered at or above their alert value, as the matching answer options'
 * codings of the item `linkId` (in the order of the questions).
 */
export function alertsExpression(questions: Question[], linkId: string): string {
  const raised = questions.map((q, i) => {
    const answer = `%resource.repeat(item).where(linkId = ${fhirpathString(q.id)}).answer.value.ordinal()`
    const option = `%questionnaire.repeat(item).where(linkId = ${fhirpathString(linkId)}).answerOption[${i}].valueCoding`
    return `iif(${answer}.exists() and ${answer} >= ${q.alertFrom}, ${option}, {})`
  })
  return raised.length === 1 ? raised[0]! : `(${raised.join(' | ')})`
}
