// The dataadministratör's export of the unit's ended programmes, streamed: programmes are read a
// page at a time, each page's reads are logged, and the file is handed to the host's `write` as
// it is made, so memory stays flat however many programmes the unit has ended. The last audit
// entry names the format and the number of data rows written.
import { auditEntry } from '../audit.ts'
import { exportClosing, type ExportFormat, type ExportHeader, exportOpening, exportPiece, type ExportTally, exportHeader } from '../export.ts'
import { PERMISSIONS } from '../permissions.ts'
import type { Actor } from '../roles.ts'
import type { EngineContext } from './context.ts'
import type { Gate } from './gate.ts'

/** Ended programmes read (and logged) per page. */
export const EXPORT_PAGE = 500

/** What a streamed export wrote. */
export type ExportSummary = ExportHeader & ExportTally

/**
 * Streams the actor's unit's ended programmes to `write` in `format`. Refusals (role, unit) are
 * thrown before anything is written. `header` is called once, before the first piece, with the
 * file name and media type (for the host's response headers). When `write` (or `header`)
 * returns a promise (a stream's backpressure), the next piece waits for it; any other return
 * value (`stream.write`'s boolean) is ignored. Each page is read and logged in a
 * transaction of its own, and written after it commits, so a slow reader never holds the store.
 */
export async function exportEnded(
  ctx: EngineContext,
  gate: Gate,
  actor: Actor,
  format: ExportFormat,
  write: (chunk: string) => unknown,
  header?: (header: ExportHeader) => unknown,
): Promise<ExportSummary> {
  const at = ctx.now()
  await gate.run((g) => g.pass(actor, 'export-ended', at))
  if (actor.kind !== 'staff') throw new Error('unreachable: exports are staff only')
  if (format !== 'json' && format !== 'csv') throw new TypeError('format must be json or csv')
  if (typeof write !== 'function') throw new TypeError('exportEnded needs a write function')
  const { store } = ctx
  const { unitId } = actor
  const head = exportHeader(unitId, at, format)
  const announced = header?.(head)
  if (isThenable(announced)) await announced

  const tally: ExportTally = { programmes: 0, rows: 0 }
  // Awaited only when it is a promise (a thenable): a plain write costs no extra turn of the loop.
  const put = async (chunk: string): Promise<void> => {
    const written = write(chunk)
    if (isThenable(written)) await written
  }
  await put(exportOpening(unitId, at, format))
  let after: string | null = null
  for (;;) {
    const from = after
    const page = await gate.run(async (g) => {
      const read = await g.tx.listProgrammePage({ unitId, statuses: ['ended'] }, from, EXPORT_PAGE)
      // Logged as read before any of it is handed out.
      for (const p of read) await g.logOk(actor, 'export-ended', at, p)
      return read
    })
    for (const state of page) await put(exportPiece(state, format, tally))
    after = page.at(-1)?.programmeId ?? null
    if (page.length < EXPORT_PAGE) break
  }
  const closing = exportClosing(format)
  if (closing !== '') await put(closing)
  await store.appendAudit(
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

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function'
}
