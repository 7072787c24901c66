// The JSON Schemas of schemas/ as validators, and the translation of schema errors into
// author-facing Swedish and English phrases.
//
// The validators the compiler uses are compiled ahead of time to plain JavaScript
// (validators.generated.ts, by `npm run validators` from scripts/gen-validators.ts; a test keeps
// it in step with schemas/): compiling the schemas with ajv took longer than resolving a file,
// and a build that resolves one changed file paid for it every time. Any other reference is
// compiled with ajv at run time, loaded on first use.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { schemasDir } from '../bundle/contract.ts'
import type { Ajv2020 as Ajv2020Type, ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js'
import * as generated from './validators.generated.ts'

export { schemasDir } from '../bundle/contract.ts'
const load = (name: string) => JSON.parse(readFileSync(schemasDir + name, 'utf8'))

/** ajv's options, the same for the generated validators and those compiled at run time. */
export const ajvOptions: Options = { allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true }

/** The schema files, in the order they are added (the ones referred to first). */
export const schemaFiles = [
  'common.schema.json',
  'programme.schema.json',
  'module.schema.json',
  'section.schema.json',
  'directives.schema.json',
  'bundle.schema.json',
  'manifest.schema.json',
]

/** Each reference compiled ahead of time, with its export name in validators.generated.ts. */
export const generatedRefs: Record<string, string> = {
  'programme.schema.json': 'programme',
  'module.schema.json': 'module',
  'section.schema.json': 'section',
  'directives.schema.json#/$defs/StepAttributes': 'StepAttributes',
  'directives.schema.json#/$defs/CalloutAttributes': 'CalloutAttributes',
  'directives.schema.json#/$defs/FilmAttributes': 'FilmAttributes',
  'directives.schema.json#/$defs/ImageAttributes': 'ImageAttributes',
  'directives.schema.json#/$defs/FormAttributes': 'FormAttributes',
  'directives.schema.json#/$defs/QuestionAttributes': 'QuestionAttributes',
  'directives.schema.json#/$defs/ScoringAttributes': 'ScoringAttributes',
}

/** An ajv instance with every schema added; `code` options for the generator. */
export function createAjv(extra: Options = {}): Ajv2020Type {
  // ajv is a CommonJS package, so require() loads it synchronously here.
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  const ajv = new Ajv2020({ ...ajvOptions, ...extra })
  for (const name of schemaFiles) ajv.addSchema(load(name), name)
  return ajv
}

// ajv and the schemas are loaded and compiled on the first reference that is not generated.
let ajv: Ajv2020Type | null = null

const cache = new Map<string, ValidateFunction>()

/** A validator for a schema file or a `file#/$defs/Name` reference. */
export function validator(ref: string): ValidateFunction {
  let fn = cache.get(ref)
  if (!fn) {
    const name = generatedRefs[ref]
    if (name) fn = (generated as unknown as Record<string, ValidateFunction>)[name]!
    else {
      ajv ??= createAjv()
      fn = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })
    }
    cache.set(ref, fn)
  }
  return fn
}

/** The directive attribute schema for each directive name. */
export const directiveSchema: Record<string, string> = {
  step: 'directives.schema.json#/$defs/StepAttributes',
  tips: 'directives.schema.json#/$defs/CalloutAttributes',
  viktigt: 'directives.schema.json#/$defs/CalloutAttributes',
  film: 'directives.schema.json#/$defs/FilmAttributes',
  image: 'directives.schema.json#/$defs/ImageAttributes',
  form: 'directives.schema.json#/$defs/FormAttributes',
  question: 'directives.schema.json#/$defs/QuestionAttributes',
  scoring: 'directives.schema.json#/$defs/ScoringAttributes',
}

/** One schema problem, ready for a diagnostic: the path of the field and a phrase per language. */
export interface SchemaProblem {
  /** Path segments of the offending value (`flags`, `0`, `days`). */
  path: string[]
  /** The field name shown to authors (`flags[0].days`). */
  field: string
  /** True when the problem is about a key that should not be there (point at the key). */
  atKey: boolean
  sv: string
  en: string
}

const typeWords: Record<string, { sv: string; en: string }> = {
  string: { sv: 'text', en: 'text' },
  integer: { sv: 'ett heltal', en: 'a whole number' },
  number: { sv: 'ett tal', en: 'a number' },
  boolean: { sv: 'true eller false', en: 'true or false' },
  array: { sv: 'en lista', en: 'a list' },
  object: { sv: 'fält med värden', en: 'fields with values' },
  null: { sv: 'tomt', en: 'empty' },
}

const patternWords: Record<string, { sv: string; en: string }> = {
  '^[a-z0-9]+(?:-[a-z0-9]+)*$': {
    sv: 'ska vara ett id: små bokstäver a–z utan å, ä, ö, siffror och enkla bindestreck',
    en: 'must be an id: lowercase letters a–z, digits and single hyphens',
  },
  '^\\d+\\.\\d+\\.\\d+$': { sv: 'ska vara ett versionsnummer som 1.0.0', en: 'must be a version such as 1.0.0' },
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$': {
    sv: 'ska vara ett datum som 2026-03-15',
    en: 'must be a date such as 2026-03-15',
  },
  '\\.vtt$': { sv: 'ska vara en .vtt-fil', en: 'must be a .vtt file' },
  '\\.(svg|png|jpe?g|webp)$': {
    sv: 'ska vara en bild (.svg, .png, .jpg eller .webp)',
    en: 'must be an image (.svg, .png, .jpg or .webp)',
  },
  '^(\\d+:)?[0-5]?\\d:[0-5]\\d$': { sv: 'ska vara en tid som 3:20', en: 'must be a time such as 3:20' },
  '^-?\\d+(\\.\\d+)?$': { sv: 'ska vara ett tal', en: 'must be a number' },
  '^[1-9]\\d?$': { sv: 'ska vara ett heltal 1–99', en: 'must be a whole number 1–99' },
  '\\S': { sv: 'får inte vara tomt', en: 'must not be empty' },
  // A form's sourceUrl: a web page, with the characters browsers ignore in a link (text.ts) refused.
  '^https?://[^\\s\\u0000-\\u001f\\u007f-\\u009f/?#]+[^\\s\\u0000-\\u001f\\u007f-\\u009f]*$': {
    sv: 'ska vara en webbadress som börjar med https:// (eller http://), utan mellanslag',
    en: 'must be a web address starting with https:// (or http://), without spaces',
  },
  '^(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\\\:]+$': {
    sv: 'ska vara en sökväg inne i modulmappen, som media/film.vtt (utan .., / först, \\ eller :)',
    en: 'must be a path inside the module folder, such as media/film.vtt (no .., leading /, \\ or :)',
  },
}

const quote = (values: unknown[]) => values.map((v) => `\`${String(v)}\``).join(', ')

/** Turns ajv errors into author-facing problems, dropping the noise of combinators. */
export function schemaProblems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  const problems: SchemaProblem[] = []
  const seen = new Set<string>()
  for (const error of errors ?? []) {
    if (error.keyword === 'if' || error.keyword === 'allOf' || error.keyword === 'oneOf' || error.keyword === 'anyOf') continue
    const path = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    const p = error.params as Record<string, unknown>
    let target = path
    let atKey = false
    let sv: string
    let en: string
    switch (error.keyword) {
      case 'required':
        sv = `fältet \`${p.missingProperty}\` saknas`
        en = `the field \`${p.missingProperty}\` is missing`
        break
      case 'additionalProperties': {
        target = [...path, String(p.additionalProperty)]
        atKey = true
        const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {})
        sv = `okänt fält \`${p.additionalProperty}\`${known.length ? `, förväntade ett av ${quote(known)}` : ''}`
        en = `unknown field \`${p.additionalProperty}\`${known.length ? `, expected one of ${quote(known)}` : ''}`
        break
      }
      case 'type': {
        const types = String(p.type).split(',')
        sv = `ska vara ${types.map((t) => typeWords[t]?.sv ?? t).join(' eller ')}`
        en = `must be ${types.map((t) => typeWords[t]?.en ?? t).join(' or ')}`
        break
      }
      case 'enum':
        sv = `ska vara ett av ${quote(p.allowedValues as unknown[])}`
        en = `must be one of ${quote(p.allowedValues as unknown[])}`
        break
      case 'const':
        sv = `ska vara \`${String(p.allowedValue)}\``
        en = `must be \`${String(p.allowedValue)}\``
        break
      case 'pattern': {
        const words = patternWords[String(p.pattern)]
        sv = words?.sv ?? `har fel form (${p.pattern})`
        en = words?.en ?? `has the wrong form (${p.pattern})`
        break
      }
      case 'dependentRequired':
        // A form's `source` and `licence` go together: a standardised form needs both.
        sv = `fältet \`${p.missingProperty}\` saknas, det krävs när \`${p.property}\` finns`
        en = `the field \`${p.missingProperty}\` is missing, it is required when \`${p.property}\` is given`
        break
      case 'minimum':
      case 'maximum':
        sv = `ska vara ${error.keyword === 'minimum' ? 'minst' : 'högst'} ${p.limit}`
        en = `must be at ${error.keyword === 'minimum' ? 'least' : 'most'} ${p.limit}`
        break
      case 'minLength':
        sv = Number(p.limit) <= 1 ? 'får inte vara tomt' : `ska vara minst ${p.limit} tecken`
        en = Number(p.limit) <= 1 ? 'must not be empty' : `must be at least ${p.limit} characters`
        break
      case 'maxLength':
        sv = `får vara högst ${p.limit} tecken`
        en = `must be at most ${p.limit} characters`
        break
      case 'minItems':
        sv = `ska ha minst ${p.limit} ${Number(p.limit) === 1 ? 'värde' : 'värden'}`
        en = `must have at least ${p.limit} ${Number(p.limit) === 1 ? 'item' : 'items'}`
        break
      case 'not':
      case 'false schema':
        sv = 'ska inte anges här'
        en = 'must not be given here'
        break
      default:
        sv = error.message ?? error.keyword
        en = error.message ?? error.keyword
    }
    const field = target.reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '')
    const key = `${field}|${sv}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push({ path: target, field, atKey, sv, en })
  }
  return problems
}
