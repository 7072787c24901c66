// Indexes a compiled bundle for the engine: where each module, step and form sits. Ids are stable
// across content versions, which is what lets a running programme move to a new bundle.
import { BUNDLE_SCHEMA_MAJOR } from '../bundle/contract.ts'
import type { FormBlock, Module, PlusBundle, Section, Step } from '../types/bundle.generated.ts'

/** A step with the module and section it sits in. */
export interface StepEntry {
  step: Step
  section: Section
  module: Module
}

/** A form with the step, section and module it sits in. */
export interface FormEntry extends StepEntry {
  form: FormBlock
}

/** Lookups over one bundle. */
export interface ContentIndex {
  bundle: PlusBundle
  version: string
  modules: ReadonlyMap<string, Module>
  steps: ReadonlyMap<string, StepEntry>
  forms: ReadonlyMap<string, FormEntry>
}

/** Major version of the bundle format this engine understands (the bundle contract's). */
export const SUPPORTED_SCHEMA_MAJOR = BUNDLE_SCHEMA_MAJOR

/** Builds the lookups. Throws when the bundle is not one this engine can run (misuse). */
export function indexContent(bundle: PlusBundle): ContentIndex {
  if (bundle.type !== 'plus-bundle') throw new TypeError('Expected a PLUS bundle (type "plus-bundle")')
  const major = Number(bundle.schemaVersion.split('.')[0])
  if (major !== SUPPORTED_SCHEMA_MAJOR) {
    throw new TypeError(`Unsupported bundle schemaVersion ${bundle.schemaVersion}, expected ${SUPPORTED_SCHEMA_MAJOR}.x`)
  }
  const modules = new Map<string, Module>()
  const steps = new Map<string, StepEntry>()
  const forms = new Map<string, FormEntry>()
  for (const module of bundle.programme.modules) {
    modules.set(module.id, module)
    for (const section of module.sections) {
      for (const step of section.steps) {
        steps.set(step.id, { step, section, module })
        for (const block of step.blocks) {
          if (block.type === 'form') forms.set(block.id, { form: block, step, section, module })
        }
      }
    }
  }
  return { bundle, version: bundle.programme.version, modules, steps, forms }
}

/** Modules in their authored order. */
export function orderedModules(content: ContentIndex): Module[] {
  return [...content.bundle.programme.modules].sort((a, b) => a.order - b.order)
}
