// The package as a host application gets it: compiled JavaScript in dist/lib (Node does not
// strip types under node_modules), importable by plain Node, finding its schemas.
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { materialise } from '../helpers/fixture.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('the compiled library', () => {
  it('compiles, and plain Node (no type stripping) can build and load a bundle with it', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'plus-lib-'))
    const { dir, cleanup } = await materialise('ok-form-assessment')
    try {
      const lib = path.join(root, 'dist', `lib-test-${process.pid}`)
      execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'src/tsconfig.lib.json'), '--outDir', lib], { cwd: root })
      const script = `
        const plus = await import(${JSON.stringify(path.join(lib, 'index.js'))});
        const compiler = await import(${JSON.stringify(path.join(lib, 'authoring.js'))});
        const engine = await import(${JSON.stringify(path.join(lib, 'engine/index.js'))});
        const built = await compiler.build({ contentDir: ${JSON.stringify(dir)}, outDir: ${JSON.stringify(path.join(out, 'bundle'))} });
        const bundle = await plus.loadBundle(${JSON.stringify(path.join(out, 'bundle'))});
        console.log(JSON.stringify({ write: built.write, modules: bundle.programme.modules.length, engine: typeof engine.createEngine }));
      `
      const result = execFileSync(process.execPath, ['--no-experimental-strip-types', '--input-type=module', '-e', script], { encoding: 'utf8' })
      expect(JSON.parse(result)).toEqual({ write: 'written', modules: 1, engine: 'function' })
      await rm(lib, { recursive: true, force: true })
    } finally {
      await cleanup()
      await rm(out, { recursive: true, force: true })
    }
  })
})
