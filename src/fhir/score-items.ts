// The score of an assessment as two read-only calculated items (SDC calculatedExpression):
// the total, and the label of the band it falls in. R4 has no element for interpretation
// ranges, so the bands are (1) computable, in the band item's FHIRPath, and (2) readable, as
// display items inside the score item with each band's range, label and text.
import { bandLevel, isScored } from '../scoring/index.ts'
import type { BandLevel, FormBlock, Question } from '../types/bundle.generated.ts'
import { alertsExpression, bandExpression, bandLevelExpression, scoreExpression } from './fhirpath.ts'
import { ALERTS_LINK_ID, BAND_LEVEL_LINK_ID, BAND_LINK_ID, SCORE_LINK_ID, bandLinkId } from './link-ids.ts'
import type { Coding, Extension, QuestionnaireItem } from './types.ts'
import { CALCULATED_EXPRESSION, MAX_VALUE, MIN_VALUE, QUESTIONNAIRE_HIDDEN, VARIABLE } from './urls.ts'

/** The band levels in order of seriousness, with the Swedish words the preview uses. */
export const BAND_LEVELS: ReadonlyArray<{ code: BandLevel; display: string }> = [
  { code: 'info', display: 'Information' },
  { code: 'attention', display: 'Behöver uppmärksamhet' },
  { code: 'urgent', display: 'Akut: hänvisar till 112 eller Självmordslinjen' },
]

/** A band level as a coding in the programme's band-level code system. */
export function levelCoding(level: BandLevel, system: string): Coding {
  const { display } = BAND_LEVELS.find((l) => l.code === level)!
  return { system, code: level, display }
}

/** The coding that names an alert question: its id and prompt (no system, like option codings). */
export function alertCoding(question: Question): Coding {
  return { code: question.id, display: question.prompt }
}

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

/**
 * The score and band items, for a scored form. Each band description carries its level as its
 * `code`; `plus.band-level` computes the level of the band the score falls in.
 */
export function scoreItems(form: FormBlock, levelSystem: string): QuestionnaireItem[] {
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
      code: [levelCoding(bandLevel(band), levelSystem)],
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
  const level: QuestionnaireItem = {
    linkId: BAND_LEVEL_LINK_ID,
    text: 'Nivåns allvar',
    type: 'choice',
    readOnly: true,
    extension: [calculated(bandLevelExpression(form, `%${SCORE_VARIABLE}`, BAND_LEVEL_LINK_ID), 'The level of the band the score falls in: one of this item’s own answer options')],
    answerOption: BAND_LEVELS.map((l) => ({ valueCoding: levelCoding(l.code, levelSystem) })),
  }
  return [score, band, level]
}

/**
 * The clinician's item listing the questions whose answer alerts them whatever the score (a
 * question's `alertFrom`), for forms that have such questions. Hidden from the person
 * answering: the patient's result never says what is flagged to the clinician.
 */
export function alertsItem(form: FormBlock): QuestionnaireItem[] {
  const questions = form.questions.filter((q) => q.alertFrom !== null)
  if (questions.length === 0) return []
  return [
    {
      linkId: ALERTS_LINK_ID,
      text: 'Svar som behandlaren ska uppmärksamma, oavsett poäng',
      type: 'choice',
      repeats: true,
      readOnly: true,
      extension: [
        { url: QUESTIONNAIRE_HIDDEN, valueBoolean: true },
        calculated(alertsExpression(questions, ALERTS_LINK_ID), 'The questions answered at or above their alert value'),
      ],
      answerOption: questions.map((q) => ({ valueCoding: alertCoding(q) })),
      item: questions.map((q) => ({
        linkId: `${ALERTS_LINK_ID}.${q.id}`,
        type: 'display',
        text: `${q.prompt}: svar med poäng ${q.alertFrom} eller mer uppmärksammas.`,
      })),
    },
  ]
}

function calculated(expression: string, description: string): Extension {
  return { url: CALCULATED_EXPRESSION, valueExpression: { language: 'text/fhirpath', expression, description } }
}
