// `plus new module|section|step`: writes a skeleton with a fresh, readable, unique id, so that
// authors never have to invent ids by hand.
import { readdir, readFile, rename, writeFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { loadContent } from '../compiler/load/discover.ts'
import { resolveFile } from '../compiler/resolve/index.ts'
import { slugify } from '../compiler/resolve/slug.ts'
import { UsageError, type Io } from './io.ts'
import { SKELETON_MODULE_SUMMARY, SKELETON_STEP_TEXT } from '../compiler/skeleton.ts'

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

const quote = (text: string) => text.replace(/"/g, '”')

function stepSkeleton(id: string, title: string): string {
  return `::::step{#${id} title="${quote(title)}"}\n${SKELETON_STEP_TEXT}\n::::\n`
}

/** The module id declared in a module folder's module.md. */
async function moduleIdOf(moduleDir: string): Promise<string> {
  const text = await readFile(path.join(moduleDir, 'module.md'), 'utf8').catch(() => {
    throw new UsageError(`${moduleDir} is not a module folder (no module.md)`, `${moduleDir} är ingen modulmapp (module.md saknas)`)
  })
  const id = /^id:\s*["']?([a-z0-9-]+)/m.exec(text)?.[1]
  if (!id) throw new UsageError(`${path.join(moduleDir, 'module.md')} has no id`, `${path.join(moduleDir, 'module.md')} har inget id`)
  return id
}

export async function newStep(io: Io, sectionFile: string, title: string, contentDir: string): Promise<string> {
  const file = path.resolve(io.cwd, sectionFile)
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`cannot read section file ${sectionFile}`, `avsnittsfilen ${sectionFile} kunde inte läsas`)
  })
  const moduleId = await moduleIdOf(path.dirname(file))
  const id = uniqueId(`${moduleId}-${slugify(title)}`, await knownIds(path.resolve(io.cwd, contentDir)))
  await atomicWrite(file, `${text.replace(/\n*$/, '\n')}\n${stepSkeleton(id, title)}`)
  return id
}

export async function newSection(io: Io, moduleDir: string, title: string, contentDir: string): Promise<string> {
  const dir = path.resolve(io.cwd, moduleDir)
  const moduleId = await moduleIdOf(dir)
  const taken = await knownIds(path.resolve(io.cwd, contentDir))
  const slug = slugify(title)
  const id = uniqueId(`${moduleId}-${slug}`, taken)
  taken.add(id)
  const stepId = uniqueId(`${id}-1`, taken)
  const numbers = (await readdir(dir)).map((n) => /^(\d+)-.*\.md$/.exec(n)?.[1]).filter(Boolean).map(Number)
  const next = String((numbers.length ? Math.max(...numbers) : 0) + 1).padStart(2, '0')
  const file = path.join(dir, `${next}-${slug}.md`)
  await atomicWrite(file, `---\nid: ${id}\ntitle: "${quote(title)}"\n---\n\n${stepSkeleton(stepId, title)}`)
  return path.relative(io.cwd, file)
}

export async function newModule(io: Io, title: string, contentDir: string): Promise<string> {
  const root = path.resolve(io.cwd, contentDir)
  const taken = await knownIds(root)
  const id = uniqueId(slugify(title), taken)
  taken.add(id)
  const dir = path.join(root, id)
  const orders: number[] = []
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const text = await readFile(path.join(root, entry.name, 'module.md'), 'utf8').catch(() => '')
    const order = /^order:\s*(\d+)/m.exec(text)?.[1]
    if (order) orders.push(Number(order))
  }
  const order = (orders.length ? Math.max(...orders) : 0) + 1
  if (order > 7) throw new UsageError(`PLUS has at most seven modules; ${orders.length} exist already`, `PLUS har högst sju moduler; ${orders.length} finns redan`)
  await mkdir(dir, { recursive: false }).catch(() => {
    throw new UsageError(`${path.relative(io.cwd, dir)} already exists`, `${path.relative(io.cwd, dir)} finns redan`)
  })
  await atomicWrite(
    path.join(dir, 'module.md'),
    `---\nid: ${id}\ntitle: "${quote(title)}"\norder: ${order}\nsummary: "${SKELETON_MODULE_SUMMARY}"\nestimatedMinutes: 1\nreview:\n  status: draft\n---\n`,
  )
  const sectionId = uniqueId(`${id}-introduktion`, taken)
  taken.add(sectionId)
  const stepId = uniqueId(`${id}-valkommen`, taken)
  await atomicWrite(
    path.join(dir, '01-introduktion.md'),
    `---\nid: ${sectionId}\ntitle: Introduktion\n---\n\n${stepSkeleton(stepId, 'Välkommen')}`,
  )
  return path.relative(io.cwd, dir)
}
