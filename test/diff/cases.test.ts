// What each fixture pair must report, rule by rule: given the before and after content, when
// diffed, then these changes with these warnings. The expected files pin the whole output; these
// tests say which parts matter and why.
import { describe, expect, it } from 'vitest'
import { diffBundles, hasBreakingChanges, breakingChanges, WARNINGS } from '../../src/diff/index.ts'
import type { BlockChange, BundleDiff, Change, Warning } from '../../src/diff/index.ts'
import { casePair, diffCases } from './fixture.ts'

const diffs = new Map<string, BundleDiff>()
for (const name of diffCases()) {
  const { before, after } = await casePair(name)
  diffs.set(name, diffBundles(before, after))
}

function diffOf(name: string): BundleDiff {
  const diff = diffs.get(name)
  if (!diff) throw new Error(`no case ${name}`)
  return diff
}

/** `type id: warnings` for each change, compact enough to read in a failure. */
function summary(diff: BundleDiff): string[] {
  return diff.changes.map((c) => `${c.type} ${subject(c)}${c.warnings.length ? ` ! ${c.warnings.join(',')}` : ''}`)
}

function subject(c: Change): string {
  switch (c.type) {
    case 'programme-changed':
      return c.change.field
    case 'flag-added':
    case 'flag-removed':
    case 'flag-changed':
      return c.flag.id
    case 'module-added':
    case 'module-removed':
    case 'module-moved':
    case 'module-changed':
    case 'review-changed':
      return c.module.id
    case 'section-added':
    case 'section-removed':
    case 'section-moved':
    case 'section-changed':
      return c.section.id
    case 'step-added':
    case 'step-removed':
    case 'step-moved':
    case 'step-changed':
      return c.step.id
    case 'question-added':
    case 'question-removed':
    case 'question-moved':
    case 'question-type-changed':
    case 'question-changed':
      return `${c.form.id}/${c.question.id}`
    case 'option-added':
    case 'option-removed':
      return `${c.form.id}/${c.question.id}/${c.option.id}`
    case 'option-relabelled':
      return `${c.form.id}/${c.question.id}/${c.optionId}`
    case 'option-value-changed':
    case 'option-moved':
      return `${c.form.id}/${c.question.id}/${c.option.id}`
    default:
      return c.form.id
  }
}

describe('diff cases', () => {
  it('identical content: no changes, nothing breaking', () => {
    expect(diffOf('identical').changes).toEqual([])
    expect(hasBreakingChanges(diffOf('identical'))).toBe(false)
  })

  it('programme: version, title, duration, welcome text and flags', () => {
    expect(summary(diffOf('programme'))).toEqual([
      'programme-changed version',
      'programme-changed title',
      'programme-changed durationDays',
      'programme-changed welcome',
      'flag-removed startat',
      'flag-changed paminnelse',
      'flag-added snart-slut',
    ])
    const flag = diffOf('programme').changes.find((c) => c.type === 'flag-changed')
    expect(flag?.type === 'flag-changed' && flag.changes.map((f) => f.field)).toEqual(['days', 'text'])
    expect(hasBreakingChanges(diffOf('programme'))).toBe(false)
  })

  it('review: status, reviewer and date; a band’s text is not breaking', () => {
    const diff = diffOf('review')
    expect(summary(diff)).toEqual(['review-changed modul-a', 'review-changed modul-b', 'band-text-changed b-form'])
    expect(diff.changes[0]).toMatchObject({ before: { status: 'draft', reviewer: null, date: null }, after: { status: 'approved', reviewer: 'Anna Berg', date: '2025-02-03' } })
    expect(hasBreakingChanges(diff)).toBe(false)
  })

  it('modules: reordering is one move, not a renumbering of every module; a new module counts its contents', () => {
    const diff = diffOf('modules')
    expect(summary(diff)).toEqual(['module-moved modul-a', 'module-changed modul-a', 'module-added modul-c'])
    expect(diff.changes[2]).toMatchObject({ order: 3, sections: 1, steps: 1 })
    const fields = diff.changes[1]?.type === 'module-changed' ? diff.changes[1].changes.map((f) => f.field) : []
    expect(fields).toEqual(['title', 'summary', 'estimatedMinutes', 'intro'])
  })

  it('module removed: its section that moved on is a move; its form is gone, with a warning', () => {
    expect(summary(diffOf('module-removed'))).toEqual([
      'section-moved b-ovning',
      'module-removed modul-b',
      'form-removed b-form ! answers-orphaned',
    ])
    expect(diffOf('module-removed').changes[0]).toMatchObject({ from: { module: { id: 'modul-b' }, index: 1 }, to: { module: { id: 'modul-a' }, index: 2 } })
  })

  it('steps: added, removed, moved within and across sections, renamed, kind changed; sections added, removed, changed', () => {
    expect(summary(diffOf('steps'))).toEqual([
      'step-removed a-bild',
      'step-moved a-steg-2',
      'section-changed a-andra',
      'step-moved a-steg-1',
      'step-changed a-steg-1',
      'step-added a-steg-4',
      'section-added a-tredje',
      'section-removed b-ovning',
      'form-removed b-plan-form ! answers-orphaned',
    ])
    const changed = diffOf('steps').changes.find((c) => c.type === 'step-changed')
    expect(changed?.type === 'step-changed' && changed.changes).toEqual([
      { field: 'title', before: 'Steg ett', after: 'Steg ett, nytt namn' },
      { field: 'kind', before: 'text', after: 'media' },
    ])
  })

  it('blocks: text, callout, image and film changes say which block and what, files by sha256', () => {
    const blocks = diffOf('blocks').changes.flatMap((c) => (c.type === 'step-changed' ? c.blocks : []))
    expect(blocks.map((b) => b.type)).toEqual([
      'block-removed', 'block-added', 'blocks-reordered', 'callout-changed', 'text-changed', 'text-changed',
      'film-changed',
      'block-added', 'image-changed',
    ])
    const film = blocks.find((b): b is Extract<BlockChange, { type: 'film-changed' }> => b.type === 'film-changed')!
    expect(film.block).toMatchObject({ blockType: 'film', id: 'a-filmen' })
    expect(film.changes.map((f) => f.field)).toEqual(['title', 'durationSeconds', 'video', 'captions', 'captionCues', 'poster', 'transcript'])
    const captions = film.changes.find((f) => f.field === 'captions')!
    expect(captions.before).toMatchObject({ path: 'media/modul-a/film.vtt', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(captions.after).not.toEqual(captions.before)
    expect(film.changes.find((f) => f.field === 'video')).toMatchObject({ before: null, after: { path: 'media/modul-a/film.mp4' } })
    const image = blocks.find((b) => b.type === 'image-changed')
    expect(image?.type === 'image-changed' && image.changes.map((f) => f.field)).toEqual(['file', 'alt', 'caption'])
    expect(hasBreakingChanges(diffOf('blocks'))).toBe(false)
  })

  it('forms: every question, option and scoring change, with warnings exactly where stored answers stop matching', () => {
    expect(summary(diffOf('forms'))).toEqual([
      'form-changed b-form',
      'question-changed b-form/jaktad',
      'option-relabelled b-form/jaktad/ibland ! answers-meaning-changed',
      'option-value-changed b-form/jaktad/ofta ! scores-differ',
      'option-added b-form/jaktad/hela-tiden',
      'question-removed b-form/sova ! answers-orphaned,scores-differ',
      'question-added b-form/oro ! scores-differ',
      'question-type-changed b-form/lage ! answer-type-changed',
      'option-added b-form/lage/trott',
      'option-removed b-form/lage/stressad ! answers-orphaned',
      'question-changed b-form/ovrigt',
      'question-moved b-form/timmar',
      'question-changed b-form/timmar ! answers-out-of-range',
      'score-range-changed b-form',
      'bands-changed b-form ! bands-differ',
      'step-changed b-plan',
      'step-changed b-efter',
      'form-moved b-plan-form',
      'option-moved b-plan-form/aktiviteter/promenad',
      'step-added b-ny',
      'form-added b-ny-form',
    ])
  })

  it('scoring added or removed; scale → single keeps the answer shape (no type warning) but changes what a stored answer means', () => {
    const diff = diffOf('form-scoring')
    const types = diff.changes.filter((c) => c.type === 'question-type-changed')
    expect(types.map((c) => [c.type === 'question-type-changed' && c.before, c.type === 'question-type-changed' && c.after, c.warnings])).toEqual([
      ['scale', 'single', ['answers-meaning-changed']],
      ['scale', 'single', ['answers-meaning-changed']],
    ])
    expect(breakingChanges(diff).map((c) => `${c.type} ${c.warnings.join(',')}`)).toEqual([
      'question-type-changed answers-meaning-changed',
      'question-type-changed answers-meaning-changed',
      'scoring-removed scores-differ',
      'scoring-added scores-differ',
    ])
    // Values dropped together with the scoring: the scoring-removed change carries the warning.
    expect(diff.changes.filter((c) => c.type === 'option-value-changed').every((c) => c.warnings.length === 0)).toBe(true)
  })

  it('between them, the cases cover every change, block change and warning', () => {
    const all = [...diffs.values()].flatMap((d) => d.changes)
    const changeTypes = new Set(all.map((c) => c.type))
    const blockTypes = new Set(all.flatMap((c) => (c.type === 'step-changed' ? c.blocks.map((b) => b.type) : [])))
    const warnings = new Set<Warning>(all.flatMap((c) => c.warnings))
    const everyChange: Array<Change['type']> = [
      'programme-changed', 'flag-added', 'flag-removed', 'flag-changed',
      'module-added', 'module-removed', 'module-moved', 'module-changed', 'review-changed',
      'section-added', 'section-removed', 'section-moved', 'section-changed',
      'step-added', 'step-removed', 'step-moved', 'step-changed',
      'form-added', 'form-removed', 'form-moved', 'form-changed',
      'question-added', 'question-removed', 'question-moved', 'question-type-changed', 'question-changed',
      'option-added', 'option-removed', 'option-relabelled', 'option-value-changed', 'option-moved',
      'scoring-added', 'scoring-removed', 'score-range-changed', 'bands-changed', 'band-text-changed',
    ]
    const everyBlock: Array<BlockChange['type']> = ['block-added', 'block-removed', 'blocks-reordered', 'text-changed', 'callout-changed', 'image-changed', 'film-changed']
    expect([...changeTypes].sort()).toEqual([...everyChange].sort())
    expect([...blockTypes].sort()).toEqual([...everyBlock].sort())
    expect([...warnings].sort()).toEqual([...WARNINGS].sort())
  })
})
