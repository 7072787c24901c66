// Reading one content file: size limit, UTF-8 check, BOM, line endings and Unicode normalisation.
import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
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
  /**
   * The SHA-256 (base64) of the file's bytes as read, when it was read from disk: the persistent
   * cache keys its entry by it, so a file whose entry is cached is never decoded.
   */
  digest?: string
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Normalises text the same way for every file: no BOM, LF line endings, NFC. */
export function normaliseText(raw: string): string {
  const noBom = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw
  return noBom.replace(/\r\n?/g, '\n').normalize('NFC')
}

/** Files read earlier, by absolute path, reused while their size and modification time hold. */
export type SourceCache = Map<string, { mtimeMs: number; size: number; file: SourceFile }>

/**
 * Reads one file; returns null and a diagnostic when it cannot be used. The reads are
 * synchronous: content files are small, and a compile waits for all of them anyway; each
 * asynchronous call is a round trip through libuv's thread pool, which for some 400 files took
 * longer than the reads (and much longer on a busy machine).
 */
export async function readSource(
  absolute: string,
  meta: Omit<SourceFile, 'text'>,
  cache?: SourceCache,
): Promise<{ file: SourceFile | null; diagnostics: Diagnostic[] }> {
  const span = fileSpan(meta.path)
  try {
    const info = statSync(absolute)
    const cached = cache?.get(absolute)
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size && cached.file.path === meta.path) {
      return { file: cached.file, diagnostics: [] }
    }
    if (info.size > MAX_FILE_BYTES) {
      return { file: null, diagnostics: [diagnostic('PLUS102', span, { size: info.size, limit: MAX_FILE_BYTES })] }
    }
    const bytes = readFileSync(absolute)
    if (!isUtf8(bytes)) {
      return { file: null, diagnostics: [diagnostic('PLUS103', invalidByteSpan(meta.path, bytes), { byte: invalidByteHex(bytes) })] }
    }
    const file = sourceFile(meta, bytes)
    cache?.set(absolute, { mtimeMs: info.mtimeMs, size: info.size, file })
    return { file, diagnostics: [] }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unknown'
    return { file: null, diagnostics: [diagnostic('PLUS101', span, { reason })] }
  }
}

/**
 * A file read from disk, its bytes known to be well-formed UTF-8. The text is decoded and
 * normalised when first read: a compile answered from the persistent cache reads only the
 * digest of most files, and decoding some 6 MB of text into strings is a large share of a
 * short build's time. The text is an own enumerable property (a getter), so spreading or
 * posting the file to a worker thread copies it as a plain string.
 */
function sourceFile(meta: Omit<SourceFile, 'text'>, bytes: Buffer): SourceFile {
  let raw: Buffer | null = bytes
  let text: string | null = null
  const file = { ...meta, digest: createHash('sha256').update(bytes).digest('base64') } as SourceFile
  Object.defineProperty(file, 'text', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (text === null) {
        text = normaliseText(decoder.decode(raw!))
        raw = null
      }
      return text
    },
    set: (value: string) => {
      text = value
      raw = null
    },
  })
  return file
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    let need: number
    let min = 0x80
    let max = 0xbf
    if (b < 0x80) {
      i++
      continue
    } else if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      // No overlong forms (E0 80–9F) and no surrogates (ED A0–BF).
      if (b === 0xe0) min = 0xa0
      if (b === 0xed) max = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) min = 0x90
      if (b === 0xf4) max = 0x8f
    } else return i
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined) return i
      const lo = k === 1 ? min : 0x80
      const hi = k === 1 ? max : 0xbf
      if (c < lo || c > hi) return i
    }
    i += need + 1
  }
  return -1
}

/** The line and column (UTF-16 code units, as for every other position) of the first bad byte. */
function invalidByteSpan(file: string, bytes: Uint8Array) {
  const at = Math.max(0, firstInvalidUtf8(bytes))
  const before = normaliseText(new TextDecoder('utf-8').decode(bytes.subarray(0, at)))
  const lines = before.split('\n')
  const line = lines.length
  const column = lines.at(-1)!.length + 1
  return { file, line, column, endLine: line, endColumn: column + 1 }
}

function invalidByteHex(bytes: Uint8Array): string {
  const at = firstInvalidUtf8(bytes)
  return at === -1 ? '' : `0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')}`
}
