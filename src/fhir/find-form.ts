// Finding a form, and the module it belongs to, in a bundle.
import type { FormBlock, Module, PlusBundle } from '../types/bundle.generated.ts'

export interface FoundForm {
  form: FormBlock
  module: Module
}

/** Every form of the programme with its module, in module order, then document order. */
export function allForms(bundle: PlusBundle): FoundForm[] {
  const modules = [...bundle.programme.modules].sort((a, b) => a.order - b.order)
  const found: FoundForm[] = []
  for (const module of modules) {
    for (const section of module.sections) {
      for (const step of section.steps) {
        for (const block of step.blocks) if (block.type === 'form') found.push({ form: block, module })
      }
    }
  }
  return found
}

/** The form with this id. Throws a TypeError when there is none (misuse: ids come from the bundle). */
export function findForm(bundle: PlusBundle, formId: string): FoundForm {
  if (bundle?.type !== 'plus-bundle') throw new TypeError('FHIR export: expected a PLUS bundle (type "plus-bundle")')
  const found = allForms(bundle).find((f) => f.form.id === formId)
  if (!found) throw new TypeError(`FHIR export: the bundle has no form with id ${JSON.stringify(formId)}`)
  return found
}
