// The real programme, compiled once per test file, and answers to its forms.
import { fileURLToPath } from 'node:url'
import { compile } from '../../src/compiler/index.ts'
import { parseBundle } from '../../src/bundle/load.ts'
import type { Answers } from '../../src/scoring/index.ts'
import type { FormBlock, PlusBundle } from '../../src/types/index.ts'

const contentDir = fileURLToPath(new URL('../../content/', import.meta.url))
let compiled: Promise<PlusBundle> | null = null

/** The bundle compiled from content/ (the seven modules). */
export function realBundle(): Promise<PlusBundle> {
  compiled ??= compile({ contentDir }).then((result) => {
    if (!result.output) throw new Error(`content/ does not compile: ${result.diagnostics.map((d) => d.code).join(', ')}`)
    return result.output.bundle
  })
  return compiled.then((bundle) => structuredClone(bundle))
}

/** A changed copy of a bundle, checked against the bundle schema so edits stay realistic. */
export function edited(bundle: PlusBundle, edit: (copy: PlusBundle) => void): PlusBundle {
  const copy = structuredClone(bundle)
  edit(copy)
  return parseBundle(copy)
}

export function formsOf(bundle: PlusBundle): FormBlock[] {
  return bundle.programme.modules.flatMap((m) => m.sections.flatMap((s) => s.steps.flatMap((t) => t.blocks))).filter((b): b is FormBlock => b.type === 'form')
}

/** Which answers to give: the first options and lowest numbers, the last and highest, or a mix. */
export type Pick = 'low' | 'high' | 'mixed'

/** Answers to every question of a form, valid for it. */
export function answersFor(form: FormBlock, pick: Pick): Answers {
  const answers: Answers = {}
  form.questions.forEach((q, i) => {
    const n = q.options.length
    const index = pick === 'low' ? 0 : pick === 'high' ? n - 1 : (i * 7) % Math.max(n, 1)
    switch (q.type) {
      case 'scale':
      case 'single': {
        // low and high mean the fewest and most points, whatever order the options are listed in
        // (reverse-scored statements list their highest value first)
        const byValue = [...q.options].sort((a, b) => (a.value ?? 0) - (b.value ?? 0))
        const option = pick === 'low' ? byValue[0] : pick === 'high' ? byValue[n - 1] : q.options[index]
        answers[q.id] = option!.id
        break
      }
      case 'multiple':
        answers[q.id] = pick === 'high' ? q.options.map((o) => o.id) : [q.options[index]!.id]
        break
      case 'text':
        answers[q.id] = `Mitt svar på ${q.id}: "citat", 'apostrof' & <tecken>`
        break
      case 'number': {
        const min = q.min ?? 0
        const max = q.max ?? 100
        answers[q.id] = pick === 'low' ? min : pick === 'high' ? max : Math.round((min + max) / 2)
        break
      }
    }
  })
  return answers
}

/** Answers to the required questions only (the smallest valid submission). */
export function requiredOnly(form: FormBlock): Answers {
  const all = answersFor(form, 'mixed')
  return Object.fromEntries(form.questions.filter((q) => q.required).map((q) => [q.id, all[q.id]!]))
}
