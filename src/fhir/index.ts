// FHIR R4 export of PLUS forms: each form as a Questionnaire (with SDC calculated score items),
// all of them as a collection Bundle, and a submission as a QuestionnaireResponse. Pure functions
// of the bundle and their arguments; the CLI writes the JSON.
export { toQuestionnaire, allQuestionnaires, computableName } from './questionnaire.ts'
export { toQuestionnaireResponse, AnswersNotExportableError, type ResponseOptions } from './response.ts'
export { DEFAULT_BASE_URL, questionnaireUrl, type FhirOptions } from './urls.ts'
export { INTRO_LINK_ID, SCORE_LINK_ID, BAND_LINK_ID, helpLinkId, bandLinkId } from './link-ids.ts'
export type * from './types.ts'
