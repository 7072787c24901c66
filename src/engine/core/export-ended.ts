// The dataadministratör's export of the unit's ended programmes, streamed: programmes are read a
// page at a time, each page's reads are logged, and the file is handed to the host's `write` as
// it is made, so memory stays flat however many programmes the unit has ended. The last audit
// entry names the format and the number of data rows written.
import { auditEntry } from '../audit.ts'
import { type ExportFormat, type ExportHeader, type ExportTally, exportHeader, unitExportChunks } from '../export.ts'
import { PERMISSIONS } from '../permissions.ts'
import type { Actor } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import type { EngineContext } from './context.ts'
import type { Gate } from './gate.ts'

/** Ended programmes read (and logged) per page. */
export const EXPORT_PAGE = 500

/** What a streamed export wrote. */
export type ExportSummary = ExportHeader & ExportTally

/**
 * Streams the actor's unit's ended programmes to `write` in `format`. Refusals (role, unit) are
 * thrown before anything is written. `header` is called once, before the first piece, with the
 * file name and media type (for the host's response headers).
 */
export function exportEnded(
  ctx: EngineContext,
  gate: Gate,
  actor: Actor,
  format: ExportFormat,
  write: (chunk: string) => void,
  header?: (header: ExportHeader) => void,
): ExportSummary {
  const at = ctx.now()
  gate.pass(actor, 'export-ended', at)
  if (actor.kind !== 'staff') throw new Error('unreachable: exports are staff only')
  if (format !== 'json' && format !== 'csv') throw new TypeError('format must be json or csv')
  if (typeof write !== 'function') throw new TypeError('exportEnded needs a write function')
  const { store } = ctx
  const { unitId } = actor
  const head = exportHeader(unitId, at, format)
  header?.(head)

  function* pages(): Generator<ProgrammeState> {
    let after: string | null = null
    for (;;) {
      const page = store.listProgrammePage({ unitId, statuses: ['ended'] }, after, EXPORT_PAGE)
      if (page.length === 0) return
      // Logged as read before any of it is handed out.
      store.transaction(() => page.forEach((p) => gate.logOk(actor, 'export-ended', at, p)))
      yield* page
      after = page.at(-1)?.programmeId ?? null
      if (page.length < EXPORT_PAGE) return
    }
  }

  const tally: ExportTally = { programmes: 0, rows: 0 }
  for (const chunk of unitExportChunks(unitId, pages(), at, format, tally)) write(chunk)
  store.appendAudit(
    auditEntry(actor, {
      at,
      programmeId: null,
      action: 'export-ended',
      access: PERMISSIONS['export-ended'].access,
      outcome: 'ok',
      refusalCode: null,
      exportFormat: format,
      rowCount: tally.rows,
    }),
  )
  return { ...head, ...tally }
}
