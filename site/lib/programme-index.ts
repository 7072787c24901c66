// Lookups over the programme for the pages: modules in order, each module's steps in reading
// order (for previous/next), and where every id in the programme is shown (for internal links).
import type { Module, Programme, Section, Step } from '../../src/types/bundle.generated.ts'
import { moduleUrl, printUrl, stepUrl, type View } from './urls.ts'

/** A step with its place in the module. */
export interface StepPlace {
  module: Module
  section: Section
  step: Step
  /** 1-based position among the module's steps. */
  number: number
  previous: Step | null
  next: Step | null
}

/** Where an id from the bundle is shown. */
export interface IdTarget {
  kind: 'module' | 'section' | 'step' | 'form' | 'film' | 'image'
  module: Module
  section: Section | null
  step: Step | null
}

export interface ProgrammeIndex {
  /** Modules by their `order`. */
  modules: Module[]
  /** Every step of a module in reading order, by module id. */
  steps: Map<string, StepPlace[]>
  /** Every id a link in the content can point to. */
  ids: Map<string, IdTarget>
}

export function indexProgramme(programme: Programme): ProgrammeIndex {
  const modules = [...programme.modules].sort((a, b) => a.order - b.order)
  const steps = new Map<string, StepPlace[]>()
  const ids = new Map<string, IdTarget>()
  for (const module of modules) {
    ids.set(module.id, { kind: 'module', module, section: null, step: null })
    const places: StepPlace[] = []
    for (const section of module.sections) {
      ids.set(section.id, { kind: 'section', module, section, step: null })
      for (const step of section.steps) {
        places.push({ module, section, step, number: places.length + 1, previous: null, next: null })
        ids.set(step.id, { kind: 'step', module, section, step })
        for (const block of step.blocks) {
          if (block.type === 'form' || block.type === 'film' || (block.type === 'image' && block.id !== null)) {
            ids.set(block.id as string, { kind: block.type, module, section, step })
          }
        }
      }
    }
    places.forEach((place, i) => {
      place.previous = places[i - 1]?.step ?? null
      place.next = places[i + 1]?.step ?? null
    })
    steps.set(module.id, places)
  }
  return { modules, steps, ids }
}

/**
 * The URL an internal link to `id` goes to. A module goes to its page, a section to its place in
 * the module's tree, a step to its page, and a form, film or image to its anchor on the step's
 * page. In a print view (`printOf` set) targets inside that module become anchors on the page.
 * Links stay in the view (patient or clinician) they are shown in.
 */
export function urlForId(index: ProgrammeIndex, id: string, printOf: Module | null = null, view: View = 'patient'): string | null {
  const target = index.ids.get(id)
  if (!target) return null
  if (printOf && target.module.id === printOf.id) return target.kind === 'module' ? '#top' : `#${id}`
  switch (target.kind) {
    case 'module':
      return printOf ? printUrl(target.module) : moduleUrl(target.module, view)
    case 'section':
      return `${moduleUrl(target.module, view)}#${id}`
    case 'step':
      return stepUrl(target.module, target.step as Step, view)
    case 'form':
    case 'film':
    case 'image':
      return `${stepUrl(target.module, target.step as Step, view)}#${id}`
  }
}
