// The kinds of media file a bundle may carry, by extension: what the compiler writes into the
// bundle as `mediaType`, and what a server sends as Content-Type when it serves the bundle's
// media (the preview's dev server, Provkör). One table, so the three cannot disagree.
import path from 'node:path'

/** Media types by extension, as written into the bundle. */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.vtt': 'text/vtt',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
}

/** The bundle's media type of a file name, or null for a kind a bundle does not carry. */
export function mediaTypeOf(file: string): string | null {
  return MEDIA_TYPES[path.extname(file).toLowerCase()] ?? null
}

/** The HTTP Content-Type for serving a media file: text types (captions) say they are UTF-8. */
export function contentTypeOf(file: string): string | null {
  const type = mediaTypeOf(file)
  return type?.startsWith('text/') ? `${type}; charset=utf-8` : type
}
