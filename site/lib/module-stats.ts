// The figures the start page shows for a module: how much it holds.
import type { Module } from '../../src/types/bundle.generated.ts'

export interface ModuleStats {
  sections: number
  steps: number
  films: number
  /** Films whose video file has not been delivered yet. */
  pendingFilms: number
  forms: number
  /** Scored forms ("kartläggning"); the rest are exercises ("uppgift"). */
  assessments: number
  /** Words of patient-facing text, for a rough check of `estimatedMinutes`. */
  words: number
}

export function moduleStats(module: Module): ModuleStats {
  const stats: ModuleStats = { sections: module.sections.length, steps: 0, films: 0, pendingFilms: 0, forms: 0, assessments: 0, words: 0 }
  const count = (text: string) => (stats.words += text.split(/\s+/).filter(Boolean).length)
  if (module.intro) count(module.intro.text)
  for (const section of module.sections) {
    for (const step of section.steps) {
      stats.steps++
      for (const block of step.blocks) {
        switch (block.type) {
          case 'film':
            stats.films++
            if (block.video === null) stats.pendingFilms++
            break
          case 'form':
            stats.forms++
            if (block.kind === 'assessment') stats.assessments++
            if (block.intro) count(block.intro.text)
            for (const question of block.questions) count(question.prompt)
            break
          case 'text':
          case 'callout':
            count(block.text)
            break
          case 'image':
            break
          default: {
            const never: never = block
            throw new Error(`unknown block ${JSON.stringify(never)}`)
          }
        }
      }
    }
  }
  return stats
}
