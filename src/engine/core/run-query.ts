// Running a query: the gate, the patient's lifecycle check, the view, and the audit entry for
// every programme the answer shows.
import { localDate } from '../calendar.ts'
import { type ExportFile, type PatientExport, patientExport } from '../export.ts'
import { isOpenToPatient, patientAccessOn } from '../lifecycle.ts'
import type { Action } from '../permissions.ts'
import { PERMISSIONS } from '../permissions.ts'
import type { Query } from '../queries.ts'
import { refusal } from '../refusals.ts'
import type { Actor } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import { logReview, type AccessLogEntry, patientAccessLog, type ReviewFinding, withinPeriod } from '../audit-views.ts'
import type { NotificationPreferences, RoleGrant, StoredAuditEntry, Unit } from '../store/types.ts'
import {
  type ContentLookup,
  type EventsView,
  eventsView,
  listRow,
  type MessageView,
  messageViews,
  type Overview,
  overview,
  type PatientProgrammeSummary,
  type PatientView,
  patientView,
  type ProgrammeListRow,
  programmeTitle,
  type ProgrammeTree,
  programmeTree,
  type SubmissionView,
  submissionView,
} from '../views.ts'
import { type EngineContext, OPEN } from './context.ts'
import { exportEnded } from './export-ended.ts'
import type { Gate, GateTx } from './gate.ts'

/** The result type of each query. */
export interface QueryResults {
  'patient-programmes': PatientProgrammeSummary[]
  'patient-view': PatientView
  messages: MessageView[]
  'patient-export': PatientExport
  'programme-tree': ProgrammeTree
  overview: Overview
  events: EventsView
  submission: SubmissionView
  'list-mine': ProgrammeListRow[]
  'list-unit': ProgrammeListRow[]
  'list-ended': ProgrammeListRow[]
  'export-ended': ExportFile
  'unit-roles': RoleGrant[]
  'notification-preferences': NotificationPreferences
  'audit-log': StoredAuditEntry[]
  'log-review': ReviewFinding[]
  'access-log': AccessLogEntry[]
}

/**
 * Runs one query as the actor, in one transaction (the gate, the reads and their audit entries).
 * Rejects with EngineRefusal when refused, TypeError on misuse.
 */
export async function runQuery<Q extends Query>(ctx: EngineContext, gate: Gate, actor: Actor, q: Q): Promise<QueryResults[Q['type']]> {
  if (q === null || typeof q !== 'object' || !Object.hasOwn(PERMISSIONS, q.type)) throw new TypeError('Expected a query')
  if (q.type === 'export-ended') {
    // The streamed export (exportEnded, a transaction per page) collected into one string.
    const pieces: string[] = []
    const summary = await exportEnded(ctx, gate, actor, q.format, (chunk) => {
      pieces.push(chunk)
    })
    return { ...summary, body: pieces.join('') } satisfies ExportFile as QueryResults[Q['type']]
  }
  return (await gate.run((g: GateTx) => answer(ctx, g, actor, q))) as QueryResults[Q['type']]
}

/** Logs one read per programme shown (or one without a programme when the answer is empty). */
async function logRows(g: GateTx, actor: Actor, action: Action, at: string, rows: readonly ProgrammeState[]): Promise<void> {
  if (rows.length === 0) await g.logOk(actor, action, at, null)
  for (const p of rows) await g.logOk(actor, action, at, p)
}

async function answer(ctx: EngineContext, g: GateTx, actor: Actor, q: Query): Promise<unknown> {
  const { content } = ctx
  const { tx } = g
  const at = ctx.now()
  switch (q.type) {
    case 'patient-programmes': {
      const { who } = await g.pass(actor, q.type, at)
      const today = localDate(at)
      const mine = (await tx.listProgrammes({ patient: who.patient ?? '', statuses: OPEN })).filter((p) => isOpenToPatient(p, today))
      await logRows(g, actor, q.type, at, mine)
      return mine.map(
        (p): PatientProgrammeSummary => ({
          programmeId: p.programmeId,
          title: programmeTitle(content),
          startedOn: p.startedOn,
          readOnly: patientAccessOn(p, today) !== 'open',
        }),
      )
    }
    case 'patient-view':
    case 'messages':
    case 'patient-export':
    case 'programme-tree':
    case 'overview':
    case 'events':
    case 'submission': {
      const { state } = await g.pass(actor, q.type, at, q.programmeId)
      if (!state) throw new Error('unreachable')
      if (actor.kind === 'patient' && !isOpenToPatient(state, localDate(at))) {
        g.refuse(actor, q.type, refusal('programme-closed', { programmeId: state.programmeId }), at, state)
      }
      const lookup = await ctx.contentOf(tx, state.submissions.map((s) => s.contentVersion))
      const result = programmeQuery(ctx, g, actor, q, state, at, lookup)
      await g.logOk(actor, q.type, at, state)
      return result
    }
    case 'list-mine':
    case 'list-unit':
    case 'list-ended': {
      await g.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable: lists are staff only')
      const rows = await tx.listProgrammes({
        unitId: actor.unitId,
        ...(q.type === 'list-mine' ? { responsibleUserId: actor.userId } : {}),
        statuses: q.type === 'list-ended' ? ['ended'] : OPEN,
      })
      await logRows(g, actor, q.type, at, rows)
      return rows.map((p) => listRow(p, actor.userId, at))
    }
    case 'export-ended':
      throw new Error('unreachable: export-ended is answered by exportEnded')
    case 'unit-roles': {
      await g.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable')
      await g.logOk(actor, q.type, at, null)
      return tx.unitRoles(actor.unitId)
    }
    case 'notification-preferences': {
      await g.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable')
      await g.logOk(actor, q.type, at, null)
      return tx.getPreferences(actor.userId)
    }
    case 'audit-log':
    case 'log-review': {
      await g.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable')
      const from = period(q.from, 'from')
      const to = period(q.to, 'to')
      const entries = (await tx.listAudit({ unitId: actor.unitId })).filter((e) => withinPeriod(e, from, to))
      // The reading is logged after it, so it is not part of what it read.
      await g.logOk(actor, q.type, at, null)
      return q.type === 'audit-log' ? entries : logReview(entries)
    }
    case 'access-log': {
      const { who } = await g.pass(actor, q.type, at)
      const entries = await tx.listAudit({ patient: who.patient ?? '' })
      const units = new Map<string, Unit | null>()
      for (const e of entries) {
        if (e.unitId !== null && !units.has(e.unitId)) units.set(e.unitId, await tx.getUnit(e.unitId))
      }
      const extract = patientAccessLog(entries, (unitId) => units.get(unitId) ?? null)
      await g.logOk(actor, q.type, at, null)
      return extract
    }
    default: {
      const never: never = q
      throw new TypeError(`Unknown query ${JSON.stringify(never)}`)
    }
  }
}

function programmeQuery(
  ctx: EngineContext,
  g: GateTx,
  actor: Actor,
  q: Extract<Query, { programmeId: string }>,
  state: ProgrammeState,
  at: string,
  lookup: ContentLookup,
): unknown {
  const { content } = ctx
  switch (q.type) {
    case 'patient-view':
      return patientView(state, content, at)
    case 'messages':
      return messageViews(state)
    case 'patient-export':
      return patientExport(state, content, lookup, at)
    case 'programme-tree':
      return programmeTree(state, content, at)
    case 'overview':
      return overview(state, at)
    case 'events':
      return eventsView(state, content, lookup)
    case 'submission': {
      const submission = state.submissions.find((s) => s.submissionId === q.submissionId)
      // An id of another kind (a message's), another programme's or none at all: one answer.
      if (!submission) g.hide(actor, q.type, 'unknown-submission', at, state.programmeId, state)
      return submissionView(submission, content, lookup)
    }
    default: {
      const never: never = q
      throw new TypeError(`Unknown query ${JSON.stringify(never)}`)
    }
  }
}

/** A period bound as ISO 8601 UTC, or undefined. Throws a TypeError on anything but a date-time. */
function period(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN
  if (Number.isNaN(time)) throw new TypeError(`${name} must be an ISO 8601 date-time`)
  return new Date(time).toISOString()
}
