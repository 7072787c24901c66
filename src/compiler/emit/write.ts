// Writes a bundle folder atomically: everything goes to a temporary folder beside the target,
// which then replaces the target by rename. A failure at any point leaves the previous bundle
// as it was. When the new manifest equals the one on disk, nothing is written.
//
// The calls are synchronous: a bundle folder is a few dozen file-system calls, and each one sent
// to the thread pool (and back) cost more than the call itself, much more on a loaded machine.
// The caller waits for the write either way; the largest file (plus.json) goes in one gathering
// write of its pieces, never joined into one buffer.
import { randomBytes } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writevSync } from 'node:fs'
import path from 'node:path'
import type { BundlePieces } from './bundle.ts'

export type WriteOutcome = 'written' | 'unchanged'

export async function writeBundleDir(outDir: string, files: BundlePieces): Promise<WriteOutcome> {
  const target = path.resolve(outDir)
  if (sameFile(path.join(target, 'manifest.json'), files.get('manifest.json'))) return 'unchanged'

  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`
  const temp = `${target}.tmp-${suffix}`
  const old = `${target}.old-${suffix}`
  mkdirSync(path.dirname(target), { recursive: true })
  try {
    const made = new Set<string>()
    for (const [rel, pieces] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const file = path.join(temp, rel)
      const dir = path.dirname(file)
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true })
        made.add(dir)
      }
      writePieces(file, pieces)
    }
    let hadOld = true
    try {
      renameSync(target, old)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      hadOld = false
    }
    try {
      renameSync(temp, target)
    } catch (error) {
      if (hadOld) renameSync(old, target)
      throw error
    }
    if (hadOld) rmSync(old, { recursive: true, force: true })
    return 'written'
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}

/** Writes a new file from pieces with one gathering write (libuv repeats it until all is written). */
function writePieces(file: string, pieces: readonly Uint8Array[]): void {
  const fd = openSync(file, 'wx')
  try {
    const expected = pieces.reduce((n, piece) => n + piece.byteLength, 0)
    const written = writevSync(fd, pieces as Uint8Array[])
    if (written !== expected) throw new Error(`wrote ${written} of ${expected} bytes to ${file}`)
  } finally {
    closeSync(fd)
  }
}

function sameFile(file: string, pieces: readonly Uint8Array[] | undefined): boolean {
  if (!pieces) return false
  try {
    const current = readFileSync(file)
    return Buffer.compare(current, pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)) === 0
  } catch {
    return false
  }
}
