// One given/when/then per workflow rule, over the pure decider.
import { describe, expect, it } from 'vitest'
import { type Actor, evolveAll } from '../../src/engine/index.ts'
import { CLINICIAN, NOW, ORO_STARTED, PATIENT, STARTED, byClinician, byPatient, given } from './spec.ts'
import { staff } from './harness.ts'

const OTHER_CLINICIAN: Actor = staff('u-beh2', 'vc-norr')
const P = 'p-1'
const LATER = '2025-04-10T10:00:00.000Z'
const oroAnswers = { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'hela-tiden' }

describe('start', () => {
  it('given nothing, when a behandlare starts PLUS, then the programme starts on the bundle version with the default welcome text and 90 days', () => {
    const events = given([])
      .when(CLINICIAN, { type: 'start-programme', personnummer: '19121212-1212' })
      .then([
        {
          type: 'programme-started',
          programmeId: 'new-0001',
          unitId: 'vc-norr',
          patient: '191212121212',
          responsibleUserId: 'u-beh',
          contentVersion: '1.0.0',
          startedOn: '2025-04-07',
          endsOn: '2025-07-06',
        },
      ])
    // The default welcome is not copied into the programme: it is shown from the content.
    expect(events[0]).not.toHaveProperty('welcomeText')
    expect(evolveAll(events)?.welcomeText).toBeNull()
  })

  it('given an invalid personnummer, then the start is refused with the problem as a code and no number in the message', () => {
    const refusal = given([]).when(CLINICIAN, { type: 'start-programme', personnummer: '19121212-1213' }).thenRefused('invalid-personnummer')
    expect(refusal?.personnummerProblem).toBe('checksum')
    expect(refusal?.message).not.toMatch(/1212/)
  })

  it('given the patient already has an open programme, then a second start is refused', () => {
    given([], { facts: { hasOpenProgramme: () => true } })
      .when(CLINICIAN, { type: 'start-programme', personnummer: '191212121212' })
      .thenRefused('programme-already-active')
  })
})

describe('modules', () => {
  it('given a started programme, when modules are started, then they close on the programme end by default', () => {
    given([STARTED])
      .when(CLINICIAN, { type: 'start-modules', programmeId: P, modules: [{ moduleId: 'oro' }, { moduleId: 'angest', closesOn: '2025-05-01' }] })
      .then([{ type: 'modules-started', modules: [{ moduleId: 'oro', closesOn: '2025-07-06' }, { moduleId: 'angest', closesOn: '2025-05-01' }] }])
  })

  it('given Oro is started, when Ångest is added later, then only Ångest starts', () => {
    given([STARTED, ORO_STARTED])
      .when(CLINICIAN, { type: 'start-modules', programmeId: P, modules: [{ moduleId: 'angest' }] })
      .then([{ type: 'modules-started', modules: [{ moduleId: 'angest' }] }])
  })

  it.each([
    [[{ moduleId: 'oro' }], 'module-already-started'],
    [[{ moduleId: 'angest' }, { moduleId: 'angest' }], 'module-already-started'],
    [[{ moduleId: 'finns-inte' }], 'unknown-module'],
    [[], 'no-modules'],
    [[{ moduleId: 'angest', closesOn: '2025-04-07' }], 'date-in-past'],
    [[{ moduleId: 'angest', closesOn: '2025-07-07' }], 'date-after-programme-end'],
    [[{ moduleId: 'angest', closesOn: '2025-02-30' }], 'invalid-date'],
  ])('given Oro is started, when starting %j, then it is refused with %s', (modules, code) => {
    given([STARTED, ORO_STARTED]).when(CLINICIAN, { type: 'start-modules', programmeId: P, modules }).thenRefused(code)
  })

  it('given a started module, when its closing date is moved, then the new date is recorded', () => {
    given([STARTED, ORO_STARTED])
      .when(CLINICIAN, { type: 'change-module-closing-date', programmeId: P, moduleId: 'oro', closesOn: '2025-05-15' })
      .then([{ type: 'module-closing-date-changed', moduleId: 'oro', closesOn: '2025-05-15' }])
  })

  it('given an upcoming module, when its closing date is moved, then it is refused', () => {
    given([STARTED, ORO_STARTED])
      .when(CLINICIAN, { type: 'change-module-closing-date', programmeId: P, moduleId: 'angest', closesOn: '2025-05-15' })
      .thenRefused('module-not-started')
  })
})

describe('welcome text', () => {
  it('given a programme, when the behandlare edits the welcome text, then it is stored trimmed', () => {
    given([STARTED]).when(CLINICIAN, { type: 'edit-welcome-text', programmeId: P, text: '  Hej och välkommen!  ' }).then([{ type: 'welcome-text-edited', text: 'Hej och välkommen!' }])
  })
  it('given a programme, when the welcome text is emptied, then it is refused', () => {
    given([STARTED]).when(CLINICIAN, { type: 'edit-welcome-text', programmeId: P, text: '   ' }).thenRefused('empty-text')
  })
})

describe('patient', () => {
  it('given Oro is started, when the patient opens a step, then the opening is recorded with its module', () => {
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'oro-vad-ar-oro' }).then([{ type: 'step-opened', stepId: 'oro-vad-ar-oro', moduleId: 'oro', by: { kind: 'patient' } }])
  })

  it('given Ångest is upcoming, when the patient opens one of its steps, then it is refused', () => {
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'angest-kroppen' }).thenRefused('module-not-started')
  })

  it('given an unknown step, then opening it is refused', () => {
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'finns-inte' }).thenRefused('unknown-step')
  })

  it('given Oro is started, when the patient submits the assessment, then the score and band come from the shared scoring', () => {
    given([STARTED, ORO_STARTED])
      .when(PATIENT, { type: 'submit-form', programmeId: P, formId: 'oro-skattning', answers: oroAnswers })
      .then([{ type: 'form-submitted', submissionId: 'new-0001', formId: 'oro-skattning', stepId: 'oro-kartlaggning', moduleId: 'oro', score: 5, bandLabel: 'Hög nivå', answers: oroAnswers, contentVersion: '1.0.0' }])
  })

  it('given invalid answers, then the submission is refused with every problem as a code', () => {
    const refusal = given([STARTED, ORO_STARTED])
      .when(PATIENT, { type: 'submit-form', programmeId: P, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'aldrig', extra: 'x' } })
      .thenRefused('invalid-answers')
    expect(refusal?.problems).toEqual([
      { questionId: 'extra', code: 'unknown-question' },
      { questionId: 'oro-hur-ofta', code: 'unknown-option' },
      { questionId: 'oro-svart-sluta', code: 'required' },
    ])
  })

  it('given the form is already submitted, when it is submitted again, then it is refused', () => {
    const submitted = byPatient({ type: 'form-submitted', submissionId: 's-1', formId: 'oro-skattning', stepId: 'oro-kartlaggning', moduleId: 'oro', answers: oroAnswers, score: 5, bandLabel: 'Hög nivå', contentVersion: '1.0.0' })
    given([STARTED, ORO_STARTED, submitted]).when(PATIENT, { type: 'submit-form', programmeId: P, formId: 'oro-skattning', answers: oroAnswers }).thenRefused('form-already-submitted')
  })

  it('given the module has closed, then the patient can still open its steps but not submit', () => {
    const closes = byClinician({ type: 'module-closing-date-changed', moduleId: 'oro', closesOn: '2025-04-10' })
    given([STARTED, ORO_STARTED, closes], { now: LATER }).when(PATIENT, { type: 'submit-form', programmeId: P, formId: 'oro-skattning', answers: oroAnswers }).thenRefused('module-closed')
    given([STARTED, ORO_STARTED, closes], { now: LATER }).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'oro-kartlaggning' }).then([{ type: 'step-opened' }])
  })

  it.each([
    ['unknown-form', 'finns-inte'],
    ['module-not-started', 'angest-undvikande'],
  ])('given form problems, then submitting is refused with %s', (code, formId) => {
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'submit-form', programmeId: P, formId, answers: {} }).thenRefused(code)
  })

  it('given a programme, when the patient writes to the responsible clinician, then the message is from the patient', () => {
    given([STARTED]).when(PATIENT, { type: 'send-message', programmeId: P, text: ' Hej! ' }).then([{ type: 'message-sent', messageId: 'new-0001', from: 'patient', text: 'Hej!' }])
  })

  it('given a message, when the behandlare answers, then the answer is from the clinician', () => {
    given([STARTED]).when(CLINICIAN, { type: 'send-message', programmeId: P, text: 'Svar' }).then([{ type: 'message-sent', from: 'clinician' }])
  })

  it.each([
    ['empty-text', ''],
    ['text-too-long', 'x'.repeat(5001)],
  ])('given a message text, then it is refused with %s', (code, text) => {
    given([STARTED]).when(PATIENT, { type: 'send-message', programmeId: P, text }).thenRefused(code)
  })

  it('given messages both ways, when the behandlare reads, then only the patient messages are marked read, once', () => {
    const fromPatient = byPatient({ type: 'message-sent', messageId: 'm-1', from: 'patient', text: 'a' })
    const fromClinician = byClinician({ type: 'message-sent', messageId: 'm-2', from: 'clinician', text: 'b' })
    given([STARTED, fromPatient, fromClinician]).when(OTHER_CLINICIAN, { type: 'mark-messages-read', programmeId: P }).then([{ type: 'messages-read', reader: 'clinician', messageIds: ['m-1'] }])
    const read = byClinician({ type: 'messages-read', reader: 'clinician', messageIds: ['m-1'] })
    given([STARTED, fromPatient, fromClinician, read]).when(CLINICIAN, { type: 'mark-messages-read', programmeId: P }).then([])
  })

  it('given a mobile number, then it is normalised; an invalid one is refused', () => {
    given([STARTED]).when(PATIENT, { type: 'set-mobile-number', programmeId: P, mobileNumber: '070-174 06 05' }).then([{ type: 'mobile-number-set', mobileNumber: '+46701740605' }])
    given([STARTED]).when(PATIENT, { type: 'set-mobile-number', programmeId: P, mobileNumber: '08-123 456' }).thenRefused('invalid-mobile-number')
  })
})

describe('events', () => {
  const submitted = byPatient({ type: 'form-submitted', submissionId: 's-1', formId: 'oro-skattning', stepId: 'oro-kartlaggning', moduleId: 'oro', answers: oroAnswers, score: 5, bandLabel: 'Hög nivå', contentVersion: '1.0.0' })
  it('given an unread submission, when the behandlare opens it, then it is marked read once', () => {
    given([STARTED, ORO_STARTED, submitted]).when(CLINICIAN, { type: 'mark-submission-read', programmeId: P, submissionId: 's-1' }).then([{ type: 'submission-read', submissionId: 's-1' }])
    const read = byClinician({ type: 'submission-read', submissionId: 's-1' })
    given([STARTED, ORO_STARTED, submitted, read]).when(CLINICIAN, { type: 'mark-submission-read', programmeId: P, submissionId: 's-1' }).then([])
  })
  it('given no such submission, then opening it is refused', () => {
    given([STARTED]).when(CLINICIAN, { type: 'mark-submission-read', programmeId: P, submissionId: 's-9' }).thenRefused('unknown-submission')
  })
})

describe('responsible clinician and handover', () => {
  const INV: Actor = staff('u-inv', 'vc-norr')
  const INV_S: Actor = staff('u-inv-s', 'vc-soder')
  const handedOver = byClinician({ type: 'handed-over', fromUnitId: 'vc-norr', toUnitId: 'vc-soder' })

  it('given a programme, when the invånaradministratör appoints another behandlare, then the responsible changes', () => {
    given([STARTED]).when(INV, { type: 'change-responsible', programmeId: P, responsibleUserId: 'u-beh2' }).then([{ type: 'responsible-changed', responsibleUserId: 'u-beh2' }])
  })
  it.each([
    ['not-a-behandlare', 'u-inv'],
    ['not-a-behandlare', 'u-beh-s'],
    ['already-responsible', 'u-beh'],
  ])('given a programme, then appointing is refused with %s for %s', (code, responsibleUserId) => {
    given([STARTED]).when(INV, { type: 'change-responsible', programmeId: P, responsibleUserId }).thenRefused(code)
  })

  it('given a programme, when the behandlare hands it over, then it moves to the other unit without a responsible', () => {
    given([STARTED]).when(CLINICIAN, { type: 'hand-over', programmeId: P, toUnitId: 'vc-soder' }).then([{ type: 'handed-over', fromUnitId: 'vc-norr', toUnitId: 'vc-soder' }])
  })
  it.each([
    ['same-unit', 'vc-norr'],
    ['unknown-unit', 'vc-finns-inte'],
  ])('given a programme, then handing over is refused with %s', (code, toUnitId) => {
    given([STARTED]).when(CLINICIAN, { type: 'hand-over', programmeId: P, toUnitId }).thenRefused(code)
  })
  it('given a handover, when the receiving invånaradministratör accepts with a behandlare there, then that behandlare is responsible', () => {
    given([STARTED, handedOver]).when(INV_S, { type: 'accept-handover', programmeId: P, responsibleUserId: 'u-beh-s' }).then([{ type: 'handover-accepted', responsibleUserId: 'u-beh-s' }])
    given([STARTED, handedOver]).when(INV_S, { type: 'accept-handover', programmeId: P, responsibleUserId: 'u-beh' }).thenRefused('not-a-behandlare')
  })
  it('given a pending handover, then other staff commands wait for it', () => {
    given([STARTED, handedOver]).when(staff('u-beh-s', 'vc-soder'), { type: 'start-modules', programmeId: P, modules: [{ moduleId: 'oro' }] }).thenRefused('handover-pending')
  })
  it('given no handover, then accepting one is refused', () => {
    given([STARTED]).when(INV, { type: 'accept-handover', programmeId: P, responsibleUserId: 'u-beh' }).thenRefused('no-handover-pending')
  })
  it('given a pending handover, then the patient can go on working', () => {
    given([STARTED, ORO_STARTED, handedOver]).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'oro-vad-ar-oro' }).then([{ type: 'step-opened' }])
  })
})

describe('retain and end', () => {
  const retained = byClinician({ type: 'programme-retained', until: '2025-04-20' })
  const ended = byClinician({ type: 'programme-ended', reason: 'completed' })

  it('given a programme, when the behandlare retains it until a date, then it is retained', () => {
    given([STARTED]).when(CLINICIAN, { type: 'retain-programme', programmeId: P, until: '2025-04-20' }).then([{ type: 'programme-retained', until: '2025-04-20' }])
    given([STARTED]).when(CLINICIAN, { type: 'retain-programme', programmeId: P, until: '2025-04-07' }).thenRefused('date-in-past')
  })
  it('given a retained programme, then the patient may read but not submit or write', () => {
    given([STARTED, ORO_STARTED, retained]).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'oro-vad-ar-oro' }).then([{ type: 'step-opened' }])
    given([STARTED, ORO_STARTED, retained]).when(PATIENT, { type: 'submit-form', programmeId: P, formId: 'oro-skattning', answers: oroAnswers }).thenRefused('programme-read-only')
    given([STARTED, ORO_STARTED, retained]).when(PATIENT, { type: 'send-message', programmeId: P, text: 'Hej' }).thenRefused('programme-read-only')
  })
  it('given a retained programme past its date, then the patient has no access', () => {
    given([STARTED, ORO_STARTED, retained], { now: '2025-04-20T08:00:00.000Z' }).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'oro-vad-ar-oro' }).thenRefused('programme-closed')
  })
  it('given a retained programme, then staff can only end it', () => {
    given([STARTED, retained]).when(CLINICIAN, { type: 'start-modules', programmeId: P, modules: [{ moduleId: 'oro' }] }).thenRefused('programme-retained')
    given([STARTED, retained]).when(CLINICIAN, { type: 'end-programme', programmeId: P, reason: 'completed' }).then([{ type: 'programme-ended', reason: 'completed' }])
  })
  it('given a programme, when it is ended with a reason from the list, then it is ended; another reason is refused', () => {
    given([STARTED]).when(CLINICIAN, { type: 'end-programme', programmeId: P, reason: 'other-care' }).then([{ type: 'programme-ended', reason: 'other-care' }])
    given([STARTED]).when(CLINICIAN, { type: 'end-programme', programmeId: P, reason: 'tröttnade' as never }).thenRefused('invalid-end-reason')
  })
  it('given an ended programme, then the patient has no access and staff commands are refused', () => {
    given([STARTED, ORO_STARTED, ended]).when(PATIENT, { type: 'open-step', programmeId: P, stepId: 'oro-vad-ar-oro' }).thenRefused('programme-closed')
    given([STARTED, ended]).when(CLINICIAN, { type: 'send-message', programmeId: P, text: 'Hej' }).thenRefused('programme-ended')
    given([STARTED, ended]).when(CLINICIAN, { type: 'end-programme', programmeId: P, reason: 'completed' }).thenRefused('programme-ended')
  })
})

describe('concurrency', () => {
  it('given a programme at version 2, when a command expects version 1, then it is refused as a conflict', () => {
    given([STARTED, ORO_STARTED]).when(CLINICIAN, { type: 'edit-welcome-text', programmeId: P, text: 'Ny', expectedVersion: 1 }).thenRefused('version-conflict')
    given([STARTED, ORO_STARTED]).when(CLINICIAN, { type: 'edit-welcome-text', programmeId: P, text: 'Ny', expectedVersion: 2 }).then([{ type: 'welcome-text-edited' }])
  })
})

describe('evolve', () => {
  it('records the last patient activity from patient events only', async () => {
    const { evolveAll } = await import('../../src/engine/index.ts')
    const state = evolveAll([STARTED, byPatient({ type: 'step-opened', stepId: 'oro-vad-ar-oro', moduleId: 'oro' }, LATER), byClinician({ type: 'welcome-text-edited', text: 'x' }, '2025-04-11T10:00:00.000Z')])
    expect(state?.lastPatientActivityAt).toBe(LATER)
    expect(state?.version).toBe(3)
    expect(state?.openedSteps).toEqual({ 'oro-vad-ar-oro': LATER })
  })
  it('given an impossible history, then evolve throws (a bug, not a refusal)', async () => {
    const { evolve } = await import('../../src/engine/index.ts')
    expect(() => evolve(null, ORO_STARTED)).toThrow(/before programme-started/)
    expect(NOW).toBeTruthy()
  })
})
