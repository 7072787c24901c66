// `:::film{…}`: a film with captions, poster and duration; its body is the full transcript.
import type { ContainerDirective } from 'mdast-util-directive'
import type { FilmAttributes } from '../../types/content.generated.ts'
import type { IRFilm } from '../ir.ts'
import { checkAttributes } from './attributes.ts'
import { splitLabel } from './callout.ts'
import { headSpan, report, spanOf, type ResolveContext } from './context.ts'
import { mediaRef } from './media-path.ts'
import { isBlank, toRichText } from './text.ts'

/** Seconds of a `m:ss` or `h:mm:ss` duration, or null when it cannot be read. */
export function parseDuration(value: string): number | null {
  const match = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)$/.exec(value.trim())
  if (!match) return null
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3])
  return seconds > 0 ? seconds : null
}

export function resolveFilm(ctx: ResolveContext, node: ContainerDirective): IRFilm | null {
  const attrs = checkAttributes<FilmAttributes>(ctx, node)
  const { body } = splitLabel(node)
  const span = headSpan(ctx, node)
  if (body.length === 0 || isBlank(body)) report(ctx, 'PLUS210', spanOf(ctx, node), { name: 'film' })
  const transcript = toRichText(ctx, body)
  if (!attrs) return null
  ctx.collected.ids.push({ id: attrs.id, kind: 'film', span })
  const durationSeconds = parseDuration(attrs.duration)
  if (durationSeconds === null) {
    report(ctx, 'PLUS219', span, { value: attrs.duration })
    return null
  }
  return {
    type: 'film',
    id: attrs.id,
    title: attrs.title,
    video: attrs.src ? mediaRef(ctx, attrs.src, 'video', span) : null,
    captions: mediaRef(ctx, attrs.captions, 'captions', span),
    poster: mediaRef(ctx, attrs.poster, 'poster', span),
    durationSeconds,
    transcript,
    span,
  }
}
