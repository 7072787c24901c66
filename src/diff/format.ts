// A diff as text: a header with counts, the warnings summed up, then the changes grouped under
// the programme and each module, with a sub-heading per form. Lines with warnings start with
// VARNING/WARNING and say what the warning means for stored answers.
import { en } from './text-en.ts'
import { sv } from './text-sv.ts'
import type { DiffText } from './text.ts'
import type { BundleDiff, Change, FormPlace, Ref } from './types.ts'
import { warningCounts } from './warnings.ts'

/** The languages a diff can be written in. */
export type DiffLang = 'sv' | 'en'

const texts: Record<DiffLang, DiffText> = { sv, en }

/** Writes a diff for people (Swedish by default). Ends with a newline. */
export function formatDiff(diff: BundleDiff, lang: DiffLang = 'sv'): string {
  const text = texts[lang]
  if (!text) throw new TypeError(`formatDiff(): unknown language ${JSON.stringify(lang)}, expected "sv" or "en"`)
  const warned = diff.changes.filter((c) => c.warnings.length > 0)
  const lines = [text.header(diff, warned.length)]
  if (diff.changes.length === 0) return `${lines[0]}\n`

  const counts = warningCounts(diff)
  if (counts.length > 0) {
    lines.push('', text.warningsHeading)
    for (const { warning, count } of counts) lines.push(`  ${count} × ${text.warning(warning)}`)
  }

  let group: string | null = null
  let form: string | null = null
  for (const change of diff.changes) {
    const where = groupOf(change)
    const key = where === 'programme' ? 'programme' : `module:${where.id}`
    if (key !== group) {
      group = key
      form = null
      lines.push('', where === 'programme' ? text.programmeHeading : text.moduleHeading(where))
    }
    const inForm = formOf(change)
    if (inForm && inForm.form.id !== form) {
      form = inForm.form.id
      lines.push(`  ${text.formHeading(inForm.form, inForm.at)}`)
    } else if (!inForm) form = null
    const indent = inForm ? '    ' : '  '
    const [first = '', ...details] = text.change(change)
    const warning = change.warnings.length
      ? `${text.warningLabel}: ${first.replace(/[.:]$/, '')} – ${change.warnings.map((w) => text.warning(w)).join('; ')}.`
      : first
    lines.push(`${indent}- ${warning}`, ...details.map((d) => `${indent}    · ${d}`))
  }
  return lines.join('\n') + '\n'
}

/** The heading a change is listed under: the programme, or the module it sits in (now). */
function groupOf(change: Change): 'programme' | Ref {
  switch (change.type) {
    case 'programme-changed':
    case 'flag-added':
    case 'flag-removed':
    case 'flag-changed':
      return 'programme'
    case 'module-added':
    case 'module-removed':
    case 'module-moved':
    case 'module-changed':
    case 'review-changed':
      return change.module
    case 'section-added':
    case 'section-changed':
    case 'step-added':
    case 'step-changed':
    case 'form-added':
    case 'form-changed':
      return change.at.module
    case 'section-removed':
    case 'step-removed':
    case 'form-removed':
      return change.from.module
    case 'section-moved':
    case 'step-moved':
    case 'form-moved':
      return change.to.module
    default:
      return change.at.module
  }
}

/** The form a change is about, when it is about a form's content (listed under the form). */
function formOf(change: Change): { form: Ref; at: FormPlace } | null {
  switch (change.type) {
    case 'form-changed':
    case 'question-added':
    case 'question-removed':
    case 'question-moved':
    case 'question-type-changed':
    case 'question-changed':
    case 'option-added':
    case 'option-removed':
    case 'option-relabelled':
    case 'option-value-changed':
    case 'option-moved':
    case 'scoring-added':
    case 'scoring-removed':
    case 'score-range-changed':
    case 'bands-changed':
    case 'band-text-changed':
      return { form: change.form, at: change.at }
    default:
      return null
  }
}
