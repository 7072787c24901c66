// Where every module, section, step and form of a bundle sits, by id.
import type { FormBlock, Module, PlusBundle, Section, Step } from '../types/bundle.generated.ts'
import type { FormPlace, Ref, SectionPlace, StepPlace } from './types.ts'

export interface SectionAt {
  section: Section
  module: Module
  index: number
}

export interface StepAt {
  step: Step
  section: Section
  module: Module
  index: number
}

export interface FormAt {
  form: FormBlock
  step: Step
  section: Section
  module: Module
}

/** Lookups over one bundle. Modules are listed in their `order`. */
export interface Located {
  modules: Module[]
  moduleById: Map<string, Module>
  sections: Map<string, SectionAt>
  steps: Map<string, StepAt>
  forms: Map<string, FormAt>
}

export function locate(bundle: PlusBundle): Located {
  const modules = [...bundle.programme.modules].sort((a, b) => a.order - b.order)
  const located: Located = { modules, moduleById: new Map(), sections: new Map(), steps: new Map(), forms: new Map() }
  for (const module of modules) {
    located.moduleById.set(module.id, module)
    module.sections.forEach((section, sectionIndex) => {
      located.sections.set(section.id, { section, module, index: sectionIndex })
      section.steps.forEach((step, index) => {
        located.steps.set(step.id, { step, section, module, index })
        for (const block of step.blocks) {
          if (block.type === 'form') located.forms.set(block.id, { form: block, step, section, module })
        }
      })
    })
  }
  return located
}

export function ref(node: { id: string; title: string }): Ref {
  return { id: node.id, title: node.title }
}

export function sectionPlace(at: SectionAt): SectionPlace {
  return { module: ref(at.module), index: at.index }
}

export function stepPlace(at: StepAt): StepPlace {
  return { module: ref(at.module), section: ref(at.section), index: at.index }
}

export function formPlace(at: FormAt): FormPlace {
  return { step: ref(at.step), section: ref(at.section), module: ref(at.module) }
}

/** The forms a step holds, in order. */
export function formsOf(step: Step): FormBlock[] {
  return step.blocks.filter((b): b is FormBlock => b.type === 'form')
}

export function stepCount(module: Module): number {
  return module.sections.reduce((n, s) => n + s.steps.length, 0)
}
