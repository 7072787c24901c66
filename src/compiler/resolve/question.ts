// `:::question{#id type=…}`: the first paragraph is the question, a list gives the options,
// anything else is help text.
import type { List, RootContent } from 'mdast'
import type { ContainerDirective } from 'mdast-util-directive'
import type { Question } from '../../types/bundle.generated.ts'
import type { QuestionAttributes } from '../../types/content.generated.ts'
import { checkAttributes, idOf } from './attributes.ts'
import { headSpan, report, spanOf, type ResolveContext } from './context.ts'
import { resolveOptions } from './options.ts'
import { KNOWN_DIRECTIVES, reportUnknown } from './directives.ts'
import { isBlank, toPlainText, toRichText } from './text.ts'

const CHOICE = new Set(['scale', 'single', 'multiple'])

export function resolveQuestion(ctx: ResolveContext, node: ContainerDirective): Question | null {
  const attrs = checkAttributes<QuestionAttributes>(ctx, node)
  const id = attrs?.id ?? idOf(node)
  const body = node.children.filter((c) => !(c.type === 'paragraph' && (c.data as { directiveLabel?: boolean } | undefined)?.directiveLabel))
  const promptNode = body.find((c) => c.type === 'paragraph')
  const lists = body.filter((c): c is List => c.type === 'list')
  const help = body.filter((c) => c !== promptNode && c.type !== 'list') as RootContent[]
  for (const child of body) {
    if ((child.type === 'containerDirective' || child.type === 'leafDirective') && !KNOWN_DIRECTIVES.includes(child.name)) {
      reportUnknown(ctx, child, [])
    } else if (child.type === 'containerDirective' || child.type === 'leafDirective') {
      report(ctx, 'PLUS203', headSpan(ctx, child), { name: child.name, parent: 'question', expected: child.name === 'question' || child.name === 'scoring' ? 'form' : 'step' })
    }
  }
  const prompt = promptNode ? toPlainText(ctx, [promptNode]) : ''
  if (!prompt) report(ctx, 'PLUS212', headSpan(ctx, node), { id })
  const options = lists.flatMap((list) => resolveOptions(ctx, list, id))
  if (!attrs) return null
  const type = attrs.type
  if (CHOICE.has(type) && options.length < 2) {
    report(ctx, 'PLUS213', headSpan(ctx, node), { type, count: options.length, expected: 'two' })
  }
  if (!CHOICE.has(type) && lists.length > 0) {
    report(ctx, 'PLUS213', spanOf(ctx, lists[0]!), { type, count: options.length, expected: 'none' })
  }
  if (type === 'scale') {
    for (const option of options.filter((o) => o.value === null)) {
      report(ctx, 'PLUS218', headSpan(ctx, node), { option: option.label, question: id, reason: 'scale' })
    }
  }
  const alertFrom = attrs.alert === undefined ? null : Number(attrs.alert)
  if (alertFrom !== null) {
    const values = options.map((o) => o.value).filter((v): v is number => v !== null)
    if (type !== 'scale' && type !== 'single') report(ctx, 'PLUS223', headSpan(ctx, node), { reason: 'type', type, id })
    else if (values.length > 0 && Math.max(...values) < alertFrom) {
      report(ctx, 'PLUS223', headSpan(ctx, node), { reason: 'unreachable', value: alertFrom, id, max: Math.max(...values) })
    } else if (values.length === 0) report(ctx, 'PLUS218', headSpan(ctx, node), { option: options[0]?.label ?? '', question: id, reason: 'form' })
  }
  const helpNodes = help.filter((c) => c.type !== 'containerDirective' && c.type !== 'leafDirective')
  const number = (value: string | undefined) => (value === undefined ? null : Number(value))
  return {
    id,
    type,
    prompt,
    help: helpNodes.length > 0 && !isBlank(helpNodes) ? toRichText(ctx, helpNodes) : null,
    required: attrs.required === '' || attrs.required === 'true',
    options: CHOICE.has(type) ? options : [],
    min: type === 'number' ? number(attrs.min) : null,
    max: type === 'number' ? number(attrs.max) : null,
    unit: type === 'number' ? (attrs.unit ?? null) : null,
    rows: type === 'text' ? number(attrs.rows) : null,
    alertFrom: type === 'scale' || type === 'single' ? alertFrom : null,
  }
}
