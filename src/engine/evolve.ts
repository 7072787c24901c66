// evolve(state, event) → state: folds one event into a programme's state. Pure; never refuses
// (refusing is decide's job), but throws on an impossible history, which is a bug.
import type { ProgrammeEvent } from './events.ts'
import type { ProgrammeState } from './state.ts'

/** Applies one event. `state` is null before the programme-started event. */
export function evolve(state: ProgrammeState | null, event: ProgrammeEvent): ProgrammeState {
  if (event.type === 'programme-started') {
    if (state !== null) throw new Error(`Programme ${event.programmeId} was started twice`)
    return {
      programmeId: event.programmeId,
      unitId: event.unitId,
      patient: event.patient,
      responsibleUserId: event.responsibleUserId,
      startedAt: event.at,
      startedOn: event.startedOn,
      endsOn: event.endsOn,
      contentVersion: event.contentVersion,
      startedOnContentVersion: event.contentVersion,
      // The default welcome is read from the content when shown. (Events stored before this
      // carried the default's plain text here; it was always the default, so it is not read.)
      welcomeText: null,
      lifecycle: { status: 'active' },
      modules: {},
      openedSteps: {},
      submissions: [],
      messages: [],
      mobileNumber: null,
      lastPatientActivityAt: null,
      pendingHandover: null,
      version: 1,
    }
  }
  if (state === null) throw new Error(`Event ${event.type} before programme-started`)
  const next: ProgrammeState = {
    ...state,
    version: state.version + 1,
    lastPatientActivityAt: event.by.kind === 'patient' ? event.at : state.lastPatientActivityAt,
  }
  switch (event.type) {
    case 'modules-started': {
      const modules = { ...state.modules }
      for (const m of event.modules) modules[m.moduleId] = { moduleId: m.moduleId, startedAt: event.at, closesOn: m.closesOn }
      return { ...next, modules }
    }
    case 'module-closing-date-changed': {
      const current = state.modules[event.moduleId]
      if (!current) throw new Error(`Module ${event.moduleId} is not started`)
      return { ...next, modules: { ...state.modules, [event.moduleId]: { ...current, closesOn: event.closesOn } } }
    }
    case 'welcome-text-edited':
      return { ...next, welcomeText: event.text }
    case 'step-opened':
      return Object.hasOwn(state.openedSteps, event.stepId)
        ? next
        : { ...next, openedSteps: { ...state.openedSteps, [event.stepId]: event.at } }
    case 'form-submitted':
      return {
        ...next,
        // Submitting a form means its step was open.
        openedSteps: Object.hasOwn(state.openedSteps, event.stepId)
          ? state.openedSteps
          : { ...state.openedSteps, [event.stepId]: event.at },
        submissions: [
          ...state.submissions,
          {
            submissionId: event.submissionId,
            formId: event.formId,
            stepId: event.stepId,
            moduleId: event.moduleId,
            submittedAt: event.at,
            answers: event.answers,
            score: event.score,
            bandLabel: event.bandLabel,
            contentVersion: event.contentVersion,
            readAt: null,
          },
        ],
      }
    case 'submission-read':
      return {
        ...next,
        submissions: state.submissions.map((s) =>
          s.submissionId === event.submissionId && s.readAt === null ? { ...s, readAt: event.at } : s,
        ),
      }
    case 'message-sent':
      return {
        ...next,
        messages: [
          ...state.messages,
          {
            messageId: event.messageId,
            from: event.from,
            authorUserId: event.by.kind === 'staff' ? event.by.userId : null,
            text: event.text,
            sentAt: event.at,
            readAt: null,
          },
        ],
      }
    case 'messages-read': {
      const ids = new Set(event.messageIds)
      return {
        ...next,
        messages: state.messages.map((m) => (ids.has(m.messageId) && m.readAt === null ? { ...m, readAt: event.at } : m)),
      }
    }
    case 'mobile-number-set':
      return { ...next, mobileNumber: event.mobileNumber }
    case 'responsible-changed':
      return { ...next, responsibleUserId: event.responsibleUserId }
    case 'handed-over':
      return {
        ...next,
        unitId: event.toUnitId,
        responsibleUserId: null,
        pendingHandover: { fromUnitId: event.fromUnitId, at: event.at },
      }
    case 'handover-accepted':
      return { ...next, responsibleUserId: event.responsibleUserId, pendingHandover: null }
    case 'programme-retained':
      return { ...next, lifecycle: { status: 'retained', since: event.at, until: event.until } }
    case 'programme-ended':
      return {
        ...next,
        lifecycle: {
          status: 'ended',
          at: event.at,
          reason: event.reason,
          byUserId: event.by.kind === 'staff' ? event.by.userId : null,
        },
      }
    case 'content-updated':
      return { ...next, contentVersion: event.toVersion }
    default: {
      const never: never = event
      throw new Error(`Unknown event ${JSON.stringify(never)}`)
    }
  }
}

/** Folds a whole history. */
export function evolveAll(events: readonly ProgrammeEvent[], initial: ProgrammeState | null = null): ProgrammeState | null {
  return events.reduce<ProgrammeState | null>(evolve, initial)
}
