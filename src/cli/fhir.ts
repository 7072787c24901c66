// `plus fhir [bundle] [--out file] [--base-url url]`: every form of a bundle as an HL7 FHIR R4
// Questionnaire, in one FHIR Bundle of type collection, for a journal system to take in.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { BundleError, loadBundle } from '../bundle/load.ts'
import { allQuestionnaires } from '../fhir/index.ts'
import { UsageError, type Io } from './io.ts'

export async function runFhir(io: Io, args: string[], out: string | undefined, baseUrl: string | undefined): Promise<number> {
  if (args.length > 1) throw new UsageError('plus fhir [bundle] [--out file] [--base-url url]', 'plus fhir [paket] [--out fil] [--base-url url]')
  const location = path.resolve(io.cwd, args[0] ?? 'dist/bundle')
  let bundle
  try {
    bundle = await loadBundle(location)
  } catch (error) {
    if (error instanceof BundleError) throw new UsageError(`${args[0] ?? 'dist/bundle'}: ${error.message}`)
    throw error
  }
  if (baseUrl !== undefined && !/^https:\/\/[^\s]+$/.test(baseUrl)) throw new UsageError('--base-url must be an https URL', '--base-url ska vara en https-adress')
  const json = JSON.stringify(allQuestionnaires(bundle, baseUrl ? { baseUrl } : {}), null, 2) + '\n'
  if (!out) {
    io.out(json)
    return 0
  }
  const file = path.resolve(io.cwd, out)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(`${file}.tmp-${process.pid}`, json)
  await rename(`${file}.tmp-${process.pid}`, file)
  return 0
}
