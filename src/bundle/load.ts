// Loading a compiled bundle for a host application, the engine or the preview: the bundle is
// checked against its JSON Schema before it is handed out, so callers can trust its types.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { PlusBundle, PlusManifest } from '../types/bundle.generated.ts'
import { schemaProblems, validator } from '../compiler/schemas.ts'
import { BUNDLE_SCHEMA_VERSION } from '../compiler/emit/bundle.ts'

/** Thrown when a bundle cannot be used: unreadable, not JSON, invalid or of an unknown version. */
export class BundleError extends Error {
  override name = 'BundleError'
  /** Schema problems, as `path: message` lines, when the bundle did not validate. */
  readonly problems: string[]
  constructor(message: string, problems: string[] = []) {
    super(problems.length ? `${message}:\n  ${problems.slice(0, 20).join('\n  ')}` : message)
    this.problems = problems
  }
}

/** Validates a parsed bundle and returns it typed. Throws BundleError when it is not valid. */
export function parseBundle(data: unknown): PlusBundle {
  const validate = validator('bundle.schema.json')
  if (!validate(data)) {
    const problems = schemaProblems(validate.errors).map((p) => `${p.field || '(root)'}: ${p.en}`)
    throw new BundleError('the bundle does not match bundle.schema.json', problems)
  }
  const bundle = data as PlusBundle
  const major = (v: string) => v.split('.')[0]
  if (major(bundle.schemaVersion) !== major(BUNDLE_SCHEMA_VERSION)) {
    throw new BundleError(`bundle format ${bundle.schemaVersion} is not supported (this version reads ${major(BUNDLE_SCHEMA_VERSION)}.x)`)
  }
  return bundle
}

/**
 * Reads and validates a bundle: a path to `plus.json` or to the bundle folder holding it.
 */
export async function loadBundle(location: string): Promise<PlusBundle> {
  const file = location.endsWith('.json') ? location : path.join(location, 'plus.json')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new BundleError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new BundleError(`${file} is not JSON (${(error as Error).message})`)
  }
  return parseBundle(data)
}

/** Reads and validates a bundle folder's manifest. */
export async function loadManifest(dir: string): Promise<PlusManifest> {
  const file = path.join(dir, 'manifest.json')
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new BundleError(`cannot read ${file} (${(error as Error).message})`)
  }
  const validate = validator('manifest.schema.json')
  if (!validate(data)) {
    throw new BundleError('the manifest does not match manifest.schema.json', schemaProblems(validate.errors).map((p) => `${p.field}: ${p.en}`))
  }
  return data as PlusManifest
}
