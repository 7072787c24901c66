// A new bundle arrives: running programmes keep their progress and answers because ids are
// stable; answers to removed questions are kept and marked.
import { describe, expect, it } from 'vitest'
import { createEngine, openSqliteStore } from '../../src/engine/index.ts'
import { angestModule, assessment, module, oroModule, scaleQuestion, section, step, testBundle } from './bundle.ts'
import { BEHANDLARE, TestClock, patient, sequentialIds, startWithOro, world, openTestStore } from './harness.ts'

/** Version 1.1.0: Oro's assessment lost its second question and got a new one; Ångest renamed. */
function nextBundle() {
  const oro = oroModule()
  const changed = module('oro', 'Oro och grubbel', 1, [
    section('oro-forsta', 'Att förstå oro', [
      step('oro-vad-ar-oro', 'Vad är oro egentligen?'),
      step('oro-kartlaggning', 'Hur mycket oroar du dig?', [
        assessment('oro-skattning', 'Skattning av oro', [scaleQuestion('oro-hur-ofta', 'Hur ofta oroar du dig nu?'), scaleQuestion('oro-somn', 'Hur sover du?')]),
      ]),
    ]),
    ...oro.sections.slice(1),
  ])
  return testBundle({ version: '1.1.0', modules: [changed, angestModule()] })
}

describe('content update', () => {
  it('given a running programme, when a new bundle arrives, then progress and answers are kept and removed answers are marked', async () => {
    const store = await openTestStore()
    const clock = new TestClock()
    const w = await world({ store, clock })
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' })
    const { events } = await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'hela-tiden' } })
    const s = events[0]?.type === 'form-submitted' ? events[0].submissionId : ''

    clock.advanceDays(1)
    const updated = await createEngine({ store, bundle: nextBundle(), clock: clock.now, newId: sequentialIds('v2') })
    const overview = await updated.query(BEHANDLARE, { type: 'overview', programmeId: p })
    expect(overview.contentVersion).toBe('1.1.0')
    expect((await store.getProgramme(p))?.startedOnContentVersion).toBe('1.0.0')
    expect((await store.readEvents(p)).at(-1)).toMatchObject({ type: 'content-updated', fromVersion: '1.0.0', toVersion: '1.1.0' })

    const tree = await updated.query(BEHANDLARE, { type: 'programme-tree', programmeId: p })
    const oro = tree.modules.find((m) => m.moduleId === 'oro')
    expect(oro).toMatchObject({ title: 'Oro och grubbel', status: 'open' })
    expect(oro?.sections[0]?.steps.map((x) => [x.title, x.openedAt !== null, x.form?.submissionId ?? null])).toEqual([
      ['Vad är oro egentligen?', true, null],
      ['Hur mycket oroar du dig?', true, s],
    ])

    const view = await updated.query(BEHANDLARE, { type: 'submission', programmeId: p, submissionId: s })
    expect(view).toMatchObject({ score: 5, bandLabel: 'Hög nivå', contentVersion: '1.0.0' })
    expect(view.answers).toEqual([
      { questionId: 'oro-hur-ofta', prompt: 'Hur ofta oroar du dig nu?', value: 'ofta', display: 'Ofta', removed: false, alert: false },
      { questionId: 'oro-svart-sluta', prompt: 'Hur svårt är det att sluta oroa dig?', value: 'hela-tiden', display: 'Hela tiden', removed: true, alert: false },
    ])
    // The form cannot be submitted a second time because its id is the same.
    await expect(updated.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ofta', 'oro-somn': 'ofta' } })).rejects.toThrow(/form-already-submitted/)
  })

  it('given a started module that a new bundle removed, then it stays in the tree, marked', async () => {
    const store = await openTestStore()
    const clock = new TestClock()
    const w = await world({ store, clock })
    const p = await startWithOro(w)
    const updated = await createEngine({ store, bundle: testBundle({ version: '2.0.0', modules: [angestModule()] }), clock: clock.now, newId: sequentialIds('v2') })
    const tree = await updated.query(BEHANDLARE, { type: 'programme-tree', programmeId: p })
    expect(tree.modules.map((m) => [m.moduleId, m.status, m.removedFromContent])).toEqual([
      ['angest', 'upcoming', false],
      ['oro', 'open', true],
    ])
  })

  it('given the same version with different content, then the engine refuses to start (misuse)', async () => {
    const store = await openTestStore()
    await world({ store })
    await expect(createEngine({ store, bundle: testBundle({ modules: [angestModule()] }), clock: new TestClock().now })).rejects.toThrow(/new version/)
  })
})
