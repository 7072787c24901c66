// Watch mode rebuilds after a save and reuses the work for unchanged files.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { watchContent } from '../../src/compiler/watch.ts'
import { materialise } from '../helpers/fixture.ts'

describe('watch', () => {
  it('rebuilds the bundle when a content file is saved, and reports errors without touching it', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    const out = path.join(path.dirname(dir), 'bundle')
    const builds: string[] = []
    let notify: (() => void) | null = null
    const watcher = watchContent({
      contentDir: dir,
      outDir: out,
      debounceMs: 10,
      onBuild: (result) => {
        builds.push(result.diagnostics.map((d) => d.code).join(',') || 'ok')
        notify?.()
      },
    })
    const next = () => new Promise<void>((resolve) => (notify = resolve))
    try {
      await watcher.ready
      const file = path.join(dir, 'mod/01-avsnitt.md')
      const text = await readFile(file, 'utf8')
      let waiting = next()
      await writeFile(file, text.replace('Stress är', 'Oro är'))
      await waiting
      expect(await readFile(path.join(out, 'plus.json'), 'utf8')).toContain('Oro är')
      waiting = next()
      await writeFile(file, text.replace('Stress är', '<i>Oro</i> är'))
      await waiting
      expect(builds.at(-1)).toBe('PLUS204')
      expect(await readFile(path.join(out, 'plus.json'), 'utf8')).toContain('Oro är')
    } finally {
      watcher.close()
      await cleanup()
    }
  })
})
