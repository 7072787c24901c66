// Writes a bundle folder atomically: everything goes to a temporary folder beside the target,
// which then replaces the target by rename. A failure at any point leaves the previous bundle
// as it was. When the new manifest equals the one on disk, nothing is written.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { BundleFiles } from './bundle.ts'

export type WriteOutcome = 'written' | 'unchanged'

export async function writeBundleDir(outDir: string, files: BundleFiles): Promise<WriteOutcome> {
  const target = path.resolve(outDir)
  const manifest = files.get('manifest.json')
  if (manifest && (await sameFile(path.join(target, 'manifest.json'), manifest))) return 'unchanged'

  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`
  const temp = `${target}.tmp-${suffix}`
  const old = `${target}.old-${suffix}`
  await mkdir(path.dirname(target), { recursive: true })
  try {
    for (const [rel, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const file = path.join(temp, rel)
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, bytes)
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

async function sameFile(file: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const current = await readFile(file)
    return Buffer.compare(current, bytes) === 0
  } catch {
    return false
  }
}
