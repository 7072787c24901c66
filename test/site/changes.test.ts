// The preview's comparison with the last released bundle: which steps are new, changed or
// removed, the change list with the step each entry concerns, and the word diff of a step.
import { describe, expect, it } from 'vitest'
import { changeEntries, compareWithRelease, stepWords, wordDiff } from '../../site/lib/changes.ts'
import { timesDisagree } from '../../site/lib/times.ts'
import { alertAnswers, levelCounts } from '../../site/lib/clinician.ts'
import { urlForId, indexProgramme } from '../../site/lib/programme-index.ts'
import { step, testBundle } from '../engine/bundle.ts'
import type { FormBlock, PlusBundle, Step } from '../../src/types/bundle.generated.ts'

function allSteps(bundle: PlusBundle): Step[] {
  return bundle.programme.modules.flatMap((m) => m.sections.flatMap((s) => s.steps))
}

/** A released bundle and a current one: oro-orostid edited, oro-vad-ar-oro removed, one step added. */
function pair() {
  const released = testBundle({ version: '1.0.0' })
  const current = testBundle({ version: '1.1.0' })
  const oro = current.programme.modules[0]!
  const edited = allSteps(current).find((s) => s.id === 'oro-orostid')!
  const form = edited.blocks[0] as FormBlock
  form.questions[0]!.prompt = 'När på dagen passar orostid dig?'
  oro.sections[0]!.steps = oro.sections[0]!.steps.filter((s) => s.id !== 'oro-vad-ar-oro')
  oro.sections[1]!.steps.push(step('oro-ny', 'Ett nytt steg'))
  return { released, current }
}

describe('compareWithRelease', () => {
  it('given an edited, a removed and an added step, then each is marked and the rest are not', () => {
    const { released, current } = pair()
    const changes = compareWithRelease(released, current)
    expect(Object.fromEntries(changes.byStep)).toEqual({ 'oro-orostid': 'changed', 'oro-ny': 'new' })
    expect(changes.removed.map((r) => [r.id, r.moduleId])).toEqual([['oro-vad-ar-oro', 'oro']])
    expect(changes.releasedVersion).toBe('1.0.0')
  })

  it('given the same bundle twice, then nothing is marked and the change list is empty', () => {
    const changes = compareWithRelease(testBundle(), testBundle())
    expect(changes.byStep.size).toBe(0)
    expect(changes.removed).toEqual([])
    expect(changeEntries(changes.diff)).toEqual([])
  })

  it('lists every change of `plus diff` with the step it concerns, when the step still exists', () => {
    const { released, current } = pair()
    const entries = changeEntries(compareWithRelease(released, current).diff)
    const steps = entries.map((e) => e.stepId)
    expect(steps).toContain('oro-orostid')
    expect(steps).toContain('oro-ny')
    // The removed step has no page to link to.
    expect(entries.some((e) => e.stepId === null && e.text.includes('oro-vad-ar-oro'))).toBe(true)
    // The version is the programme's own change; the rest are listed under the module.
    expect(entries.filter((e) => e.moduleId === null).map((e) => e.text)).toEqual([expect.stringContaining('1.1.0')])
    expect(entries.filter((e) => e.moduleId !== null).every((e) => e.moduleId === 'oro')).toBe(true)
  })
})

describe('wordDiff', () => {
  it('marks the added and removed words and keeps the rest', () => {
    const parts = wordDiff('Ring din vårdcentral i dag'.split(' '), 'Ring 1177 eller din vårdcentral'.split(' '))
    expect(parts).toEqual([
      { kind: 'same', text: 'Ring' },
      { kind: 'added', text: '1177 eller' },
      { kind: 'same', text: 'din vårdcentral' },
      { kind: 'removed', text: 'i dag' },
    ])
  })

  it('puts removed words before the words that replace them', () => {
    expect(wordDiff(['Ring', 'Press', 'nu'], ['Ring', 'Stress', 'nu'])).toEqual([
      { kind: 'same', text: 'Ring' },
      { kind: 'removed', text: 'Press' },
      { kind: 'added', text: 'Stress' },
      { kind: 'same', text: 'nu' },
    ])
  })

  it('gives back both texts: the same and removed words make the old one, the same and added the new one', () => {
    const before = 'a b c d e f g h'.split(' ')
    const after = 'a x c d y f g z h'.split(' ')
    const parts = wordDiff(before, after)
    const join = (kinds: string[]) => parts.filter((p) => kinds.includes(p.kind)).map((p) => p.text).join(' ')
    expect(join(['same', 'removed'])).toBe(before.join(' '))
    expect(join(['same', 'added'])).toBe(after.join(' '))
  })

  it('reads a form step as the patient does: questions, options with points, bands', () => {
    const form = testBundle().programme.modules[0]!.sections[0]!.steps[1]!
    const words = stepWords(form).join(' ')
    const block = form.blocks[0] as FormBlock
    expect(words).toContain(block.questions[0]!.prompt)
    expect(words).toContain(`${block.questions[0]!.options[1]!.label} (${block.questions[0]!.options[1]!.value} p)`)
    expect(words).toContain(block.scoring!.bands[0]!.label)
  })
})

describe('clinician markers', () => {
  it('names the answers that raise an alert, and counts a form\'s bands by level', () => {
    const form = testBundle().programme.modules[0]!.sections[0]!.steps[1]!.blocks[0] as FormBlock
    const question = { ...form.questions[0]!, alertFrom: 2 }
    expect(alertAnswers(question).map((o) => o.value)).toEqual(question.options.filter((o) => (o.value ?? -1) >= 2).map((o) => o.value))
    expect(alertAnswers({ ...question, alertFrom: null })).toEqual([])
    expect(levelCounts(form)).toEqual([
      { level: 'attention', count: 1 },
      { level: 'info', count: 1 },
    ])
  })

  it('keeps internal links in the view they are shown in', () => {
    const index = indexProgramme(testBundle().programme)
    expect(urlForId(index, 'oro-orostid', null, 'clinician')).toBe('/behandlare/oro/oro-orostid/')
    expect(urlForId(index, 'oro-hantera', null, 'clinician')).toBe('/behandlare/oro/#oro-hantera')
    expect(urlForId(index, 'oro-orostid')).toBe('/moduler/oro/oro-orostid/')
  })
})

describe('timesDisagree', () => {
  it('is true only beyond a third of the stated time', () => {
    expect(timesDisagree(30, 40)).toBe(false)
    expect(timesDisagree(30, 41)).toBe(true)
    expect(timesDisagree(30, 20)).toBe(false)
    expect(timesDisagree(30, 19)).toBe(true)
    expect(timesDisagree(75, 33)).toBe(true)
  })
})
