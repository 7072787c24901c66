// FHIR R4 export of PLUS forms: each form as a Questionnaire (with SDC calculated score items),
// all of them as a collection Bundle, and a submission as a QuestionnaireResponse. Pure functions
// of the bundle and their arguments; the CLI writes the JSON.
export { toQuestionnaire, allQuestionnaires, computableName } from './questionnaire.ts'
export { toQuestionnaireResponse, AnswersNotExportableError, type ResponseOptions } from './response.ts'
export { DEFAULT_BASE_URL, bandLevelSystem, questionnaireUrl, type FhirOptions } from './urls.ts'
export { INTRO_LINK_ID, SCORE_LINK_ID, BAND_LINK_ID, BAND_LEVEL_LINK_ID, ALERTS_LINK_ID, helpLinkId, bandLinkId } from './link-ids.ts'
export { BAND_LEVELS } from './score-items.ts'
export type * from './types.ts'
