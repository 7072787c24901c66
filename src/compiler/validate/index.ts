// Validate: the cross-file rules, run once over the whole resolved programme, and the rules that
// read one section at a time, whose findings are kept per resolved section.
import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { IRSection } from '../ir.ts'
import type { Rule, RuleInput, SectionRule } from './rule.ts'
import { bandCoverage } from './rules/band-coverage.ts'
import { duplicateIds } from './rules/duplicate-ids.ts'
import { emptyContainers } from './rules/empty.ts'
import { captions, mediaFiles, pendingFilms, safeSvg } from './rules/media.ts'
import { moduleOrder } from './rules/module-order.ts'
import { references } from './rules/references.ts'
import { releaseApproval } from './rules/release.ts'
import { readability } from './rules/readability.ts'
import { skeletonSteps, skeletonText } from './rules/skeleton.ts'
import { bandTexts, closingStep, estimatedTime, flagTexts, guideList, moduleRequirements, riskQuestions, safetyInformation, urgentHelp } from './rules/programme-rules.ts'

/** Every cross-file rule, in the order their diagnostics are most useful. */
export const rules: Record<string, Rule> = {
  duplicateIds,
  moduleOrder,
  emptyContainers,
  references,
  mediaFiles,
  captions,
  safeSvg,
  pendingFilms,
  releaseApproval,
  skeletonText,
  closingStep,
  guideList,
  estimatedTime,
  moduleRequirements,
  safetyInformation,
  flagTexts,
}

/** The rules that read one section at a time. */
export const sectionRules: Record<string, SectionRule> = {
  bandCoverage,
  readability,
  skeletonSteps,
  urgentHelp,
  riskQuestions,
  bandTexts,
}

/**
 * Findings of the section rules per resolved section. Watch mode keeps an unchanged file's
 * section (the same object) from one rebuild to the next, so only changed sections are checked.
 */
const sectionFindings = new WeakMap<IRSection, Diagnostic[]>()

/** Section rules' findings kept elsewhere (the persistent cache, between processes), by section. */
export interface SectionFindingsStore {
  get(section: IRSection): Diagnostic[] | null
  set(section: IRSection, found: Diagnostic[]): void
}

export function validate(input: RuleInput, kept?: SectionFindingsStore): Diagnostic[] {
  const out = Object.values(rules).flatMap((rule) => rule(input))
  for (const module of input.tree.modules) {
    for (const section of module.sections) {
      let found = sectionFindings.get(section) ?? kept?.get(section) ?? null
      if (!found) {
        found = Object.values(sectionRules).flatMap((rule) => rule(section))
        kept?.set(section, found)
      }
      sectionFindings.set(section, found)
      out.push(...found)
    }
  }
  return out
}
