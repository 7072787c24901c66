// The score of an assessment as two read-only calculated items (SDC calculatedExpression):
// the total, and the label of the band it falls in. R4 has no element for interpretation
// ranges, so the bands are (1) computable, in the band item's FHIRPath, and (2) readable, as
// display items inside the score item with each band's range, label and text.
import { isScored } from '../scoring/index.ts'
import type { FormBlock } from '../types/bundle.generated.ts'
import { bandExpression, scoreExpression } from './fhirpath.ts'
import { BAND_LINK_ID, SCORE_LINK_ID, bandLinkId } from './link-ids.ts'
import type { Extension, QuestionnaireItem } from './types.ts'
import { CALCULATED_EXPRESSION, MAX_VALUE, MIN_VALUE, VARIABLE } from './urls.ts'

/** The name of the questionnaire-level variable holding the score. */
export const SCORE_VARIABLE = 'score'

/** `integer` when every option value and band limit is a whole number (always, per the format). */
export function scoreItemType(form: FormBlock): 'integer' | 'decimal' {
  const values = form.questions.filter(isScored).flatMap((q) => q.options.map((o) => o.value ?? 0))
  const limits = (form.scoring?.bands ?? []).flatMap((b) => [b.min, b.max])
  return [...values, ...limits].every(Number.isInteger) ? 'integer' : 'decimal'
}

/** The questionnaire-level `variable` extension computing the score, for scored forms. */
export function scoreVariable(form: FormBlock): Extension {
  return { url: VARIABLE, valueExpression: { name: SCORE_VARIABLE, language: 'text/fhirpath', expression: scoreExpression(form) } }
}

/** The score and band items, for a scored form. */
export function scoreItems(form: FormBlock): QuestionnaireItem[] {
  const scoring = form.scoring
  if (!scoring) return []
  const type = scoreItemType(form)
  const key = type === 'integer' ? 'valueInteger' : 'valueDecimal'
  const bands = [...scoring.bands].sort((a, b) => a.min - b.min)
  const score: QuestionnaireItem = {
    linkId: SCORE_LINK_ID,
    text: 'Summa poäng',
    type,
    readOnly: true,
    extension: [
      calculated(`%${SCORE_VARIABLE}`, 'The sum of the chosen options’ ordinal values'),
      { url: MIN_VALUE, [key]: scoring.min },
      { url: MAX_VALUE, [key]: scoring.max },
    ],
    item: bands.map((band, i) => ({
      linkId: bandLinkId(i),
      type: 'display',
      text: `${band.min}–${band.max} poäng: ${band.label}.${band.text ? ` ${band.text}` : ''}`,
    })),
  }
  const band: QuestionnaireItem = {
    linkId: BAND_LINK_ID,
    text: 'Nivå',
    type: 'string',
    readOnly: true,
    extension: [calculated(bandExpression(form, `%${SCORE_VARIABLE}`), 'The label of the band the score falls in')],
  }
  return [score, band]
}

function calculated(expression: string, description: string): Extension {
  return { url: CALCULATED_EXPRESSION, valueExpression: { language: 'text/fhirpath', expression, description } }
}
