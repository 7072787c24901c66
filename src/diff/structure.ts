// Modules, sections, steps and the forms in them: added, removed, moved and changed, walked in
// the new order with removed items next to their old neighbours. Children of an added or removed
// container are summed up in the container's change, not listed one by one; forms are always
// listed, because stored answers hang on them.
import type { Module, Section, Step } from '../types/bundle.generated.ts'
import { diffBlocks } from './blocks.ts'
import { diffFormContent } from './forms.ts'
import { formPlace, formsOf, ref, sectionPlace, stepCount, stepPlace, type Located } from './locate.ts'
import { mergedOrder, movedIds } from './order.ts'
import type { Change, FormChanged, ModuleChanged, SectionChanged, StepChanged } from './types.ts'

export function diffStructure(a: Located, b: Located): Change[] {
  const changes: Change[] = []
  const moved = movedIds(a.modules.map((m) => m.id), b.modules.map((m) => m.id))
  for (const id of mergedOrder(a.modules.map((m) => m.id), b.modules.map((m) => m.id))) {
    const ma = a.moduleById.get(id)
    const mb = b.moduleById.get(id)
    if (mb && !ma) {
      changes.push({ type: 'module-added', module: ref(mb), order: mb.order, sections: mb.sections.length, steps: stepCount(mb), warnings: [] })
    } else if (ma && !mb) {
      changes.push({ type: 'module-removed', module: ref(ma), order: ma.order, sections: ma.sections.length, steps: stepCount(ma), warnings: [] })
    } else if (ma && mb) {
      if (moved.has(id)) changes.push({ type: 'module-moved', module: ref(mb), from: ma.order, to: mb.order, warnings: [] })
      changes.push(...diffModuleFields(ma, mb))
    }
    changes.push(...diffSections(a, b, ma, mb))
  }
  return changes
}

function diffModuleFields(a: Module, b: Module): Change[] {
  const changes: Change[] = []
  const fields: ModuleChanged['changes'] = []
  if (a.title !== b.title) fields.push({ field: 'title', before: a.title, after: b.title })
  if (a.summary !== b.summary) fields.push({ field: 'summary', before: a.summary, after: b.summary })
  if (a.estimatedMinutes !== b.estimatedMinutes) fields.push({ field: 'estimatedMinutes', before: a.estimatedMinutes, after: b.estimatedMinutes })
  if ((a.intro?.html ?? null) !== (b.intro?.html ?? null)) fields.push({ field: 'intro', before: a.intro?.text ?? null, after: b.intro?.text ?? null })
  if (fields.length) changes.push({ type: 'module-changed', module: ref(b), changes: fields, warnings: [] })
  const ra = a.review
  const rb = b.review
  if (ra.status !== rb.status || ra.reviewer !== rb.reviewer || ra.date !== rb.date) {
    changes.push({ type: 'review-changed', module: ref(b), before: { ...ra }, after: { ...rb }, warnings: [] })
  }
  return changes
}

/** The sections that sit in this module on either side, each reported where it sits now. */
function diffSections(a: Located, b: Located, ma: Module | undefined, mb: Module | undefined): Change[] {
  const changes: Change[] = []
  const before = ma?.sections.map((s) => s.id) ?? []
  const after = mb?.sections.map((s) => s.id) ?? []
  const moved = movedIds(before, after)
  for (const id of mergedOrder(before, after)) {
    const sa = a.sections.get(id)
    const sb = b.sections.get(id)
    if (sb && mb && sb.module.id === mb.id) {
      if (!sa) {
        if (ma) changes.push({ type: 'section-added', section: ref(sb.section), at: sectionPlace(sb), steps: sb.section.steps.length, warnings: [] })
      } else if (sa.module.id !== mb.id || moved.has(id)) {
        changes.push({ type: 'section-moved', section: ref(sb.section), from: sectionPlace(sa), to: sectionPlace(sb), warnings: [] })
      }
      if (sa) changes.push(...diffSectionFields(sa.section, sb.section, sectionPlace(sb)))
      changes.push(...diffSteps(a, b, sa?.section, sb.section))
    } else if (sa && ma && sa.module.id === ma.id && !sb) {
      if (mb) changes.push({ type: 'section-removed', section: ref(sa.section), from: sectionPlace(sa), steps: sa.section.steps.length, warnings: [] })
      changes.push(...diffSteps(a, b, sa.section, undefined))
    }
    // Otherwise the section moved to another module and is reported there.
  }
  return changes
}

function diffSectionFields(a: Section, b: Section, at: SectionChanged['at']): Change[] {
  const fields: SectionChanged['changes'] = []
  if (a.title !== b.title) fields.push({ field: 'title', before: a.title, after: b.title })
  if (a.summary !== b.summary) fields.push({ field: 'summary', before: a.summary, after: b.summary })
  return fields.length ? [{ type: 'section-changed', section: ref(b), at, changes: fields, warnings: [] }] : []
}

function diffSteps(a: Located, b: Located, sectionA: Section | undefined, sectionB: Section | undefined): Change[] {
  const changes: Change[] = []
  const before = sectionA?.steps.map((s) => s.id) ?? []
  const after = sectionB?.steps.map((s) => s.id) ?? []
  // A section that is new (or gone) as a whole is reported once; only moves in or out show.
  const sectionExistedBefore = sectionB ? a.sections.has(sectionB.id) : true
  const sectionExistsAfter = sectionA ? b.sections.has(sectionA.id) : true
  const moved = movedIds(before, after)
  for (const id of mergedOrder(before, after)) {
    const ta = a.steps.get(id)
    const tb = b.steps.get(id)
    if (tb && sectionB && tb.section.id === sectionB.id) {
      if (!ta) {
        if (sectionExistedBefore) changes.push({ type: 'step-added', step: ref(tb.step), at: stepPlace(tb), kind: tb.step.kind, warnings: [] })
      } else if (ta.section.id !== sectionB.id || moved.has(id)) {
        changes.push({ type: 'step-moved', step: ref(tb.step), from: stepPlace(ta), to: stepPlace(tb), warnings: [] })
      }
      if (ta) changes.push(...diffStepFields(ta.step, tb.step, stepPlace(tb)))
      changes.push(...diffForms(a, b, ta?.step, tb.step))
    } else if (ta && sectionA && ta.section.id === sectionA.id && !tb) {
      if (sectionExistsAfter) changes.push({ type: 'step-removed', step: ref(ta.step), from: stepPlace(ta), kind: ta.step.kind, warnings: [] })
      changes.push(...diffForms(a, b, ta.step, undefined))
    }
  }
  return changes
}

function diffStepFields(a: Step, b: Step, at: StepChanged['at']): Change[] {
  const fields: StepChanged['changes'] = []
  if (a.title !== b.title) fields.push({ field: 'title', before: a.title, after: b.title })
  if (a.kind !== b.kind) fields.push({ field: 'kind', before: a.kind, after: b.kind })
  const blocks = diffBlocks(a, b)
  return fields.length || blocks.length ? [{ type: 'step-changed', step: ref(b), at, changes: fields, blocks, warnings: [] }] : []
}

/** The forms that sit in this step on either side, each reported where it sits now. */
function diffForms(a: Located, b: Located, stepA: Step | undefined, stepB: Step | undefined): Change[] {
  const changes: Change[] = []
  const before = stepA ? formsOf(stepA).map((f) => f.id) : []
  const after = stepB ? formsOf(stepB).map((f) => f.id) : []
  for (const id of mergedOrder(before, after)) {
    const fa = a.forms.get(id)
    const fb = b.forms.get(id)
    if (fb && stepB && fb.step.id === stepB.id) {
      if (!fa) {
        changes.push({ type: 'form-added', form: ref(fb.form), at: formPlace(fb), kind: fb.form.kind, questions: fb.form.questions.length, warnings: [] })
        continue
      }
      if (fa.step.id !== stepB.id) changes.push({ type: 'form-moved', form: ref(fb.form), from: formPlace(fa), to: formPlace(fb), warnings: [] })
      const fields: FormChanged['changes'] = []
      if (fa.form.title !== fb.form.title) fields.push({ field: 'title', before: fa.form.title, after: fb.form.title })
      if ((fa.form.intro?.html ?? null) !== (fb.form.intro?.html ?? null)) fields.push({ field: 'intro', before: fa.form.intro?.text ?? null, after: fb.form.intro?.text ?? null })
      // A licensed form's source and terms: a reviewer checks a new agreement like new text.
      for (const key of ['source', 'sourceUrl', 'licence'] as const) {
        const before = fa.form.provenance?.[key] ?? null
        const after = fb.form.provenance?.[key] ?? null
        if (before !== after) fields.push({ field: key, before, after })
      }
      if (fields.length) changes.push({ type: 'form-changed', form: ref(fb.form), at: formPlace(fb), changes: fields, warnings: [] })
      changes.push(...diffFormContent(fa.form, fb.form, formPlace(fb)))
    } else if (fa && stepA && fa.step.id === stepA.id && !fb) {
      changes.push({ type: 'form-removed', form: ref(fa.form), from: formPlace(fa), kind: fa.form.kind, questions: fa.form.questions.length, warnings: ['answers-orphaned'] })
    }
  }
  return changes
}
