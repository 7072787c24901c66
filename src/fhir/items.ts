// One PLUS question as one Questionnaire item.
//   scale, single → choice (radio buttons)      multiple → choice, repeats (check boxes)
//   text → text (with maxLength)                number → integer or decimal, min/max, unit
// Options become answerOptions with a valueCoding (code = option id, display = label) and their
// score as the R4 ordinalValue extension. Help text is a display child with itemControl `help`.
import { MAX_TEXT_ANSWER } from '../scoring/index.ts'
import type { Option, Question } from '../types/bundle.generated.ts'
import { helpLinkId } from './link-ids.ts'
import type { Extension, QuestionnaireAnswerOption, QuestionnaireItem, QuestionnaireItemType } from './types.ts'
import { ITEM_CONTROL, ITEM_CONTROL_SYSTEM, MAX_VALUE, MIN_VALUE, ORDINAL_VALUE, QUESTIONNAIRE_UNIT } from './urls.ts'

/**
 * A number question is an `integer` item when it has limits and they are whole numbers (0–10,
 * 0–60 glasses): the format has no way to say "whole numbers only", so the limits are the best
 * evidence there is. Without limits, or with a fractional limit, it is `decimal`.
 */
export function numberItemType(question: Question): 'integer' | 'decimal' {
  const limits = [question.min, question.max].filter((v): v is number => v !== null)
  return limits.length > 0 && limits.every(Number.isInteger) ? 'integer' : 'decimal'
}

/** The FHIR item type of a question. */
export function itemType(question: Question): QuestionnaireItemType {
  switch (question.type) {
    case 'scale':
    case 'single':
    case 'multiple':
      return 'choice'
    case 'text':
      return 'text'
    case 'number':
      return numberItemType(question)
    default: {
      const never: never = question.type
      throw new Error(`unknown question type ${String(never)}`)
    }
  }
}

export function questionItem(question: Question): QuestionnaireItem {
  const type = itemType(question)
  const extension: Extension[] = []
  if (type === 'choice') extension.push(itemControl(question.type === 'multiple' ? 'check-box' : 'radio-button'))
  if (question.type === 'number') {
    const key = type === 'integer' ? 'valueInteger' : 'valueDecimal'
    if (question.min !== null) extension.push({ url: MIN_VALUE, [key]: question.min })
    if (question.max !== null) extension.push({ url: MAX_VALUE, [key]: question.max })
    if (question.unit !== null) extension.push({ url: QUESTIONNAIRE_UNIT, valueCoding: { display: question.unit } })
  }
  // Built in the order of the R4 element definitions, which is how FHIR JSON is usually read.
  const item: QuestionnaireItem = { linkId: question.id, text: question.prompt, type }
  if (extension.length) item.extension = extension
  item.required = question.required
  if (question.type === 'multiple') item.repeats = true
  if (question.type === 'text') item.maxLength = MAX_TEXT_ANSWER
  if (type === 'choice') item.answerOption = question.options.map(answerOption)
  if (question.help) item.item = [helpItem(question.id, question.help.text)]
  return item
}

/** An answer option. Codings carry no system: option ids are only unique within their question. */
function answerOption(option: Option): QuestionnaireAnswerOption {
  const answer: QuestionnaireAnswerOption = { valueCoding: { code: option.id, display: option.label } }
  if (option.value !== null) answer.extension = [{ url: ORDINAL_VALUE, valueDecimal: option.value }]
  return answer
}

/** A help text: a display item that renderers show as help for its parent (SDC itemControl `help`). */
function helpItem(questionId: string, text: string): QuestionnaireItem {
  return { linkId: helpLinkId(questionId), text, type: 'display', extension: [itemControl('help')] }
}

export function itemControl(code: 'radio-button' | 'check-box' | 'help'): Extension {
  const display = { 'radio-button': 'Radio Button', 'check-box': 'Check-box', help: 'Help-Button' }[code]
  return { url: ITEM_CONTROL, valueCodeableConcept: { coding: [{ system: ITEM_CONTROL_SYSTEM, code, display }] } }
}
