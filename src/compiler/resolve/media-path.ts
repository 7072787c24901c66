// Normalises an authored media path (relative to its module folder).
import path from 'node:path'
import type { MediaRef } from '../ir.ts'
import type { Span } from '../diagnostics/diagnostic.ts'
import type { ResolveContext } from './context.ts'

/** Records a media reference of the current module file and returns it. */
export function mediaRef(ctx: ResolveContext, raw: string, role: MediaRef['role'], span: Span): MediaRef {
  const ref: MediaRef = {
    moduleDir: ctx.split.file.moduleDir ?? '',
    path: path.posix.normalize(raw.normalize('NFC').replace(/\\/g, '/')),
    role,
    span,
  }
  ctx.collected.media.push(ref)
  return ref
}
