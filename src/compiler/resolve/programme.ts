// programme.md: the programme's frontmatter (id, version, duration, flags) and the default
// welcome text as the body.
import type { Root } from 'mdast'
import type { ProgrammeFrontmatter } from '../../types/content.generated.ts'
import type { IRProgramme } from '../ir.ts'
import { spanOfPath } from '../load/frontmatter.ts'
import type { ResolveContext } from './context.ts'
import { checkFrontmatter } from './frontmatter-data.ts'
import { report, spanOf } from './context.ts'
import { isBlank, toRichText } from './text.ts'

export function resolveProgramme(ctx: ResolveContext, tree: Root): IRProgramme | null {
  const data = checkFrontmatter<ProgrammeFrontmatter>(ctx, 'programme')
  if (tree.children.length === 0 || isBlank(tree.children)) {
    report(ctx, 'PLUS210', spanOf(ctx, tree), { name: 'programme.md' })
  }
  const welcome = toRichText(ctx, tree.children)
  if (!data) return null
  const span = spanOfPath(ctx.split, ['id'])
  ctx.collected.ids.push({ id: data.id, kind: 'programme', span })
  return {
    id: data.id,
    title: data.title,
    version: data.version,
    durationDays: data.durationDays,
    welcome,
    flags: data.flags.map((flag) => ({
      type: 'flag',
      id: flag.id,
      trigger: flag.trigger,
      recipient: flag.recipient,
      days: flag.days ?? 0,
      title: flag.title,
      text: flag.text,
    })),
    requirements: data.requirements
      ? {
          sections: data.requirements.sections ?? 0,
          steps: data.requirements.steps ?? 0,
          films: data.requirements.films ?? 0,
          assessments: data.requirements.assessments ?? 0,
          exercises: data.requirements.exercises ?? 0,
          safetyModules: data.requirements.safetyModules ?? [],
          span: spanOfPath(ctx.split, ['requirements'], true),
        }
      : null,
    flagSpans: data.flags.map((_, i) => spanOfPath(ctx.split, ['flags', i, 'text'])),
    span,
  }
}
