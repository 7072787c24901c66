// The Node binaries the package is tested on: Node 24 (the devDependency `node`, which npm
// scripts run) and Node 22, the oldest the package supports (`engines`), pinned by the local
// package test/support/node22 so that its `node` binary stays out of node_modules/.bin.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** A pinned Node binary, by major version. */
export interface PinnedNode {
  major: number
  path: string
}

export const pinnedNodes: PinnedNode[] = [
  { major: 22, path: fileURLToPath(new URL('node22/node_modules/node/bin/node', import.meta.url)) },
  { major: 24, path: fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url)) },
]

/** Throws with the command that installs them when a pinned binary is missing. */
export function assertPinnedNodes(): void {
  const missing = pinnedNodes.filter((node) => !existsSync(node.path))
  if (missing.length) {
    throw new Error(`Node ${missing.map((n) => n.major).join(' and ')} not installed (${missing.map((n) => n.path).join(', ')}): run npm ci`)
  }
}
