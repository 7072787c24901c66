// What changed since the last release, for reviewers who approve changes rather than whole
// modules: per step new / changed / removed (badges), the Swedish change list `plus diff`
// writes with each entry pointing at its step, and a word-level diff of a step's text.
// Pure functions of two bundles; site/lib/released.ts finds the released one.
import { diffBundles } from '../../src/diff/index.ts'
import { sv } from '../../src/diff/text-sv.ts'
import type { BundleDiff, Change } from '../../src/diff/types.ts'
import type { Block, Module, PlusBundle, Step } from '../../src/types/bundle.generated.ts'

/** How a step differs from the released bundle. */
export type StepChange = 'new' | 'changed' | 'removed'

export const changeLabel: Record<StepChange, string> = {
  new: 'Ny',
  changed: 'Ändrad',
  removed: 'Borttagen',
}

/** A step of the released bundle that the current one no longer has. */
export interface RemovedStep {
  id: string
  title: string
  moduleId: string
  sectionTitle: string
}

/** The comparison of the current bundle with the released one. */
export interface Changes {
  /** Version of the released bundle. */
  releasedVersion: string
  diff: BundleDiff
  /** Current steps that are new or changed, by step id; unchanged steps are absent. */
  byStep: Map<string, Exclude<StepChange, 'removed'>>
  removed: RemovedStep[]
  /** The released version of each step that still exists, by id, for the word diff. */
  releasedSteps: Map<string, Step>
}

function stepsOf(bundle: PlusBundle): Array<{ module: Module; sectionTitle: string; step: Step }> {
  return bundle.programme.modules.flatMap((module) => module.sections.flatMap((section) => section.steps.map((step) => ({ module, sectionTitle: section.title, step }))))
}

/**
 * A step's content as a reviewer judges it: everything but where it was written. Two steps with
 * the same signature read the same to the patient.
 */
function signature(step: Step): string {
  return JSON.stringify({ title: step.title, kind: step.kind, blocks: step.blocks })
}

/** Compares the current bundle with the released one. */
export function compareWithRelease(released: PlusBundle, current: PlusBundle): Changes {
  const before = new Map(stepsOf(released).map((s) => [s.step.id, s]))
  const byStep = new Map<string, Exclude<StepChange, 'removed'>>()
  const releasedSteps = new Map<string, Step>()
  const currentIds = new Set<string>()
  for (const { step } of stepsOf(current)) {
    currentIds.add(step.id)
    const old = before.get(step.id)
    if (!old) byStep.set(step.id, 'new')
    else {
      releasedSteps.set(step.id, old.step)
      if (signature(old.step) !== signature(step)) byStep.set(step.id, 'changed')
    }
  }
  const removed = [...before.values()]
    .filter((s) => !currentIds.has(s.step.id))
    .map((s) => ({ id: s.step.id, title: s.step.title, moduleId: s.module.id, sectionTitle: s.sectionTitle }))
  return { releasedVersion: released.programme.version, diff: diffBundles(released, current), byStep, removed, releasedSteps }
}

/** One entry of the change list: the sentence `plus diff` writes, and the step it concerns. */
export interface ChangeEntry {
  text: string
  details: string[]
  /** What the change means for stored answers, in Swedish; empty when nothing. */
  warnings: string[]
  /** The module the entry is listed under, or null for the programme. */
  moduleId: string | null
  moduleTitle: string | null
  /** The step to open, when the change is about a step that still exists. */
  stepId: string | null
}

/** The step a change concerns, if it names one that is in the current bundle. */
function stepOf(change: Change): string | null {
  switch (change.type) {
    case 'step-added':
    case 'step-changed':
    case 'step-moved':
      return change.step.id
    case 'step-removed':
      return null
    default:
      if ('at' in change && change.at && 'step' in change.at) return change.at.step.id
      if ('to' in change && change.to && typeof change.to === 'object' && 'step' in change.to) return (change.to as { step: { id: string } }).step.id
      return null
  }
}

function moduleOf(change: Change): { id: string; title: string } | null {
  if ('module' in change && change.module) return change.module
  for (const key of ['at', 'to', 'from'] as const) {
    const place = (change as unknown as Record<string, unknown>)[key]
    if (place && typeof place === 'object' && 'module' in place) return (place as { module: { id: string; title: string } }).module
  }
  return null
}

/** The change list, in `plus diff`'s order and words (Swedish). */
export function changeEntries(diff: BundleDiff): ChangeEntry[] {
  return diff.changes.map((change) => {
    const [text = '', ...details] = sv.change(change)
    const module = moduleOf(change)
    return {
      text,
      details,
      warnings: change.warnings.map((w) => sv.warning(w)),
      moduleId: module?.id ?? null,
      moduleTitle: module?.title ?? null,
      stepId: stepOf(change),
    }
  })
}

/** `plus diff`'s Swedish header line (versions and counts). */
export function changeHeader(diff: BundleDiff): string {
  return sv.header(diff, diff.changes.filter((c) => c.warnings.length > 0).length)
}

/** The words of a step as the patient reads them: text, callouts, transcripts and forms. */
export function stepWords(step: Pick<Step, 'title' | 'blocks'>): string[] {
  const parts: string[] = [step.title]
  for (const block of step.blocks as Block[]) {
    switch (block.type) {
      case 'text':
        parts.push(block.text)
        break
      case 'callout':
        parts.push(block.title ?? '', block.text)
        break
      case 'film':
        parts.push(block.title, block.transcript.text)
        break
      case 'image':
        parts.push(block.alt, block.caption ?? '')
        break
      case 'form':
        parts.push(block.title, block.intro?.text ?? '')
        for (const q of block.questions) parts.push(q.prompt, q.help?.text ?? '', ...q.options.map((o) => (o.value === null ? o.label : `${o.label} (${o.value} p)`)))
        for (const b of block.scoring?.bands ?? []) parts.push(`${b.min}–${b.max}: ${b.label}`, b.text)
        break
    }
  }
  return parts.join(' ').split(/\s+/).filter(Boolean)
}

/** A run of words that are the same, added or removed. */
export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/**
 * A word-level diff (longest common subsequence), merged into runs. Common prefix and suffix are
 * taken off first, so the usual small edit in a long step costs little.
 */
export function wordDiff(before: string[], after: string[]): DiffPart[] {
  let start = 0
  while (start < before.length && start < after.length && before[start] === after[start]) start++
  let endB = before.length
  let endA = after.length
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--
    endA--
  }
  const b = before.slice(start, endB)
  const a = after.slice(start, endA)
  // lcs[i][j]: length of the LCS of b[i…] and a[j…].
  const lcs = Array.from({ length: b.length + 1 }, () => new Uint32Array(a.length + 1))
  for (let i = b.length - 1; i >= 0; i--) {
    for (let j = a.length - 1; j >= 0; j--) {
      lcs[i]![j] = b[i] === a[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const words: Array<{ kind: DiffPart['kind']; word: string }> = before.slice(0, start).map((word) => ({ kind: 'same' as const, word }))
  let i = 0
  let j = 0
  while (i < b.length || j < a.length) {
    if (i < b.length && j < a.length && b[i] === a[j]) {
      words.push({ kind: 'same', word: b[i]! })
      i++
      j++
    } else if (i < b.length && (j === a.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removed words before added ones, as a reader expects "old → new".
      words.push({ kind: 'removed', word: b[i]! })
      i++
    } else {
      words.push({ kind: 'added', word: a[j]! })
      j++
    }
  }
  words.push(...before.slice(endB).map((word) => ({ kind: 'same' as const, word })))
  const parts: DiffPart[] = []
  for (const { kind, word } of words) {
    const last = parts.at(-1)
    if (last && last.kind === kind) last.text += ` ${word}`
    else parts.push({ kind, text: word })
  }
  return parts
}
