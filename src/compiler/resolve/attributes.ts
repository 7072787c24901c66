// Validates a directive's attributes against its schema in schemas/directives.schema.json.
import type { Nodes } from 'mdast'
import { directiveSchema, schemaProblems, validator } from '../schemas.ts'
import { headSpan, report, type ResolveContext } from './context.ts'
import { checkDuplicateAttributes } from './directives.ts'

type Directive = Extract<Nodes, { type: 'containerDirective' | 'leafDirective' | 'textDirective' }>

/** The directive's attributes when they are valid; null (after reporting) when they are not. */
export function checkAttributes<T>(ctx: ResolveContext, node: Directive): T | null {
  if (node.type !== 'textDirective') checkDuplicateAttributes(ctx, node)
  const attributes: Record<string, string> = {}
  for (const [key, value] of Object.entries(node.attributes ?? {})) {
    if (value !== null && value !== undefined) attributes[key] = value
  }
  const validate = validator(directiveSchema[node.name]!)
  if (validate(attributes)) return attributes as T
  for (const problem of schemaProblems(validate.errors)) {
    report(ctx, 'PLUS202', headSpan(ctx, node), { name: node.name, field: problem.atKey ? '' : problem.field, sv: problem.sv, en: problem.en })
  }
  return null
}

/** The `#id` of a directive even when other attributes are invalid, so later rules can run. */
export function idOf(node: Directive): string {
  return node.attributes?.id ?? ''
}
