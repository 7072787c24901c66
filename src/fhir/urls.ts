// The URLs the export uses: standard extensions and code systems, and how a form's canonical
// URL is built from the programme and form ids.

/** R4 core: the score of an answer option (R5 renamed it itemWeight; R4 has ordinalValue). */
export const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue'
/** R4 core: smallest and largest accepted answer of a number item. */
export const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue'
export const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue'
/** R4 core: the unit shown with a number item. */
export const QUESTIONNAIRE_UNIT = 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit'
/** R4 core: how an item is rendered (radio buttons, check boxes, help text). */
export const ITEM_CONTROL = 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl'
export const ITEM_CONTROL_SYSTEM = 'http://hl7.org/fhir/questionnaire-item-control'
/** R4 core: a named FHIRPath value other expressions in the questionnaire can use (`%score`). */
export const VARIABLE = 'http://hl7.org/fhir/StructureDefinition/variable'
/** SDC (R4 IG): an expression whose value fills a read-only item. */
export const CALCULATED_EXPRESSION = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression'
/** R4 core: an item a form filler does not show to the person answering (the clinician's items). */
export const QUESTIONNAIRE_HIDDEN = 'http://hl7.org/fhir/StructureDefinition/questionnaire-hidden'
/**
 * FHIR Extensions Pack: a related artifact of a canonical resource that has no element for it
 * (R4's Questionnaire has none). Carries a licensed form's source as a `citation`.
 */
export const ARTIFACT_RELATED_ARTIFACT = 'http://hl7.org/fhir/StructureDefinition/artifact-relatedArtifact'
/** The Swedish personal identity number (personnummer). */
export const PERSONNUMMER_SYSTEM = 'urn:oid:1.2.752.129.2.1.3.1'
/** The Swedish coordination number (samordningsnummer). */
export const SAMORDNINGSNUMMER_SYSTEM = 'urn:oid:1.2.752.129.2.1.3.3'

/**
 * Where canonical URLs live when the host does not say: `.invalid` is reserved (RFC 2606) and
 * never resolves, so an export made without a real base is recognisable as such.
 */
export const DEFAULT_BASE_URL = 'https://plus.invalid/fhir'

/** Options shared by every export function. */
export interface FhirOptions {
  /**
   * The base of canonical URLs, without a trailing slash, e.g. `https://fhir.example.se/plus`.
   * A form's questionnaire is `<baseUrl>/<programme id>/Questionnaire/<form id>`.
   */
  baseUrl?: string
}

export function baseUrlOf(options: FhirOptions | undefined): string {
  const base = options?.baseUrl ?? DEFAULT_BASE_URL
  if (typeof base !== 'string' || !/^(https?):\/\/[^\s/]+(\/[^\s]*)?$/.test(base) || base.endsWith('/')) {
    throw new TypeError(`FHIR export: \`baseUrl\` must be an http(s) URL without a trailing slash, got ${JSON.stringify(base)}`)
  }
  return base
}

/** The canonical URL of a form's questionnaire. */
export function questionnaireUrl(base: string, programmeId: string, formId: string): string {
  return `${base}/${programmeId}/Questionnaire/${formId}`
}

/** The identifier system for form ids of one programme. */
export function formIdentifierSystem(base: string, programmeId: string): string {
  return `${base}/${programmeId}/form`
}

/**
 * The code system of band levels (`info`, `attention`, `urgent`) of one programme. PLUS defines
 * it: R4's ObservationInterpretation codes (normal, abnormal, critical) would claim a clinical
 * meaning the bands do not have.
 */
export function bandLevelSystem(base: string, programmeId: string): string {
  return `${base}/${programmeId}/CodeSystem/band-level`
}
