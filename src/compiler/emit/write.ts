// Writes a bundle folder atomically: everything goes to a temporary folder beside the target,
// which then replaces the target by rename. A failure at any point leaves the previous bundle
// as it was. When the new manifest equals the one on disk, nothing is written.
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import type { BundlePieces } from './bundle.ts'

export type WriteOutcome = 'written' | 'unchanged'

export async function writeBundleDir(outDir: string, files: BundlePieces): Promise<WriteOutcome> {
  const target = path.resolve(outDir)
  if (await sameFile(path.join(target, 'manifest.json'), files.get('manifest.json'))) return 'unchanged'

  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`
  const temp = `${target}.tmp-${suffix}`
  const old = `${target}.old-${suffix}`
  await mkdir(path.dirname(target), { recursive: true })
  try {
    for (const [rel, pieces] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const file = path.join(temp, rel)
      await mkdir(path.dirname(file), { recursive: true })
      await writePieces(file, pieces)
    }
    let hadOld = true
    try {
      await rename(target, old)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      hadOld = false
    }
    try {
      await rename(temp, target)
    } catch (error) {
      if (hadOld) await rename(old, target)
      throw error
    }
    if (hadOld) await rm(old, { recursive: true, force: true })
    return 'written'
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

/** Writes a new file from pieces with one gathering write (libuv repeats it until all is written). */
async function writePieces(file: string, pieces: readonly Uint8Array[]): Promise<void> {
  const handle = await open(file, 'wx')
  try {
    const expected = pieces.reduce((n, piece) => n + piece.byteLength, 0)
    const { bytesWritten } = await handle.writev(pieces as Uint8Array[])
    if (bytesWritten !== expected) throw new Error(`wrote ${bytesWritten} of ${expected} bytes to ${file}`)
  } finally {
    await handle.close()
  }
}

async function sameFile(file: string, pieces: readonly Uint8Array[] | undefined): Promise<boolean> {
  if (!pieces) return false
  try {
    const current = await readFile(file)
    return Buffer.compare(current, pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)) === 0
  } catch {
    return false
  }
}
