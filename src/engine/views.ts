// Read models: what the patient and the clinicians see, built from a programme's state and the
// content. Pure. Answers to questions that a newer bundle removed are kept and marked `removed`.
import { type AnswerValue, alertsFor, bandFor, bandLevel, scoreRange } from '../scoring/index.ts'
import type { BandLevel, FormBlock, Module, StepKind } from '../types/bundle.generated.ts'
import { daysBetween, type LocalDate, localDate } from './calendar.ts'
import { type ContentIndex, orderedModules } from './content.ts'
import { END_REASONS, type EndReason } from './end-reasons.ts'
import { patientAccessOn } from './lifecycle.ts'
import type { Lifecycle, Message, ProgrammeState, Submission } from './state.ts'

/** Finds the content a programme or submission was on; null when that version is unknown. */
export type ContentLookup = (version: string) => ContentIndex | null

/** A step in a module tree. */
export interface StepView {
  stepId: string
  title: string
  kind: StepKind
  /** When the patient first opened it, or null ("mörkblå cirkel" when set). */
  openedAt: string | null
  /** The step's form and whether it is submitted ("röd cirkel"), or null. */
  form: { formId: string; title: string; submissionId: string | null; submittedAt: string | null } | null
}

/** A module in a programme tree. */
export interface ModuleView {
  moduleId: string
  title: string
  /** upcoming: not started; open: started and before its closing date; closed: past it. */
  status: 'upcoming' | 'open' | 'closed'
  closesOn: LocalDate | null
  /** True when the current bundle no longer has this (started) module. */
  removedFromContent: boolean
  sections: { sectionId: string; title: string; steps: StepView[] }[]
}

/**
 * The welcome text: the bundle's default as formatted rich text until a behandlare edits it, then
 * the behandlare's plain text, which the host must escape (it is not HTML).
 */
export type WelcomeView =
  /** The programme's default from the bundle: sanitised HTML by the compiler, and the same as text. */
  | { kind: 'default'; html: string; text: string }
  /** The behandlare's own text, plain: line breaks are `\n`. */
  | { kind: 'edited'; text: string }

/** What the patient sees. */
export interface PatientView {
  programmeId: string
  title: string
  welcome: WelcomeView
  /** True while the programme is retained: the patient can read but not submit or write. */
  readOnly: boolean
  readableUntil: LocalDate | null
  /** Started modules only. */
  modules: ModuleView[]
  unreadMessages: number
}

/** A programme the patient can open. */
export interface PatientProgrammeSummary {
  programmeId: string
  title: string
  startedOn: LocalDate
  readOnly: boolean
}

/** The clinician's tree: every module, upcoming ones included. */
export interface ProgrammeTree {
  programmeId: string
  /** The programme's version: what a command that changes it sends back as expectedVersion. */
  version: number
  /** What the patient sees as the welcome text. */
  welcome: WelcomeView
  modules: ModuleView[]
}

/** "Information om momentet". */
export interface Overview {
  programmeId: string
  /** The programme's version: what a command that changes it sends back as expectedVersion. */
  version: number
  unitId: string
  status: Lifecycle['status']
  startedOn: LocalDate
  endsOn: LocalDate
  /** Days since the start (0 on the first day). */
  day: number
  /** Days left of the programme's duration, never below 0. */
  daysLeft: number
  responsibleUserId: string | null
  lastActiveAt: string | null
  mobileNumber: string | null
  contentVersion: string
  /** The unit a handover came from while it waits to be accepted, else null. */
  pendingHandoverFrom: string | null
  retainedUntil: LocalDate | null
  ended: { at: string; reason: EndReason; reasonLabel: string } | null
}

/** A submitted form in "Hantera händelser". */
export interface SubmissionSummary {
  submissionId: string
  formId: string
  formTitle: string
  moduleId: string
  submittedAt: string
  read: boolean
  score: number | null
  bandLabel: string | null
  /**
   * How serious the band is (`info`, `attention`, `urgent`), from the form the submission was
   * answered on; null for forms without scoring. `urgent` means the band sent the patient to 112
   * or Självmordslinjen: look at this one first.
   */
  bandLevel: BandLevel | null
  /**
   * True when the score lies in the highest band of the form it was answered on: a generic,
   * content-driven signal that the clinician should look at this one first. False for forms
   * without scoring.
   */
  inTopBand: boolean
  /**
   * The questions answered at or above their `alertFrom` value (say, any answer but "Aldrig"
   * to a question about thoughts of death), whatever the total score: look at these first.
   */
  alerts: Array<{ questionId: string; prompt: string }>
}

/** "Hantera händelser". */
export interface EventsView {
  programmeId: string
  submissions: SubmissionSummary[]
  unreadSubmissions: number
  messages: { total: number; unreadFromPatient: number }
}

/** One answer as the clinician (or the patient, in their download) sees it. */
export interface AnswerView {
  questionId: string
  /** The question, from the current bundle or, if it was removed, the bundle it was answered on. */
  prompt: string
  value: AnswerValue
  /** The answer as text: option labels, the number with its unit, or the text. */
  display: string
  /** True when the current bundle no longer has this question. */
  removed: boolean
  /** True when this answer is one of the submission's alerts. */
  alert: boolean
}

/** One opened submission. */
export interface SubmissionView extends SubmissionSummary {
  contentVersion: string
  band: { label: string; text: string } | null
  scoreRange: { min: number; max: number } | null
  answers: AnswerView[]
}

/** One message, as stored (a copy, so callers cannot change the state). */
export type MessageView = Message

/** A row in the lists "Mina", "Alla" and "Avslutade". */
export interface ProgrammeListRow {
  programmeId: string
  /** The programme's version: what a command that changes it sends back as expectedVersion. */
  version: number
  personnummer: string
  status: Lifecycle['status']
  startedOn: LocalDate
  endsOn: LocalDate
  daysLeft: number
  responsibleUserId: string | null
  /** Shown in bold in "Avslutade". */
  responsibleIsActor: boolean
  lastActiveAt: string | null
  unreadSubmissions: number
  unreadMessages: number
  pendingHandover: boolean
  endedAt: string | null
  endReason: EndReason | null
}

/** The title of the programme. */
export function programmeTitle(content: ContentIndex): string {
  return content.bundle.programme.title
}

export function patientView(state: ProgrammeState, content: ContentIndex, now: string): PatientView {
  return {
    programmeId: state.programmeId,
    title: programmeTitle(content),
    welcome: welcomeView(state, content),
    readOnly: patientAccessOn(state, localDate(now)) !== 'open',
    readableUntil: state.lifecycle.status === 'retained' ? state.lifecycle.until : null,
    modules: moduleViews(state, content, now).filter((m) => m.status !== 'upcoming'),
    unreadMessages: state.messages.filter((m) => m.from === 'clinician' && m.readAt === null).length,
  }
}

export function programmeTree(state: ProgrammeState, content: ContentIndex, now: string): ProgrammeTree {
  return { programmeId: state.programmeId, version: state.version, welcome: welcomeView(state, content), modules: moduleViews(state, content, now) }
}

export function welcomeView(state: ProgrammeState, content: ContentIndex): WelcomeView {
  if (state.welcomeText !== null) return { kind: 'edited', text: state.welcomeText }
  const { html, text } = content.bundle.programme.welcome
  return { kind: 'default', html, text }
}

function moduleViews(state: ProgrammeState, content: ContentIndex, now: string): ModuleView[] {
  const today = localDate(now)
  const views = orderedModules(content).map((module) => moduleView(state, module, today))
  for (const started of Object.values(state.modules)) {
    if (content.modules.has(started.moduleId)) continue
    views.push({
      moduleId: started.moduleId,
      title: started.moduleId,
      status: today >= started.closesOn ? 'closed' : 'open',
      closesOn: started.closesOn,
      removedFromContent: true,
      sections: [],
    })
  }
  return views
}

function moduleView(state: ProgrammeState, module: Module, today: LocalDate): ModuleView {
  const started = state.modules[module.id]
  return {
    moduleId: module.id,
    title: module.title,
    status: !started ? 'upcoming' : today >= started.closesOn ? 'closed' : 'open',
    closesOn: started?.closesOn ?? null,
    removedFromContent: false,
    sections: module.sections.map((section) => ({
      sectionId: section.id,
      title: section.title,
      steps: section.steps.map((step): StepView => {
        const form = step.blocks.find((b): b is FormBlock => b.type === 'form')
        const submission = form ? state.submissions.find((s) => s.formId === form.id) : undefined
        return {
          stepId: step.id,
          title: step.title,
          kind: step.kind,
          openedAt: state.openedSteps[step.id] ?? null,
          form: form
            ? { formId: form.id, title: form.title, submissionId: submission?.submissionId ?? null, submittedAt: submission?.submittedAt ?? null }
            : null,
        }
      }),
    })),
  }
}

export function overview(state: ProgrammeState, now: string): Overview {
  const today = localDate(now)
  const { lifecycle } = state
  return {
    programmeId: state.programmeId,
    version: state.version,
    unitId: state.unitId,
    status: lifecycle.status,
    startedOn: state.startedOn,
    endsOn: state.endsOn,
    day: daysBetween(state.startedOn, today),
    daysLeft: Math.max(0, daysBetween(today, state.endsOn)),
    responsibleUserId: state.responsibleUserId,
    lastActiveAt: state.lastPatientActivityAt,
    mobileNumber: state.mobileNumber,
    contentVersion: state.contentVersion,
    pendingHandoverFrom: state.pendingHandover?.fromUnitId ?? null,
    retainedUntil: lifecycle.status === 'retained' ? lifecycle.until : null,
    ended:
      lifecycle.status === 'ended'
        ? { at: lifecycle.at, reason: lifecycle.reason, reasonLabel: END_REASONS[lifecycle.reason] }
        : null,
  }
}

/** The form a submission was made on: the current one, else the one in its own bundle. */
function formOf(submission: Submission, current: ContentIndex, lookup: ContentLookup): FormBlock | null {
  return current.forms.get(submission.formId)?.form ?? lookup(submission.contentVersion)?.forms.get(submission.formId)?.form ?? null
}

/** The form a submission was answered (and scored) on: its own bundle's, else the current one. */
function answeredForm(submission: Submission, current: ContentIndex, lookup: ContentLookup): FormBlock | null {
  return lookup(submission.contentVersion)?.forms.get(submission.formId)?.form ?? current.forms.get(submission.formId)?.form ?? null
}

/** Whether the submission's score lies in the highest band of the form it was answered on. */
function inTopBand(submission: Submission, form: FormBlock | null): boolean {
  const bands = form?.scoring?.bands ?? []
  if (submission.score === null || bands.length === 0) return false
  const top = bands.reduce((a, b) => (b.max > a.max || (b.max === a.max && b.min > a.min) ? b : a))
  return submission.score >= top.min && submission.score <= top.max
}

/** The level of the band the submission's score fell in, on the form it was answered on. */
function levelOf(submission: Submission, form: FormBlock | null): BandLevel | null {
  if (submission.score === null || !form) return null
  const band = bandFor(form, submission.score)
  return band ? bandLevel(band) : null
}

function summary(submission: Submission, current: ContentIndex, lookup: ContentLookup): SubmissionSummary {
  return {
    submissionId: submission.submissionId,
    formId: submission.formId,
    formTitle: formOf(submission, current, lookup)?.title ?? submission.formId,
    moduleId: submission.moduleId,
    submittedAt: submission.submittedAt,
    read: submission.readAt !== null,
    score: submission.score,
    bandLabel: submission.bandLabel,
    bandLevel: levelOf(submission, answeredForm(submission, current, lookup)),
    inTopBand: inTopBand(submission, answeredForm(submission, current, lookup)),
    alerts: alertsOf(submission, answeredForm(submission, current, lookup)),
  }
}

/** The alerts of a submission, judged on the form it was answered on. */
function alertsOf(submission: Submission, form: FormBlock | null): SubmissionSummary['alerts'] {
  return form ? alertsFor(form, submission.answers).map((q) => ({ questionId: q.id, prompt: q.prompt })) : []
}

export function eventsView(state: ProgrammeState, current: ContentIndex, lookup: ContentLookup): EventsView {
  const submissions = [...state.submissions]
    .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))
    .map((s) => summary(s, current, lookup))
  return {
    programmeId: state.programmeId,
    submissions,
    unreadSubmissions: submissions.filter((s) => !s.read).length,
    messages: {
      total: state.messages.length,
      unreadFromPatient: state.messages.filter((m) => m.from === 'patient' && m.readAt === null).length,
    },
  }
}

export function submissionView(submission: Submission, current: ContentIndex, lookup: ContentLookup): SubmissionView {
  const currentForm = current.forms.get(submission.formId)?.form ?? null
  const originalForm = answeredForm(submission, current, lookup)
  const answers: AnswerView[] = []
  const answered = new Set(Object.keys(submission.answers))
  for (const question of currentForm?.questions ?? []) {
    const value = submission.answers[question.id]
    if (value === undefined) continue
    answered.delete(question.id)
    answers.push({ questionId: question.id, prompt: question.prompt, value, display: display(question, value), removed: false, alert: false })
  }
  for (const questionId of answered) {
    const value = submission.answers[questionId]
    if (value === undefined) continue
    const original = originalForm?.questions.find((q) => q.id === questionId)
    answers.push({
      questionId,
      prompt: original?.prompt ?? questionId,
      value,
      display: original ? display(original, value) : String(value),
      removed: true,
      alert: false,
    })
  }
  const summarised = summary(submission, current, lookup)
  const alerted = new Set(summarised.alerts.map((a) => a.questionId))
  for (const answer of answers) answer.alert = alerted.has(answer.questionId)
  const form = originalForm ?? currentForm
  const band = form?.scoring?.bands.find((b) => b.label === submission.bandLabel) ?? null
  return {
    ...summarised,
    contentVersion: submission.contentVersion,
    band: band ? { label: band.label, text: band.text } : null,
    scoreRange: form?.scoring ? scoreRange(form.questions) : null,
    answers,
  }
}

function display(question: FormBlock['questions'][number], value: AnswerValue): string {
  const label = (id: string): string => question.options.find((o) => o.id === id)?.label ?? id
  if (Array.isArray(value)) return value.map(label).join(', ')
  if (typeof value === 'number') return question.unit ? `${value} ${question.unit}` : String(value)
  return question.type === 'text' ? value : label(value)
}

export function messageViews(state: ProgrammeState): MessageView[] {
  return state.messages.map((m) => ({ ...m }))
}

export function listRow(state: ProgrammeState, actorUserId: string | null, now: string): ProgrammeListRow {
  const { lifecycle } = state
  return {
    programmeId: state.programmeId,
    version: state.version,
    personnummer: state.patient,
    status: lifecycle.status,
    startedOn: state.startedOn,
    endsOn: state.endsOn,
    daysLeft: Math.max(0, daysBetween(localDate(now), state.endsOn)),
    responsibleUserId: state.responsibleUserId,
    responsibleIsActor: actorUserId !== null && state.responsibleUserId === actorUserId,
    lastActiveAt: state.lastPatientActivityAt,
    unreadSubmissions: state.submissions.filter((s) => s.readAt === null).length,
    unreadMessages: state.messages.filter((m) => m.from === 'patient' && m.readAt === null).length,
    pendingHandover: state.pendingHandover !== null,
    endedAt: lifecycle.status === 'ended' ? lifecycle.at : null,
    endReason: lifecycle.status === 'ended' ? lifecycle.reason : null,
  }
}
