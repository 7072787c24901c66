// Where a step is written, so a reviewer can open the right place in the editor: the path as the
// author knows it (`content/stress/01-vad-ar-stress.md:7`) and an editor link. `vscode://file/…`
// is the URL scheme VS Code (and editors that copy it, such as VSCodium and Cursor) registers to
// open a file at a line; other editors ignore it, and the path stays there to copy.
import path from 'node:path'
import type { SourceLocation } from '../../src/types/bundle.generated.ts'

export function contentDir(): string {
  return path.resolve(process.env.PLUS_CONTENT_DIR ?? 'content')
}

export function sourceOf(source: SourceLocation): { label: string; href: string } {
  const absolute = path.join(contentDir(), source.file)
  const relative = path.relative(process.cwd(), absolute)
  const label = `${relative && !relative.startsWith('..') ? relative : absolute}:${source.line}`
  const href = `vscode://file${encodeURI(absolute.startsWith('/') ? absolute : `/${absolute}`)}:${source.line}`
  return { label, href }
}
