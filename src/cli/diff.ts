// `plus diff <old bundle> <new bundle>`: what changed between two compiled bundles, in Swedish
// (or English), with warnings where patients' stored answers would no longer match.
import path from 'node:path'
import { BundleError, loadBundle } from '../bundle/load.ts'
import { diffBundles, formatDiff, hasBreakingChanges } from '../diff/index.ts'
import { UsageError, type Io, type Lang } from './io.ts'

export async function runDiff(io: Io, args: string[], format: 'text' | 'json', lang: Lang): Promise<number> {
  if (args.length !== 2) throw new UsageError('plus diff <old bundle> <new bundle> (a bundle folder or its plus.json)', 'plus diff <gammalt paket> <nytt paket> (en paketmapp eller dess plus.json)')
  const [before, after] = await Promise.all(
    args.map(async (arg) => {
      try {
        return await loadBundle(path.resolve(io.cwd, arg))
      } catch (error) {
        if (error instanceof BundleError) throw new UsageError(`${arg}: ${error.message}`)
        throw error
      }
    }),
  )
  const diff = diffBundles(before!, after!)
  io.out(format === 'json' ? JSON.stringify({ diff, breaking: hasBreakingChanges(diff) }, null, 2) + '\n' : formatDiff(diff, lang))
  return 0
}
