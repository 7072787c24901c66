// Reads the media files the content refers to, once: the one home of what is known about a
// media file — its bytes, hash and media type, and for captions the parsed cues. Validation
// and emit read these records; neither reads or parses a media file itself. Paths stay inside
// their module folder.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import path from 'node:path'
import type { MediaRef } from '../ir.ts'
import { readWebVtt, type VttResult } from './webvtt.ts'
import { mediaTypeOf } from '../../bundle/media-types.ts'

/** A media file that could be read: everything later phases need to know about it. */
export interface MediaRecord {
  status: 'ok'
  bytes: Uint8Array
  /** Hex SHA-256 of the bytes. */
  sha256: string
  /** By the file's extension; `application/octet-stream` when unknown. */
  mediaType: string
  /** For WebVTT captions: the parsed cues, their end, words and problems; otherwise null. */
  captions: VttResult | null
}

/** A media file as read from disk: its record, or why it could not be used. */
export type MediaFileState = MediaRecord | { status: 'missing' } | { status: 'outside' }

/** The key of a media reference: its path relative to the content folder. */
export function mediaKey(ref: Pick<MediaRef, 'moduleDir' | 'path'>): string {
  return ref.moduleDir ? `${ref.moduleDir}/${ref.path}` : ref.path
}

/** The complete record of a media file's bytes. */
export function mediaRecord(file: string, bytes: Uint8Array): MediaRecord {
  const mediaType = mediaTypeOf(file) ?? 'application/octet-stream'
  return {
    status: 'ok',
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    mediaType,
    captions: mediaType === 'text/vtt' ? readWebVtt(new TextDecoder('utf-8', { fatal: false }).decode(bytes)) : null,
  }
}

/** Cache of media reads by absolute path, reused across watch-mode rebuilds. */
export type MediaCache = Map<string, { mtimeMs: number; size: number; state: MediaFileState }>

/** Reads the media files of `refs`. Synchronously, as content files are (see readSource). */
export async function loadMedia(root: string, refs: MediaRef[], cache?: MediaCache): Promise<Map<string, MediaFileState>> {
  const out = new Map<string, MediaFileState>()
  // Folder listings for the spelling check, read once per call: many references share a folder.
  const listings = new Map<string, string[]>()
  for (const ref of refs) {
    const key = mediaKey(ref)
    if (out.has(key)) continue
    const moduleRoot = path.resolve(root, ref.moduleDir)
    const absolute = path.resolve(moduleRoot, ref.path)
    const relative = path.relative(moduleRoot, absolute)
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      out.set(key, { status: 'outside' })
      continue
    }
    // A symlink inside the folder may still lead outside it.
    const real = attempt(() => realpathSync(absolute), null)
    const realRoot = attempt(() => realpathSync(moduleRoot), moduleRoot)
    if (real && path.relative(realRoot, real).startsWith('..')) {
      out.set(key, { status: 'outside' })
      continue
    }
    if (!spelledExactly(moduleRoot, relative, listings)) {
      out.set(key, { status: 'missing' })
      continue
    }
    out.set(key, readMedia(absolute, cache))
  }
  return out
}

/**
 * True when every segment of the path exists with exactly this spelling. macOS and Windows
 * find `Media/Film.VTT` for `media/film.vtt`; Linux servers do not. Checking the spelling makes
 * every machine agree with the one the bundle is built on.
 */
function spelledExactly(root: string, relative: string, listings: Map<string, string[]>): boolean {
  let dir = root
  for (const segment of relative.split(path.sep)) {
    let names = listings.get(dir)
    if (!names) listings.set(dir, (names = attempt(() => readdirSync(dir), [] as string[])))
    if (!names.includes(segment)) return false
    dir = path.join(dir, segment)
  }
  return true
}

function readMedia(absolute: string, cache?: MediaCache): MediaFileState {
  try {
    const info = statSync(absolute)
    if (!info.isFile()) return { status: 'missing' }
    const cached = cache?.get(absolute)
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.state
    const state: MediaFileState = mediaRecord(absolute, new Uint8Array(readFileSync(absolute)))
    cache?.set(absolute, { mtimeMs: info.mtimeMs, size: info.size, state })
    return state
  } catch {
    return { status: 'missing' }
  }
}

function attempt<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read()
  } catch {
    return fallback
  }
}
