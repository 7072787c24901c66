// Loading a compiled bundle for a host application, the engine or the preview: the bundle is
// checked against its JSON Schema before it is handed out, so callers can trust its types.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { PlusBundle, PlusManifest } from '../types/bundle.generated.ts'
import { BUNDLE_SCHEMA_MAJOR, bundleProblems, manifestProblems, supportedVersion } from './contract.ts'

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
  const problems = bundleProblems(data)
  if (problems.length > 0) throw new BundleError('the bundle does not match bundle.schema.json', problems)
  const bundle = data as PlusBundle
  if (!supportedVersion(bundle.schemaVersion)) {
    throw new BundleError(`bundle format ${bundle.schemaVersion} is not supported (this version reads ${BUNDLE_SCHEMA_MAJOR}.x)`)
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
  const problems = manifestProblems(data)
  if (problems.length > 0) throw new BundleError('the manifest does not match manifest.schema.json', problems)
  return data as PlusManifest
}
