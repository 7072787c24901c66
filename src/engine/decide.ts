// decide(command, state, context) → events or a refusal. Pure: the time, new ids, the actor and
// the facts it needs from outside the programme (roles, units) come in as arguments. Permission
// (role and unit) has already been checked by permissions.ts; decide enforces the workflow.
import { scoreForm, validateAnswers } from '../scoring/index.ts'
import { addDays, daysBetween, isLocalDate, type LocalDate, localDate } from './calendar.ts'
import type { ProgrammeCommand } from './commands.ts'
import type { ContentIndex } from './content.ts'
import { isEndReason } from './end-reasons.ts'
import { patientAccessOn } from './lifecycle.ts'
import type { ProgrammeEvent, ProgrammeEventPayload as EventPayload } from './events.ts'
import { parsePersonnummer } from '../identity/personnummer.ts'
import { normaliseMobileNumber } from './phone.ts'
import { answerTextProblem, checkText } from './text.ts'
import { DEFAULT_MAX_RETENTION_DAYS } from './policy.ts'
import { type Refusal, refusal } from './refusals.ts'
import type { Actor, ActorRef } from './roles.ts'
import type { ProgrammeState } from './state.ts'

/** Longest message, in characters. */
export const MAX_MESSAGE_LENGTH = 5000
/** Longest welcome text, in characters. */
export const MAX_WELCOME_LENGTH = 20_000

/** Facts from outside the programme that decide may ask about. Answers must be deterministic. */
export interface DecideFacts {
  /**
   * Whether the patient (12 digits) has a programme in the unit that is not ended and not waiting
   * for a handover, other than `except`. Each unit's programmes are independent: other units'
   * programmes are never asked about.
   */
  hasOpenProgramme(patient: string, unitId: string, except?: string): boolean
  /** Whether the user holds the behandlare role in the unit. */
  isBehandlare(userId: string, unitId: string): boolean
  /** Whether the care unit exists. */
  unitExists(unitId: string): boolean
}

/** Everything decide needs besides the command and the state. */
export interface DecideContext {
  /** Now, ISO 8601 UTC. */
  now: string
  actor: Actor
  content: ContentIndex
  /** Returns a fresh unique id each call. */
  newId: () => string
  facts: DecideFacts
  /** The longest retention in days after today (the deployment's policy); default 365. */
  maxRetentionDays?: number
}

/** The outcome of a command: the events to append, or why it was refused. */
export type Decision = { ok: true; events: ProgrammeEvent[] } | { ok: false; refusal: Refusal }


/** How an actor is recorded in an event: never with the patient's personnummer. */
export function actorRef(actor: Actor): ActorRef {
  switch (actor.kind) {
    case 'staff':
      return { kind: 'staff', userId: actor.userId, unitId: actor.unitId }
    case 'patient':
      return { kind: 'patient' }
    case 'system':
      return { kind: 'system', process: actor.process }
    default: {
      const never: never = actor
      throw new TypeError(`Unknown actor ${JSON.stringify(never)}`)
    }
  }
}

/** Decides a programme command. `state` is null only for start-programme. */
export function decide(command: ProgrammeCommand, state: ProgrammeState | null, ctx: DecideContext): Decision {
  const today = localDate(ctx.now)
  const by = actorRef(ctx.actor)
  const emit = (...payloads: EventPayload[]): Decision => ({
    ok: true,
    events: payloads.map((p) => ({ ...p, at: ctx.now, by }) as ProgrammeEvent),
  })
  const refuse = (code: Refusal['code'], details: Omit<Refusal, 'code' | 'message'> = {}): Decision => ({
    ok: false,
    refusal: refusal(code, state ? { programmeId: state.programmeId, ...details } : details),
  })

  if (command.type === 'start-programme') {
    if (ctx.actor.kind !== 'staff') return refuse('role-missing', { roles: ['behandlare'] })
    const parsed = parsePersonnummer(command.personnummer, today)
    if (!parsed.ok) return refuse('invalid-personnummer', { personnummerProblem: parsed.problem })
    // Separation of duties: nobody starts a programme for themselves.
    const own = parsePersonnummer(ctx.actor.personnummer, today)
    if (own.ok && own.personnummer.value === parsed.personnummer.value) return refuse('own-personnummer')
    if (ctx.facts.hasOpenProgramme(parsed.personnummer.value, ctx.actor.unitId)) return refuse('programme-already-active')
    const programme = ctx.content.bundle.programme
    return emit({
      type: 'programme-started',
      programmeId: ctx.newId(),
      unitId: ctx.actor.unitId,
      patient: parsed.personnummer.value,
      responsibleUserId: ctx.actor.userId,
      contentVersion: ctx.content.version,
      startedOn: today,
      endsOn: addDays(today, programme.durationDays),
    })
  }

  if (state === null) throw new Error(`decide(${command.type}) needs the programme's state`)
  if (VERSIONED.has(command.type)) {
    // Required: a command that may overwrite another user's change says which version it saw.
    const expected = (command as { expectedVersion?: unknown }).expectedVersion
    if (!Number.isInteger(expected)) throw new TypeError(`${command.type} needs expectedVersion, the programme version it is based on`)
    if (expected !== state.version) return refuse('version-conflict')
  }
  const access = ctx.actor.kind === 'patient' ? patientAccess(command, state, today) : staffAccess(command, state)
  if (access) return refuse(access)

  switch (command.type) {
    case 'start-modules': {
      if (command.modules.length === 0) return refuse('no-modules')
      const seen = new Set<string>()
      const modules: { moduleId: string; closesOn: LocalDate }[] = []
      for (const m of command.modules) {
        if (!ctx.content.modules.has(m.moduleId)) return refuse('unknown-module')
        if (Object.hasOwn(state.modules, m.moduleId) || seen.has(m.moduleId)) return refuse('module-already-started')
        seen.add(m.moduleId)
        const closesOn = m.closesOn ?? state.endsOn
        const problem = closingDateProblem(closesOn, today, state.endsOn)
        if (problem) return refuse(problem)
        modules.push({ moduleId: m.moduleId, closesOn })
      }
      return emit({ type: 'modules-started', modules })
    }
    case 'change-module-closing-date': {
      if (!ctx.content.modules.has(command.moduleId) && !Object.hasOwn(state.modules, command.moduleId)) {
        return refuse('unknown-module')
      }
      if (!Object.hasOwn(state.modules, command.moduleId)) return refuse('module-not-started')
      const problem = closingDateProblem(command.closesOn, today, state.endsOn)
      if (problem) return refuse(problem)
      return emit({
        type: 'module-closing-date-changed',
        moduleId: command.moduleId,
        closesOn: command.closesOn,
      })
    }
    case 'edit-welcome-text': {
      const checked = checkText(command.text, MAX_WELCOME_LENGTH)
      if (!checked.ok) return refuse(checked.problem)
      return emit({ type: 'welcome-text-edited', text: checked.text })
    }
    case 'open-step': {
      const entry = ctx.content.steps.get(command.stepId)
      if (!entry) return refuse('unknown-step')
      if (!Object.hasOwn(state.modules, entry.module.id)) return refuse('module-not-started')
      return emit({ type: 'step-opened', stepId: entry.step.id, moduleId: entry.module.id })
    }
    case 'submit-form': {
      const entry = ctx.content.forms.get(command.formId)
      if (!entry) return refuse('unknown-form')
      const started = state.modules[entry.module.id]
      if (!started) return refuse('module-not-started')
      if (today >= started.closesOn) return refuse('module-closed')
      if (state.submissions.some((s) => s.formId === command.formId)) return refuse('form-already-submitted')
      if (command.answers === null || typeof command.answers !== 'object') return refuse('invalid-answers', { problems: [] })
      if (Object.values(command.answers).some((value) => answerTextProblem(value) !== null)) return refuse('invalid-text')
      const problems = validateAnswers(entry.form, command.answers)
      if (problems.length > 0) return refuse('invalid-answers', { problems })
      const scored = scoreForm(entry.form, command.answers)
      return emit({
        type: 'form-submitted',
        submissionId: ctx.newId(),
        formId: entry.form.id,
        stepId: entry.step.id,
        moduleId: entry.module.id,
        answers: structuredClone(command.answers),
        score: scored.score,
        bandLabel: scored.band?.label ?? null,
        contentVersion: ctx.content.version,
      })
    }
    case 'send-message': {
      const checked = checkText(command.text, MAX_MESSAGE_LENGTH)
      if (!checked.ok) return refuse(checked.problem)
      return emit({
        type: 'message-sent',
        messageId: ctx.newId(),
        from: ctx.actor.kind === 'patient' ? 'patient' : 'clinician',
        text: checked.text,
      })
    }
    case 'mark-messages-read': {
      const reader = ctx.actor.kind === 'patient' ? 'patient' : 'clinician'
      const unread = state.messages.filter((m) => m.from !== reader && m.readAt === null).map((m) => m.messageId)
      return unread.length === 0 ? emit() : emit({ type: 'messages-read', reader, messageIds: unread })
    }
    case 'mark-submission-read': {
      const submission = state.submissions.find((s) => s.submissionId === command.submissionId)
      if (!submission) return refuse('unknown-submission')
      return submission.readAt !== null
        ? emit()
        : emit({ type: 'submission-read', submissionId: submission.submissionId })
    }
    case 'set-mobile-number': {
      if (command.mobileNumber === null || command.mobileNumber.trim() === '') {
        return state.mobileNumber === null ? emit() : emit({ type: 'mobile-number-set', mobileNumber: null })
      }
      const mobileNumber = normaliseMobileNumber(command.mobileNumber)
      if (mobileNumber === null) return refuse('invalid-mobile-number')
      return emit({ type: 'mobile-number-set', mobileNumber })
    }
    case 'change-responsible': {
      if (!ctx.facts.isBehandlare(command.responsibleUserId, state.unitId)) return refuse('not-a-behandlare')
      if (command.responsibleUserId === state.responsibleUserId) return refuse('already-responsible')
      return emit({ type: 'responsible-changed', responsibleUserId: command.responsibleUserId })
    }
    case 'hand-over': {
      if (command.toUnitId === state.unitId) return refuse('same-unit')
      if (!ctx.facts.unitExists(command.toUnitId)) return refuse('unknown-unit')
      return emit({ type: 'handed-over', fromUnitId: state.unitId, toUnitId: command.toUnitId })
    }
    case 'accept-handover': {
      if (!ctx.facts.isBehandlare(command.responsibleUserId, state.unitId)) return refuse('not-a-behandlare')
      // The receiving unit decides, seeing only its own programmes: one open programme per patient there.
      if (ctx.facts.hasOpenProgramme(state.patient, state.unitId, state.programmeId)) return refuse('programme-already-active')
      return emit({ type: 'handover-accepted', responsibleUserId: command.responsibleUserId })
    }
    case 'retain-programme': {
      if (!isLocalDate(command.until)) return refuse('invalid-date')
      if (command.until <= today) return refuse('date-in-past')
      if (daysBetween(today, command.until) > (ctx.maxRetentionDays ?? DEFAULT_MAX_RETENTION_DAYS)) return refuse('retention-too-long')
      return emit({ type: 'programme-retained', until: command.until })
    }
    case 'end-programme': {
      if (!isEndReason(command.reason)) return refuse('invalid-end-reason')
      return emit({ type: 'programme-ended', reason: command.reason })
    }
    default: {
      const never: never = command
      throw new TypeError(`Unknown command ${JSON.stringify(never)}`)
    }
  }
}

function closingDateProblem(closesOn: string, today: LocalDate, endsOn: LocalDate): Refusal['code'] | null {
  if (!isLocalDate(closesOn)) return 'invalid-date'
  if (closesOn <= today) return 'date-in-past'
  if (closesOn > endsOn) return 'date-after-programme-end'
  return null
}

/** Commands that change what a second user may have changed: they carry the version they saw. */
export const VERSIONED: ReadonlySet<ProgrammeCommand['type']> = new Set([
  'start-modules',
  'change-module-closing-date',
  'edit-welcome-text',
  'change-responsible',
  'hand-over',
  'accept-handover',
  'retain-programme',
  'end-programme',
])

/** Patient commands that only read, and so are allowed while the programme is retained. */
const PATIENT_READS = new Set<ProgrammeCommand['type']>(['open-step', 'mark-messages-read'])

/** What the programme's lifecycle allows the patient. */
function patientAccess(command: ProgrammeCommand, state: ProgrammeState, today: LocalDate): Refusal['code'] | null {
  switch (patientAccessOn(state, today)) {
    case 'open':
      return null
    case 'read-only':
      return PATIENT_READS.has(command.type) ? null : 'programme-read-only'
    case 'closed':
      return 'programme-closed'
  }
}

/** Staff commands allowed while a programme is retained or waiting for a handover. */
const STAFF_WHILE_RETAINED = new Set<ProgrammeCommand['type']>(['end-programme', 'mark-messages-read', 'mark-submission-read'])
const STAFF_WHILE_HANDOVER = new Set<ProgrammeCommand['type']>(['accept-handover'])

/** What the programme's lifecycle allows staff. */
function staffAccess(command: ProgrammeCommand, state: ProgrammeState): Refusal['code'] | null {
  if (state.lifecycle.status === 'ended') return 'programme-ended'
  if (state.pendingHandover !== null) return STAFF_WHILE_HANDOVER.has(command.type) ? null : 'handover-pending'
  if (command.type === 'accept-handover') return 'no-handover-pending'
  if (state.lifecycle.status === 'retained' && !STAFF_WHILE_RETAINED.has(command.type)) return 'programme-retained'
  return null
}
