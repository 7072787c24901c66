// Validate: the cross-file rules, run once over the whole resolved programme.
import type { Diagnostic } from '../diagnostics/diagnostic.ts'
import type { Rule, RuleInput } from './rule.ts'
import { bandCoverage } from './rules/band-coverage.ts'
import { duplicateIds } from './rules/duplicate-ids.ts'
import { emptyContainers } from './rules/empty.ts'
import { captions, mediaFiles, pendingFilms, safeSvg } from './rules/media.ts'
import { moduleOrder } from './rules/module-order.ts'
import { references } from './rules/references.ts'
import { releaseApproval } from './rules/release.ts'
import { readability } from './rules/readability.ts'
import { skeletonText } from './rules/skeleton.ts'
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
  bandCoverage,
  pendingFilms,
  releaseApproval,
  readability,
  skeletonText,
  closingStep,
  guideList,
  estimatedTime,
  urgentHelp,
  riskQuestions,
  bandTexts,
  moduleRequirements,
  safetyInformation,
  flagTexts,
}

export function validate(input: RuleInput): Diagnostic[] {
  return Object.values(rules).flatMap((rule) => rule(input))
}
