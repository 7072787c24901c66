// Scaffolding: new modules, sections and steps with fresh, readable, unique ids, so that authors
// never invent ids by hand. Existing files are read with the compiler's own load and parse (the
// same frontmatter reader, the same ids), never with regular expressions of their own, so a
// module.md the compiler accepts is one scaffolding understands.
import { readdir, rename, writeFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { loadContent } from './load/discover.ts'
import { splitFrontmatter } from './load/frontmatter.ts'
import { readSource } from './load/source-file.ts'
import { resolveFile } from './resolve/index.ts'
import { slugify } from './resolve/slug.ts'
import { SKELETON_MODULE_SUMMARY, SKELETON_STEP_TEXT } from './skeleton.ts'

/** PLUS has seven modules; scaffolding refuses an eighth. */
export const MAX_MODULES = 7

/** Why scaffolding refused, in both languages. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError'
  readonly sv: string
  constructor(en: string, sv: string) {
    super(en)
    this.sv = sv
  }
}

/** Every id already declared in the content folder. */
async function knownIds(contentDir: string): Promise<Set<string>> {
  const loaded = await loadContent(contentDir)
  const ids = new Set<string>()
  for (const file of loaded.files) for (const decl of resolveFile(file).collected.ids) ids.add(decl.id)
  return ids
}

/** `base`, or `base-2`, `base-3` … whichever is free. */
export function uniqueId(base: string, taken: Set<string>): string {
  const clean = base.slice(0, 60).replace(/-+$/, '')
  if (!taken.has(clean)) return clean
  for (let n = 2; ; n++) if (!taken.has(`${clean}-${n}`)) return `${clean}-${n}`
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`
  await writeFile(temp, text)
  await rename(temp, file)
}

/** Titles go inside `title="…"`: a straight double quote would end the value. */
const quote = (text: string) => text.replace(/"/g, '”')

function stepSkeleton(id: string, title: string): string {
  return `::::step{#${id} title="${quote(title)}"}\n${SKELETON_STEP_TEXT}\n::::\n`
}

/** The frontmatter of a module folder's module.md, read as the compiler reads it; null when unreadable. */
async function moduleData(moduleDir: string): Promise<Record<string, unknown> | null> {
  const file = path.join(moduleDir, 'module.md')
  const { file: source } = await readSource(file, { kind: 'module', moduleDir: path.basename(moduleDir), rel: 'module.md', path: file })
  if (!source) return null
  const data = splitFrontmatter(source).split.data
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : null
}

/** The module id declared in a module folder's module.md. */
async function moduleIdOf(moduleDir: string): Promise<string> {
  const data = await moduleData(moduleDir)
  if (!data) throw new ScaffoldError(`${moduleDir} is not a module folder (no readable module.md)`, `${moduleDir} är ingen modulmapp (module.md saknas eller går inte att läsa)`)
  if (typeof data.id !== 'string' || !data.id) {
    throw new ScaffoldError(`${path.join(moduleDir, 'module.md')} has no id`, `${path.join(moduleDir, 'module.md')} har inget id`)
  }
  return data.id
}

/** Adds a step at the end of a section file; returns its id. */
export async function newStep(sectionFile: string, title: string, contentDir: string): Promise<string> {
  const { file: source } = await readSource(sectionFile, { kind: 'section', moduleDir: null, rel: path.basename(sectionFile), path: sectionFile })
  if (!source) throw new ScaffoldError(`cannot read section file ${sectionFile}`, `avsnittsfilen ${sectionFile} kunde inte läsas`)
  const moduleId = await moduleIdOf(path.dirname(sectionFile))
  const id = uniqueId(`${moduleId}-${slugify(title)}`, await knownIds(contentDir))
  await atomicWrite(sectionFile, `${source.text.replace(/\n*$/, '\n')}\n${stepSkeleton(id, title)}`)
  return id
}

/** Adds a section file with one step to a module folder; returns the new file's path. */
export async function newSection(moduleDir: string, title: string, contentDir: string): Promise<string> {
  const moduleId = await moduleIdOf(moduleDir)
  const taken = await knownIds(contentDir)
  const slug = slugify(title)
  const id = uniqueId(`${moduleId}-${slug}`, taken)
  taken.add(id)
  const stepId = uniqueId(`${id}-1`, taken)
  const numbers = (await readdir(moduleDir)).map((n) => /^(\d+)-.*\.md$/.exec(n)?.[1]).filter(Boolean).map(Number)
  const next = String((numbers.length ? Math.max(...numbers) : 0) + 1).padStart(2, '0')
  const file = path.join(moduleDir, `${next}-${slug}.md`)
  await atomicWrite(file, `---\nid: ${id}\ntitle: "${quote(title)}"\n---\n\n${stepSkeleton(stepId, title)}`)
  return file
}

/** Adds a module folder with module.md and a first section; returns the folder. */
export async function newModule(title: string, contentDir: string): Promise<string> {
  const taken = await knownIds(contentDir)
  const id = uniqueId(slugify(title), taken)
  taken.add(id)
  const dir = path.join(contentDir, id)
  const orders: number[] = []
  for (const entry of await readdir(contentDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const order = (await moduleData(path.join(contentDir, entry.name)))?.order
    if (typeof order === 'number' && Number.isInteger(order)) orders.push(order)
  }
  const order = (orders.length ? Math.max(...orders) : 0) + 1
  if (order > MAX_MODULES) {
    throw new ScaffoldError(`PLUS has at most seven modules; ${orders.length} exist already`, `PLUS har högst sju moduler; ${orders.length} finns redan`)
  }
  await mkdir(dir, { recursive: false }).catch(() => {
    throw new ScaffoldError(`${dir} already exists`, `${dir} finns redan`)
  })
  // The time estimate starts at what the skeleton takes; PLUS320 asks for a new one as it grows.
  await atomicWrite(
    path.join(dir, 'module.md'),
    `---\nid: ${id}\ntitle: "${quote(title)}"\norder: ${order}\nsummary: "${SKELETON_MODULE_SUMMARY}"\nestimatedMinutes: 1\nreview:\n  status: draft\n---\n`,
  )
  const sectionId = uniqueId(`${id}-introduktion`, taken)
  taken.add(sectionId)
  const stepId = uniqueId(`${id}-valkommen`, taken)
  await atomicWrite(path.join(dir, '01-introduktion.md'), `---\nid: ${sectionId}\ntitle: Introduktion\n---\n\n${stepSkeleton(stepId, 'Välkommen')}`)
  return dir
}
