// Builds a content folder for a fixture case: the shared base (test/fixtures/_base/content),
// overlaid with the case's own files, minus the files the case deletes.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url))

/** Options a case may give in case.json. */
export interface CaseOptions {
  /** Files of the base to remove, relative to the content folder. */
  delete?: string[]
  /** Compile as a release build. */
  release?: boolean
}

export async function caseOptions(name: string): Promise<CaseOptions> {
  const file = path.join(fixturesDir, name, 'case.json')
  return existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {}
}

/** A temporary content folder for a case; call the returned cleanup when done. */
export async function materialise(name: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), `plus-fixture-${name}-`))
  const dir = path.join(root, 'content')
  await cp(path.join(fixturesDir, '_base', 'content'), dir, { recursive: true })
  const own = path.join(fixturesDir, name, 'content')
  if (existsSync(own)) await cp(own, dir, { recursive: true, force: true })
  for (const file of (await caseOptions(name)).delete ?? []) await rm(path.join(dir, file), { recursive: true, force: true })
  return { dir, cleanup: () => rm(root, { recursive: true, force: true }) }
}

/** A base content folder with extra or replaced files given inline. */
export async function contentWith(files: Record<string, string | Uint8Array>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const { writeFile, mkdir } = await import('node:fs/promises')
  const made = await materialise('_base')
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(made.dir, rel)), { recursive: true })
    await writeFile(path.join(made.dir, rel), body)
  }
  return made
}
