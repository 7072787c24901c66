// The parts of HL7 FHIR R4 (4.0.1) that the export writes, as plain JSON shapes. Only the
// elements used here are declared; see https://hl7.org/fhir/R4/questionnaire.html and
// https://hl7.org/fhir/R4/questionnaireresponse.html for the full definitions.

/** An R4 extension with one of the value types the export uses. */
export interface Extension {
  url: string
  valueBoolean?: boolean
  valueDecimal?: number
  valueInteger?: number
  valueString?: string
  valueCoding?: Coding
  valueCodeableConcept?: CodeableConcept
  valueExpression?: Expression
  valueRelatedArtifact?: RelatedArtifact
}

/** R4 RelatedArtifact: here only a citation of a form's source, with its web page if known. */
export interface RelatedArtifact {
  type: 'citation'
  citation: string
  url?: string
}

export interface Coding {
  system?: string
  code?: string
  display?: string
  extension?: Extension[]
}

export interface CodeableConcept {
  coding?: Coding[]
  text?: string
}

/** An expression in a language such as FHIRPath (R4 `Expression`, used by SDC extensions). */
export interface Expression {
  name?: string
  language: 'text/fhirpath'
  expression: string
  description?: string
}

export interface Identifier {
  system?: string
  value?: string
}

export interface Reference {
  reference?: string
  identifier?: Identifier
}

/** R4 Questionnaire.item.type values the export produces. */
export type QuestionnaireItemType = 'display' | 'choice' | 'text' | 'string' | 'decimal' | 'integer'

export interface QuestionnaireAnswerOption {
  valueCoding: Coding
  extension?: Extension[]
}

export interface QuestionnaireItem {
  /** Unique within the questionnaire; the PLUS question id for questions. */
  linkId: string
  /** What the item means, as codes; the band descriptions carry their level here. */
  code?: Coding[]
  text?: string
  type: QuestionnaireItemType
  required?: boolean
  repeats?: boolean
  readOnly?: boolean
  maxLength?: number
  answerOption?: QuestionnaireAnswerOption[]
  extension?: Extension[]
  /** Child items: help text and band descriptions, as display items. */
  item?: QuestionnaireItem[]
}

export interface Questionnaire {
  resourceType: 'Questionnaire'
  id: string
  language: string
  extension?: Extension[]
  url: string
  identifier: Identifier[]
  version: string
  name: string
  title: string
  status: 'draft' | 'active' | 'retired' | 'unknown'
  subjectType: string[]
  approvalDate?: string
  /** Markdown: for a licensed form, where it comes from (its source). */
  description?: string
  /** Markdown: for a licensed form, its terms of use or the region's agreement. */
  copyright?: string
  item: QuestionnaireItem[]
}

export interface QuestionnaireResponseAnswer {
  valueCoding?: Coding
  valueString?: string
  valueDecimal?: number
  valueInteger?: number
}

export interface QuestionnaireResponseItem {
  linkId: string
  text?: string
  answer?: QuestionnaireResponseAnswer[]
}

export interface QuestionnaireResponse {
  resourceType: 'QuestionnaireResponse'
  language: string
  /** Canonical of the questionnaire answered, with its version: `url|version`. */
  questionnaire: string
  status: 'completed'
  subject: Reference
  authored: string
  item: QuestionnaireResponseItem[]
}

export interface BundleEntry<R> {
  fullUrl: string
  resource: R
}

/** A FHIR Bundle of type `collection`: resources grouped for exchange, with no server semantics. */
export interface FhirBundle<R> {
  resourceType: 'Bundle'
  type: 'collection'
  entry: BundleEntry<R>[]
}
