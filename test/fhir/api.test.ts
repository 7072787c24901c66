// The public API of src/fhir, pinned: the CLI and host applications call these.
import { expect, it } from 'vitest'
import * as fhir from '../../src/fhir/index.ts'

it('should expose the public api', () => {
  expect(Object.keys(fhir).sort()).toEqual([
    'ALERTS_LINK_ID',
    'AnswersNotExportableError',
    'BAND_LEVELS',
    'BAND_LEVEL_LINK_ID',
    'BAND_LINK_ID',
    'DEFAULT_BASE_URL',
    'INTRO_LINK_ID',
    'SCORE_LINK_ID',
    'allQuestionnaires',
    'bandLevelSystem',
    'bandLinkId',
    'computableName',
    'helpLinkId',
    'questionnaireUrl',
    'toQuestionnaire',
    'toQuestionnaireResponse',
  ])
})

it('names questionnaires as R4 asks (que-0: starts with an upper-case letter)', () => {
  expect(fhir.computableName('stress-kartlaggning-form')).toBe('StressKartlaggningForm')
  expect(fhir.computableName('1-form')).toBe('Plus1Form')
})
