// Validates frontmatter data against its schema, reporting at the position of the field.
import { diagnostic } from '../diagnostics/diagnostic.ts'
import { spanOfPath, type SplitFile } from '../load/frontmatter.ts'
import { schemaProblems, validator } from '../schemas.ts'
import type { ResolveContext } from './context.ts'

/** The frontmatter as T when it is valid; null (after reporting) when not. */
export function checkFrontmatter<T>(
  ctx: ResolveContext,
  kind: 'programme' | 'module' | 'section',
): T | null {
  const split: SplitFile = ctx.split
  if (split.data === null) return null
  const validate = validator(`${kind}.schema.json`)
  if (validate(split.data)) return split.data as T
  for (const problem of schemaProblems(validate.errors)) {
    const span = spanOfPath(split, problem.path, problem.atKey)
    ctx.diagnostics.push(diagnostic('PLUS111', span, { field: problem.atKey ? '' : problem.field, sv: problem.sv, en: problem.en, kind }))
  }
  return null
}
