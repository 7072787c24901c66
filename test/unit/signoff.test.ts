// Reviewers' sign-offs per step or section: a sign-off holds the content hash that was reviewed;
// `plus report` says which steps changed since.
import { describe, expect, it } from 'vitest'
import { sectionHash, signOffState, stepHash } from '../../src/quality/content-hash.ts'
import { formatReport } from '../../src/quality/format-report.ts'
import { qualityReport } from '../../src/quality/report.ts'
import { testBundle } from '../engine/bundle.ts'

function bundleWithSignoffs() {
  const bundle = testBundle()
  const oro = bundle.programme.modules[0]!
  const [first, second] = oro.sections
  const [a, b] = first!.steps
  // a: signed off as it is; b: signed off, then edited; the second section: signed off whole.
  a!.signoff = { reviewer: 'Anna Berg', date: '2025-11-20', hash: stepHash(a!) }
  b!.signoff = { reviewer: 'Anna Berg', date: '2025-11-20', hash: stepHash(b!) }
  b!.title = `${b!.title} (ny rubrik)`
  second!.signoff = { reviewer: 'Karin Ek', date: '2025-11-21', hash: sectionHash(second!) }
  return bundle
}

describe('sign-offs', () => {
  it('given a step signed off as it is, then it is current; given an edit after, then it is changed', () => {
    const bundle = bundleWithSignoffs()
    const [first, second] = bundle.programme.modules[0]!.sections
    expect(signOffState(first!.steps[0]!, first!)).toMatchObject({ status: 'current', by: 'step' })
    expect(signOffState(first!.steps[1]!, first!)).toMatchObject({ status: 'changed', by: 'step', signoff: { reviewer: 'Anna Berg' } })
    expect(signOffState(second!.steps[0]!, second!)).toMatchObject({ status: 'current', by: 'section' })
  })

  it('given a section signed off, then editing any of its steps makes the sign-off changed for every step in it', () => {
    const bundle = bundleWithSignoffs()
    const second = bundle.programme.modules[0]!.sections[1]!
    second.steps[0]!.blocks = []
    expect(second.steps.map((s) => signOffState(s, second).status)).toEqual(second.steps.map(() => 'changed'))
  })

  it('given no sign-off, then the step is not signed off', () => {
    const bundle = testBundle()
    const section = bundle.programme.modules[1]!.sections[0]!
    expect(signOffState(section.steps[0]!, section)).toEqual({ status: 'none' })
  })

  it('ignores where a step is written: the hash covers what the patient gets', () => {
    const step = testBundle().programme.modules[0]!.sections[0]!.steps[0]!
    const moved: typeof step = { ...step, source: { file: 'annan.md', line: 99 } }
    expect(stepHash(moved)).toBe(stepHash(step))
    expect(stepHash({ ...step, title: 'Annan' })).not.toBe(stepHash(step))
    expect(stepHash(step)).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('plus report lists the steps changed since their sign-off, with where they are written', () => {
    const bundle = bundleWithSignoffs()
    const report = qualityReport(bundle)
    const oro = report.modules.find((m) => m.id === 'oro')!
    expect(oro.steps.filter((s) => s.signoff.status === 'changed').map((s) => s.id)).toEqual([bundle.programme.modules[0]!.sections[0]!.steps[1]!.id])
    const text = formatReport(report, 'sv')
    const changedId = bundle.programme.modules[0]!.sections[0]!.steps[1]!.id
    expect(text).toMatch(new RegExp(`\\n    ${changedId}: ändrat sedan granskningen \\(granskat av Anna Berg, 2025-11-20\\)`))
    expect(text).toContain('Granskning per steg: 1 ändrat sedan granskningen, 2 granskade och oförändrade, 0 inte granskade')
  })
})
