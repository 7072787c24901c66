import path from 'node:path'
import type { Plugin } from 'vite'

export function externalSrc(srcDir: string): Plugin {
  const root = path.resolve(srcDir) + path.sep
  return {
    name: 'plus:external-src',
    apply: 'build',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (this.environment.config.consumer !== 'server') return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      if (resolved && !resolved.external && resolved.id.startsWith(root)) return { id: resolved.id, external: 'absolute' }
      return null
    },
  }
}
