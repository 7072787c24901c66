// The bundle's media (posters, captions, images, later videos) belong to the site under /media/,
// the same relative paths the bundle uses. The dev server serves them straight from the bundle
// folder; the build copies them next to the pages.
import { createReadStream } from 'node:fs'
import { cp, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { contentTypeOf } from '../../src/bundle/media-types.ts'

/** Connect middleware for /media/…; supports byte ranges, which video seeking needs. */
export function serveMedia(bundleDir: string) {
  const root = path.join(bundleDir, 'media')
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith('/media/')) return next()
    const file = path.join(root, decodeURIComponent(url.pathname.slice('/media/'.length)))
    if (!file.startsWith(root + path.sep)) return next()
    let size: number
    try {
      const info = await stat(file)
      if (!info.isFile()) return next()
      size = info.size
    } catch {
      return next()
    }
    res.setHeader('Content-Type', contentTypeOf(file) ?? 'application/octet-stream')
    res.setHeader('Accept-Ranges', 'bytes')
    res.setHeader('Cache-Control', 'no-cache')
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '')
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]))
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1
      if (start > end || start >= size) {
        res.statusCode = 416
        res.setHeader('Content-Range', `bytes */${size}`)
        res.end()
        return
      }
      res.statusCode = 206
      res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`)
      res.setHeader('Content-Length', end - start + 1)
      createReadStream(file, { start, end }).pipe(res)
      return
    }
    res.setHeader('Content-Length', size)
    createReadStream(file).pipe(res)
  }
}

/** Copies the bundle's media folder into the built site. */
export async function copyMedia(bundleDir: string, siteDir: string): Promise<void> {
  await cp(path.join(bundleDir, 'media'), path.join(siteDir, 'media'), { recursive: true })
}
