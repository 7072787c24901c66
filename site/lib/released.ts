// The last released bundle, to compare the current content with. Where it is: PLUS_RELEASED_DIR
// (a bundle folder or its plus.json), else dist/released/. A missing folder is normal (nothing
// released yet): then there are no badges and the pages say so.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { loadBundle } from '../../src/bundle/load.ts'
import type { PlusBundle } from '../../src/types/bundle.generated.ts'
import { compareWithRelease, type Changes } from './changes.ts'

/** The released bundle's folder (or plus.json). */
export function releasedDir(): string {
  return path.resolve(process.env.PLUS_RELEASED_DIR ?? 'dist/released')
}

/** What the preview knows about the release: none, unreadable (with why), or compared. */
export type ReleaseState = { status: 'none'; location: string } | { status: 'unreadable'; location: string; reason: string } | { status: 'compared'; location: string; changes: Changes }

let cached: { key: string; current: PlusBundle; state: Promise<ReleaseState> } | null = null

/** Compares `current` with the released bundle, once per version of both. */
export async function releaseState(current: PlusBundle): Promise<ReleaseState> {
  const location = releasedDir()
  const file = location.endsWith('.json') ? location : path.join(location, 'plus.json')
  const info = await stat(file).catch(() => null)
  const key = info ? `${file}:${info.mtimeMs}:${info.size}` : `${file}:none`
  if (cached?.key !== key || cached.current !== current) {
    const state: Promise<ReleaseState> = info
      ? loadBundle(file).then(
          (released) => ({ status: 'compared', location, changes: compareWithRelease(released, current) }) as const,
          (error: Error) => ({ status: 'unreadable', location, reason: error.message.split('\n')[0] ?? 'okänt fel' }) as const,
        )
      : Promise.resolve({ status: 'none', location } as const)
    cached = { key, current, state }
  }
  return cached.state
}

/** The changes since the release, or null when there is no readable released bundle. */
export async function stepChanges(current: PlusBundle): Promise<Changes | null> {
  const state = await releaseState(current)
  return state.status === 'compared' ? state.changes : null
}
