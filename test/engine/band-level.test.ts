// The band's level in "Hantera händelser": how serious the submission's result is, so the
// clinician can see at once which result sent the patient to 112 or Självmordslinjen.
import { describe, expect, it } from 'vitest'
import type { FormBlock } from '../../src/types/bundle.generated.ts'
import { assessment, exercise, module, scaleQuestion, section, step, testBundle, textQuestion } from './bundle.ts'
import { BEHANDLARE, PNR, patient, versionOf, world } from './harness.ts'

function bundleWithLevels() {
  const form: FormBlock = assessment('ned-skattning', 'Skattning av nedstämdhet', [scaleQuestion('ned-ledsen', 'Hur ofta har du känt dig ledsen?')])
  // One question scored 0–3: 0 info, 1–2 attention, 3 urgent.
  form.scoring = {
    method: 'sum',
    min: 0,
    max: 3,
    bands: [
      { min: 0, max: 0, label: 'Inga besvär', level: 'info', html: '<p>Läs vidare.</p>', text: 'Läs vidare.' },
      { min: 1, max: 2, label: 'Vissa besvär', level: 'attention', html: '<p>Kontakta vården.</p>', text: 'Kontakta vården.' },
      { min: 3, max: 3, label: 'Starka besvär', level: 'urgent', html: '<p>Ring 112.</p>', text: 'Ring 112.' },
    ],
  }
  const task = exercise('ned-uppgift', 'Uppgift', [textQuestion('ned-text', 'Skriv något')])
  return testBundle({
    modules: [module('nedstamdhet', 'Nedstämdhet', 1, [section('ned-forsta', 'Att förstå', [step('ned-kartlaggning', 'Kartläggning', [form]), step('ned-ovning', 'Övning', [task])])])],
  })
}

async function started() {
  const w = await world({ bundle: bundleWithLevels() })
  const programmeId = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
  await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId, modules: [{ moduleId: 'nedstamdhet' }], expectedVersion: await versionOf(w, programmeId) })
  return { w, programmeId }
}

describe('band level in "Hantera händelser"', () => {
  it.each([
    ['inte-alls', 'info'],
    ['ibland', 'attention'],
    ['hela-tiden', 'urgent'],
  ])('given the answer %s, then the submission carries its band\'s level %s, also when opened', async (answer, level) => {
    const { w, programmeId } = await started()
    await w.engine.execute(patient(), { type: 'submit-form', programmeId, formId: 'ned-skattning', answers: { 'ned-ledsen': answer } })
    const [submission] = (await w.engine.query(BEHANDLARE, { type: 'events', programmeId })).submissions
    expect(submission?.bandLevel).toBe(level)
    expect((await w.engine.openSubmission(BEHANDLARE, programmeId, submission?.submissionId ?? '')).bandLevel).toBe(level)
  })

  it('given an exercise without scoring, then there is no level', async () => {
    const { w, programmeId } = await started()
    await w.engine.execute(patient(), { type: 'submit-form', programmeId, formId: 'ned-uppgift', answers: { 'ned-text': 'Promenad' } })
    const [submission] = (await w.engine.query(BEHANDLARE, { type: 'events', programmeId })).submissions
    expect(submission?.bandLevel).toBeNull()
  })
})
