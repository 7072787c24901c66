// Per-question alerts: an answer at or above a question's `alertFrom` value is brought to the
// clinician's attention in "Hantera händelser", whatever the total score.
import { describe, expect, it } from 'vitest'
import { assessment, module, scaleQuestion, section, step, testBundle } from './bundle.ts'
import { BEHANDLARE, PNR, patient, versionOf, world } from './harness.ts'

function bundleWithAlert() {
  const form = assessment('ned-skattning', 'Skattning av nedstämdhet', [
    scaleQuestion('ned-ledsen', 'Hur ofta har du känt dig ledsen?'),
    scaleQuestion('ned-ork', 'Hur ofta har du saknat ork?'),
    scaleQuestion('ned-doden', 'Hur ofta har du haft tankar på döden?', 1),
  ])
  return testBundle({ modules: [module('nedstamdhet', 'Nedstämdhet', 1, [section('ned-forsta', 'Att förstå', [step('ned-kartlaggning', 'Kartläggning', [form])])])] })
}

describe('alerts', () => {
  it('given an answer at the alert value in a low total, then the submission carries the alert and the opened answer is marked', async () => {
    const w = await world({ bundle: bundleWithAlert() })
    const programmeId = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId, modules: [{ moduleId: 'nedstamdhet' }], expectedVersion: await versionOf(w, programmeId) })
    await w.engine.execute(patient(), { type: 'submit-form', programmeId, formId: 'ned-skattning', answers: { 'ned-ledsen': 'inte-alls', 'ned-ork': 'inte-alls', 'ned-doden': 'ibland' } })
    const [submission] = (await w.engine.query(BEHANDLARE, { type: 'events', programmeId })).submissions
    expect(submission).toMatchObject({ score: 1, inTopBand: false, alerts: [{ questionId: 'ned-doden', prompt: 'Hur ofta har du haft tankar på döden?' }] })
    const opened = await w.engine.openSubmission(BEHANDLARE, programmeId, submission?.submissionId ?? '')
    expect(opened.answers.filter((a) => a.alert).map((a) => a.questionId)).toEqual(['ned-doden'])
  })

  it('given answers below the alert value, then there is no alert', async () => {
    const w = await world({ bundle: bundleWithAlert() })
    const programmeId = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId, modules: [{ moduleId: 'nedstamdhet' }], expectedVersion: await versionOf(w, programmeId) })
    await w.engine.execute(patient(), { type: 'submit-form', programmeId, formId: 'ned-skattning', answers: { 'ned-ledsen': 'hela-tiden', 'ned-ork': 'hela-tiden', 'ned-doden': 'inte-alls' } })
    const [submission] = (await w.engine.query(BEHANDLARE, { type: 'events', programmeId })).submissions
    expect(submission?.alerts).toEqual([])
  })
})
