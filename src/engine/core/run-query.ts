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
import type { NotificationPreferences, RoleGrant, StoredAuditEntry } from '../store/types.ts'
import {
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
import type { Gate } from './gate.ts'

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

/** Runs one query as the actor. Throws EngineRefusal when refused, TypeError on misuse. */
export function runQuery<Q extends Query>(ctx: EngineContext, gate: Gate, actor: Actor, q: Q): QueryResults[Q['type']] {
  if (q === null || typeof q !== 'object' || !Object.hasOwn(PERMISSIONS, q.type)) throw new TypeError('Expected a query')
  return answer(ctx, gate, actor, q) as QueryResults[Q['type']]
}

/** Logs one read per programme shown (or one without a programme when the answer is empty). */
function logRows(ctx: EngineContext, gate: Gate, actor: Actor, action: Action, at: string, rows: readonly ProgrammeState[]): void {
  ctx.store.transaction(() => (rows.length === 0 ? gate.logOk(actor, action, at, null) : rows.forEach((p) => gate.logOk(actor, action, at, p))))
}

function answer(ctx: EngineContext, gate: Gate, actor: Actor, q: Query): unknown {
  const { store, content } = ctx
  const at = ctx.now()
  switch (q.type) {
    case 'patient-programmes': {
      const { who } = gate.pass(actor, q.type, at)
      const today = localDate(at)
      const mine = store.listProgrammes({ patient: who.patient ?? '', statuses: OPEN }).filter((p) => isOpenToPatient(p, today))
      logRows(ctx, gate, actor, q.type, at, mine)
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
      const { state } = gate.pass(actor, q.type, at, q.programmeId)
      if (!state) throw new Error('unreachable')
      if (actor.kind === 'patient' && !isOpenToPatient(state, localDate(at))) {
        gate.refuse(actor, q.type, refusal('programme-closed', { programmeId: state.programmeId }), at, state)
      }
      const result = programmeQuery(ctx, gate, actor, q, state, at)
      gate.logOk(actor, q.type, at, state)
      return result
    }
    case 'list-mine':
    case 'list-unit':
    case 'list-ended': {
      gate.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable: lists are staff only')
      const rows = store.listProgrammes({
        unitId: actor.unitId,
        ...(q.type === 'list-mine' ? { responsibleUserId: actor.userId } : {}),
        statuses: q.type === 'list-ended' ? ['ended'] : OPEN,
      })
      logRows(ctx, gate, actor, q.type, at, rows)
      return rows.map((p) => listRow(p, actor.userId, at))
    }
    case 'export-ended': {
      // The streamed export (exportEnded) collected into one string, for small units.
      const pieces: string[] = []
      const summary = exportEnded(ctx, gate, actor, q.format, (chunk) => pieces.push(chunk))
      return { ...summary, body: pieces.join('') } satisfies ExportFile
    }
    case 'unit-roles': {
      gate.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable')
      gate.logOk(actor, q.type, at, null)
      return store.unitRoles(actor.unitId)
    }
    case 'notification-preferences': {
      gate.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable')
      gate.logOk(actor, q.type, at, null)
      return store.getPreferences(actor.userId)
    }
    case 'audit-log':
    case 'log-review': {
      gate.pass(actor, q.type, at)
      if (actor.kind !== 'staff') throw new Error('unreachable')
      const from = period(q.from, 'from')
      const to = period(q.to, 'to')
      const entries = store.listAudit({ unitId: actor.unitId }).filter((e) => withinPeriod(e, from, to))
      // The reading is logged after it, so it is not part of what it read.
      gate.logOk(actor, q.type, at, null)
      return q.type === 'audit-log' ? entries : logReview(entries)
    }
    case 'access-log': {
      const { who } = gate.pass(actor, q.type, at)
      const extract = patientAccessLog(store.listAudit({ patient: who.patient ?? '' }), (unitId) => store.getUnit(unitId))
      gate.logOk(actor, q.type, at, null)
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
  gate: Gate,
  actor: Actor,
  q: Extract<Query, { programmeId: string }>,
  state: ProgrammeState,
  at: string,
): unknown {
  const { content, lookup } = ctx
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
      if (!submission) gate.hide(actor, q.type, 'unknown-submission', at, state.programmeId, state)
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
