// The bundle contract: what a PLUS bundle is, shared by everything that writes or reads one —
// the compiler (writes it), the preview site and the engine (read it), host applications. The
// format version, the JSON Schemas in schemas/ and the validators for them live here, so no
// reader depends on the compiler to know what a valid bundle is.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'

/** The version of the bundle format written by this package; readers accept the same major. */
export const BUNDLE_SCHEMA_VERSION = '1.2.0'

/** The major version of BUNDLE_SCHEMA_VERSION: what a reader of this package understands. */
export const BUNDLE_SCHEMA_MAJOR = Number(BUNDLE_SCHEMA_VERSION.split('.')[0])

/**
 * The folder holding the schemas, shipped with the package: `schemas/` at the package root,
 * two levels above this file in src/ and three above its compiled copy in dist/lib/.
 */
export const schemasDir = ['../../schemas/', '../../../schemas/']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((dir) => existsSync(dir + 'bundle.schema.json')) ?? fileURLToPath(new URL('../../schemas/', import.meta.url))

let compiled: { bundle: ValidateFunction; manifest: ValidateFunction } | null = null

function validators() {
  if (!compiled) {
    // ajv (CommonJS) is loaded on first use: most importers of this module only need the version.
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true })
    const load = (name: string) => JSON.parse(readFileSync(schemasDir + name, 'utf8'))
    ajv.addSchema(load('common.schema.json'), 'common.schema.json')
    compiled = { bundle: ajv.compile(load('bundle.schema.json')), manifest: ajv.compile(load('manifest.schema.json')) }
  }
  return compiled
}

const lines = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath.slice(1).replace(/\//g, '.') || '(root)'}: ${e.message ?? e.keyword}`)

/** Problems of a parsed plus.json against bundle.schema.json, as `path: message` lines; empty when valid. */
export function bundleProblems(data: unknown): string[] {
  const validate = validators().bundle
  return validate(data) ? [] : lines(validate.errors)
}

/** Problems of a parsed manifest.json against manifest.schema.json; empty when valid. */
export function manifestProblems(data: unknown): string[] {
  const validate = validators().manifest
  return validate(data) ? [] : lines(validate.errors)
}

/** True when a bundle of this format version can be read by this package. */
export function supportedVersion(schemaVersion: string): boolean {
  return Number(String(schemaVersion).split('.')[0]) === BUNDLE_SCHEMA_MAJOR
}
