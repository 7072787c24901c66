// Valid answers to a real form at a chosen level, for the demo and the engine benchmark: the
// option at `level` on scales and single choices (0 = the first, or the lowest value), a number `level` above the
// minimum, and a text wherever `textFor` gives one.
import type { Answers } from '../src/scoring/index.ts'
import type { FormBlock, Question } from '../src/types/bundle.generated.ts'

export function sampleAnswers(form: FormBlock, level: number, textFor: (question: Question) => string | null): Answers {
  const answers: Answers = {}
  for (const q of form.questions) {
    switch (q.type) {
      case 'scale':
      case 'single': {
        // By value where options carry values: a reverse-scored question lists its highest value
        // first, and `level` means severity, not position.
        const ordered = q.options.every((o) => o.value !== null) ? [...q.options].sort((a, b) => a.value! - b.value!) : q.options
        const option = ordered[Math.min(level, ordered.length - 1)]
        if (option) answers[q.id] = option.id
        break
      }
      case 'multiple':
        answers[q.id] = q.options.slice(0, 1 + (level % 2)).map((o) => o.id)
        break
      case 'number': {
        const min = q.min ?? 0
        answers[q.id] = Math.min(q.max ?? min + level, min + level)
        break
      }
      case 'text': {
        const text = textFor(q)
        if (text !== null) answers[q.id] = text
        break
      }
    }
  }
  return answers
}
