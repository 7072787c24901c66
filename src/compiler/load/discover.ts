// Finds the content files: programme.md at the top, and in each module folder module.md and
// its section files. README.md files are documentation and never compiled.
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { diagnostic, fileSpan, type Diagnostic } from '../diagnostics/diagnostic.ts'
import { readSource, type SourceCache, type SourceFile } from './source-file.ts'

/** The files of a content folder, read and normalised, in a stable order. */
export interface LoadedContent {
  /** The content folder as given (used to build display paths). */
  root: string
  files: SourceFile[]
  diagnostics: Diagnostic[]
  /** Module folders (relative) with a file that could not be read. */
  failedDirs: Set<string>
}

const isMarkdown = (name: string) => name.endsWith('.md') && name !== 'README.md' && !name.startsWith('.')
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Joins the content folder as given with a relative path, for messages. */
export function displayPath(root: string, rel: string): string {
  return path.posix.join(root.split(path.sep).join('/'), rel)
}

/**
 * Reads a content folder. `display` is the folder as shown in messages (defaults to `root`),
 * so that a tool running elsewhere can still print paths relative to its user's folder.
 */
export async function loadContent(root: string, display: string = root, cache?: SourceCache): Promise<LoadedContent> {
  const diagnostics: Diagnostic[] = []
  const files: SourceFile[] = []
  const entries = await readdir(root, { withFileTypes: true })
  const names = entries.map((e) => e.name).sort(byName)

  // First the list of files in their stable order, then all reads at once: on a warm cache
  // (watch mode) each read is a stat, and the stats overlap.
  const wanted: Array<{ rel: string; kind: SourceFile['kind']; moduleDir: string | null }> = []
  if (names.includes('programme.md')) wanted.push({ rel: 'programme.md', kind: 'programme', moduleDir: null })
  else diagnostics.push(diagnostic('PLUS104', fileSpan(displayPath(display, 'programme.md'))))

  for (const entry of entries.sort((a, b) => byName(a.name, b.name))) {
    if (entry.isFile() && isMarkdown(entry.name) && entry.name !== 'programme.md') {
      diagnostics.push(diagnostic('PLUS112', fileSpan(displayPath(display, entry.name)), { path: entry.name }))
    }
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const dir = entry.name
    const inner = (await readdir(path.join(root, dir), { withFileTypes: true }))
      .filter((e) => e.isFile() && isMarkdown(e.name))
      .map((e) => e.name)
      .sort(byName)
    if (inner.length === 0) continue
    if (!inner.includes('module.md')) {
      diagnostics.push(diagnostic('PLUS105', fileSpan(displayPath(display, `${dir}/${inner[0]}`)), { dir }))
      continue
    }
    wanted.push({ rel: `${dir}/module.md`, kind: 'module', moduleDir: dir })
    for (const name of inner) {
      if (name !== 'module.md') wanted.push({ rel: `${dir}/${name}`, kind: 'section', moduleDir: dir })
    }
  }
  const results = await Promise.all(
    wanted.map(({ rel, kind, moduleDir }) =>
      readSource(path.join(root, rel), { kind, moduleDir, rel, path: displayPath(display, rel) }, cache),
    ),
  )
  const failedDirs = new Set<string>()
  results.forEach((result, i) => {
    diagnostics.push(...result.diagnostics)
    if (result.file) files.push(result.file)
    else if (wanted[i]!.moduleDir) failedDirs.add(wanted[i]!.moduleDir!)
  })
  return { root, files, diagnostics, failedDirs }
}
