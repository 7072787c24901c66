// Changes inside one form kept between versions: questions, options, scoring and bands, with a
// warning wherever answers or scores already stored for the form stop matching the content.
import { bandLevel, isScored } from '../scoring/index.ts'
import type { Band, FormBlock, Option, Question, QuestionType } from '../types/bundle.generated.ts'
import { mergedOrder, movedIds } from './order.ts'
import type { BandSummary, Change, FormPlace, OptionSummary, QuestionChanged, QuestionRef, Ref, Warning } from './types.ts'

/** Question, option and scoring changes between two versions of the same form. */
export function diffFormContent(a: FormBlock, b: FormBlock, at: FormPlace): Change[] {
  const form: Ref = { id: b.id, title: b.title }
  const changes: Change[] = []
  const old = new Map(a.questions.map((q) => [q.id, q]))
  const now = new Map(b.questions.map((q) => [q.id, q]))
  const moved = movedIds(a.questions.map((q) => q.id), b.questions.map((q) => q.id))
  for (const id of mergedOrder([...old.keys()], [...now.keys()])) {
    const qa = old.get(id)
    const qb = now.get(id)
    if (qb && !qa) {
      // Stored submissions have no answer to it: scored again, they would get no score at all.
      const warnings: Warning[] = isScored(qb) && a.scoring && b.scoring ? ['scores-differ'] : []
      changes.push({ type: 'question-added', form, at, question: questionRef(qb), index: b.questions.indexOf(qb), questionType: qb.type, required: qb.required, warnings })
    } else if (qa && !qb) {
      const warnings: Warning[] = ['answers-orphaned']
      if (isScored(qa) && a.scoring) warnings.push('scores-differ')
      changes.push({ type: 'question-removed', form, at, question: questionRef(qa), questionType: qa.type, scored: isScored(qa), warnings })
    } else if (qa && qb) {
      if (moved.has(id)) changes.push({ type: 'question-moved', form, at, question: questionRef(qb), from: a.questions.indexOf(qa), to: b.questions.indexOf(qb), warnings: [] })
      changes.push(...diffQuestion(form, at, qa, qb, a.scoring !== null && b.scoring !== null))
    }
  }
  changes.push(...diffScoring(form, at, a, b))
  return changes
}

/** The shape a stored answer has for each question type (see src/scoring: AnswerValue). */
const answerShape: Record<QuestionType, 'option' | 'options' | 'number' | 'text'> = {
  scale: 'option',
  single: 'option',
  multiple: 'options',
  number: 'number',
  text: 'text',
}

function diffQuestion(form: Ref, at: FormPlace, a: Question, b: Question, scoredBothTimes: boolean): Change[] {
  const question = questionRef(b)
  const changes: Change[] = []
  if (a.type !== b.type) {
    // scale ↔ single keeps the answer shape (one option id), so stored answers still fit, but
    // an answer on a scale is read as a degree and a single choice as one of several things:
    // what a stored answer means changes.
    const warnings: Warning[] = answerShape[a.type] === answerShape[b.type] ? ['answers-meaning-changed'] : ['answer-type-changed']
    if (scoredBothTimes && isScored(a) !== isScored(b)) warnings.push('scores-differ')
    changes.push({ type: 'question-type-changed', form, at, question, before: a.type, after: b.type, warnings })
  }
  const fields: QuestionChanged['changes'] = []
  if (a.prompt !== b.prompt) fields.push({ field: 'prompt', before: a.prompt, after: b.prompt })
  if ((a.help?.html ?? null) !== (b.help?.html ?? null)) fields.push({ field: 'help', before: a.help?.text ?? null, after: b.help?.text ?? null })
  if (a.required !== b.required) fields.push({ field: 'required', before: a.required, after: b.required })
  if (a.min !== b.min) fields.push({ field: 'min', before: a.min, after: b.min })
  if (a.max !== b.max) fields.push({ field: 'max', before: a.max, after: b.max })
  if (a.unit !== b.unit) fields.push({ field: 'unit', before: a.unit, after: b.unit })
  if (a.rows !== b.rows) fields.push({ field: 'rows', before: a.rows, after: b.rows })
  if (a.alertFrom !== b.alertFrom) fields.push({ field: 'alertFrom', before: a.alertFrom, after: b.alertFrom })
  if (fields.length) {
    const narrowed = b.type === 'number' && a.type === 'number' && (raisedMin(a.min, b.min) || loweredMax(a.max, b.max))
    changes.push({ type: 'question-changed', form, at, question, changes: fields, warnings: narrowed ? ['answers-out-of-range'] : [] })
  }
  if (hasOptions(a.type) || hasOptions(b.type)) changes.push(...diffOptions(form, at, question, a, b, scoredBothTimes))
  return changes
}

function hasOptions(type: QuestionType): boolean {
  return type === 'scale' || type === 'single' || type === 'multiple'
}

function raisedMin(before: number | null, after: number | null): boolean {
  return after !== null && (before === null || after > before)
}

function loweredMax(before: number | null, after: number | null): boolean {
  return after !== null && (before === null || after < before)
}

function diffOptions(form: Ref, at: FormPlace, question: QuestionRef, a: Question, b: Question, scored: boolean): Change[] {
  const changes: Change[] = []
  const old = new Map(a.options.map((o) => [o.id, o]))
  const now = new Map(b.options.map((o) => [o.id, o]))
  const moved = movedIds(a.options.map((o) => o.id), b.options.map((o) => o.id))
  // Scoring counts an option without a value as 0 (src/scoring), so null ↔ 0 scores the same.
  const points = (o: Option) => o.value ?? 0
  for (const id of mergedOrder([...old.keys()], [...now.keys()])) {
    const oa = old.get(id)
    const ob = now.get(id)
    if (ob && !oa) {
      changes.push({ type: 'option-added', form, at, question, option: optionSummary(ob), index: b.options.indexOf(ob), warnings: [] })
    } else if (oa && !ob) {
      const warnings: Warning[] = ['answers-orphaned']
      if (scored && points(oa) !== 0) warnings.push('scores-differ')
      changes.push({ type: 'option-removed', form, at, question, option: optionSummary(oa), warnings })
    } else if (oa && ob) {
      const option = { id, title: ob.label }
      if (moved.has(id)) changes.push({ type: 'option-moved', form, at, question, option, from: a.options.indexOf(oa), to: b.options.indexOf(ob), warnings: [] })
      // A stored answer is the option id: under a new label it now says something else.
      if (oa.label !== ob.label) changes.push({ type: 'option-relabelled', form, at, question, optionId: id, before: oa.label, after: ob.label, warnings: ['answers-meaning-changed'] })
      if (oa.value !== ob.value) {
        const warnings: Warning[] = scored && points(oa) !== points(ob) ? ['scores-differ'] : []
        changes.push({ type: 'option-value-changed', form, at, question, option, before: oa.value, after: ob.value, warnings })
      }
    }
  }
  return changes
}

function diffScoring(form: Ref, at: FormPlace, a: FormBlock, b: FormBlock): Change[] {
  if (!a.scoring && !b.scoring) return []
  if (!a.scoring) return [{ type: 'scoring-added', form, at, warnings: ['scores-differ'] }]
  if (!b.scoring) return [{ type: 'scoring-removed', form, at, warnings: ['scores-differ'] }]
  const changes: Change[] = []
  if (a.scoring.min !== b.scoring.min || a.scoring.max !== b.scoring.max) {
    changes.push({ type: 'score-range-changed', form, at, before: { min: a.scoring.min, max: a.scoring.max }, after: { min: b.scoring.min, max: b.scoring.max }, warnings: [] })
  }
  const before = a.scoring.bands.map(bandSummary)
  const after = b.scoring.bands.map(bandSummary)
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    const withoutLevel = (list: BandSummary[]) => JSON.stringify(list.map(({ level: _, ...rest }) => rest))
    const warnings: Warning[] = withoutLevel(before) !== withoutLevel(after) ? ['bands-differ'] : []
    changes.push({ type: 'bands-changed', form, at, before, after, warnings })
  }
  for (const band of b.scoring.bands) {
    const same = a.scoring.bands.find((x) => x.min === band.min && x.max === band.max && x.label === band.label)
    if (same && same.html !== band.html) {
      changes.push({ type: 'band-text-changed', form, at, band: bandSummary(band), before: same.text, after: band.text, warnings: [] })
    }
  }
  return changes
}

function questionRef(q: Question): QuestionRef {
  return { id: q.id, prompt: q.prompt }
}

function optionSummary(o: Option): OptionSummary {
  return { id: o.id, label: o.label, value: o.value }
}

function bandSummary(band: Band): BandSummary {
  return { min: band.min, max: band.max, label: band.label, level: bandLevel(band) }
}
