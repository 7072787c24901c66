// Reading one content file: size limit, UTF-8 check, BOM, line endings and Unicode normalisation.
import { readFile, stat } from 'node:fs/promises'
import { diagnostic, fileSpan, type Diagnostic } from '../diagnostics/diagnostic.ts'

/** The largest content file the compiler reads. Larger files are refused with PLUS102. */
export const MAX_FILE_BYTES = 1024 * 1024

/** What a Markdown file is, by its place in the content folder. */
export type SourceKind = 'programme' | 'module' | 'section'

/** A content file read from disk, with its text normalised. */
export interface SourceFile {
  kind: SourceKind
  /** Path for messages: the content folder as given, joined with `rel`. */
  path: string
  /** Path relative to the content folder, with `/` separators. */
  rel: string
  /** The module folder (relative, `/` separators) for modules and sections; null for the programme. */
  moduleDir: string | null
  /** The text: BOM dropped, CRLF and CR read as LF, NFC. Positions refer to this text. */
  text: string
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Normalises text the same way for every file: no BOM, LF line endings, NFC. */
export function normaliseText(raw: string): string {
  const noBom = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw
  return noBom.replace(/\r\n?/g, '\n').normalize('NFC')
}

/** Files read earlier, by absolute path, reused while their size and modification time hold. */
export type SourceCache = Map<string, { mtimeMs: number; size: number; file: SourceFile }>

/** Reads one file; returns null and a diagnostic when it cannot be used. */
export async function readSource(
  absolute: string,
  meta: Omit<SourceFile, 'text'>,
  cache?: SourceCache,
): Promise<{ file: SourceFile | null; diagnostics: Diagnostic[] }> {
  const span = fileSpan(meta.path)
  try {
    const info = await stat(absolute)
    const cached = cache?.get(absolute)
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size && cached.file.path === meta.path) {
      return { file: cached.file, diagnostics: [] }
    }
    if (info.size > MAX_FILE_BYTES) {
      return { file: null, diagnostics: [diagnostic('PLUS102', span, { size: info.size, limit: MAX_FILE_BYTES })] }
    }
    const bytes = await readFile(absolute)
    let raw: string
    try {
      raw = decoder.decode(bytes)
    } catch {
      return { file: null, diagnostics: [diagnostic('PLUS103', span)] }
    }
    const file = { ...meta, text: normaliseText(raw) }
    cache?.set(absolute, { mtimeMs: info.mtimeMs, size: info.size, file })
    return { file, diagnostics: [] }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unknown'
    return { file: null, diagnostics: [diagnostic('PLUS101', span, { reason })] }
  }
}
