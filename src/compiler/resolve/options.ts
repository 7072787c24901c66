// The answer options of a question: a Markdown list whose items read `[value] Label {#id}`.
//
// Stored answers refer to options by id, so an id must not change when a typo in the label is
// fixed. An option with a value gets its id from the question and the value (`oro-hur-ofta-2`);
// one without a value from its label; `{#id}` overrides both.
import type { List } from 'mdast'
import type { Option } from '../../types/bundle.generated.ts'
import { diagnostic } from '../diagnostics/diagnostic.ts'
import { report, spanOf, type ResolveContext } from './context.ts'
import { slugify } from './slug.ts'
import { toPlainText } from './text.ts'

const OPTION = /^(?:\[\s*(-?\d+)\s*\]\s*)?(.*?)\s*(?:\{#([^}\s]*)\})?$/
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** The id of an option with a value: the question's id and the value, `minus-` for negatives. */
export function valueId(questionId: string, value: number): string {
  return `${questionId}-${value < 0 ? `minus-${-value}` : value}`
}

export function resolveOptions(ctx: ResolveContext, list: List, questionId: string): Option[] {
  const options: Option[] = []
  const seen = new Map<string, ReturnType<typeof spanOf>>()
  for (const item of list.children) {
    const span = spanOf(ctx, item)
    const text = toPlainText(ctx, item.children)
    const match = OPTION.exec(text)
    const label = match?.[2]?.trim() ?? ''
    const bracketed = /^\[[^\]]*\]/.test(text) && match?.[1] === undefined
    const value = match?.[1] === undefined ? null : Number(match[1])
    const id = match?.[3] ?? (value === null ? slugify(label) : valueId(questionId, value))
    if (!match || label === '' || bracketed || !ID.test(id)) {
      report(ctx, 'PLUS211', span, { text: text.length > 50 ? text.slice(0, 47) + '…' : text })
      continue
    }
    const first = seen.get(id)
    if (first) {
      ctx.diagnostics.push(diagnostic('PLUS301', span, { id, scope: `\`${questionId}\`` }, first))
      continue
    }
    seen.set(id, span)
    options.push({ id, label, value: match[1] === undefined ? null : Number(match[1]) })
  }
  return options
}
