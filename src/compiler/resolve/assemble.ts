// Puts resolved files together into the tree. Apart from resolve/index.ts so that a compile
// answered from the persistent cache can build its tree without loading the Markdown parser.
import type { Collected, IRModule, IRProgramme, IRTree } from '../ir.ts'
import type { ResolvedFile } from './index.ts'

/** Puts resolved files together: sections into their modules, modules in order. */
export function assemble(resolved: ResolvedFile[]): IRTree {
  const collected: Collected = { ids: [], links: [], media: [] }
  let programme: IRProgramme | null = null
  const modules = new Map<string, IRModule>()
  for (const r of resolved) {
    collected.ids.push(...r.collected.ids)
    collected.links.push(...r.collected.links)
    collected.media.push(...r.collected.media)
    if (r.kind === 'programme') programme = r.node
    if (r.kind === 'module' && r.node) modules.set(r.file.moduleDir!, { ...r.node, sections: [] })
  }
  for (const r of resolved) {
    if (r.kind !== 'section' || !r.node) continue
    modules.get(r.file.moduleDir!)?.sections.push(r.node)
  }
  const ordered = [...modules.values()].sort((a, b) => a.order - b.order || (a.dir < b.dir ? -1 : 1))
  for (const module of ordered) module.sections.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
  return { programme, modules: ordered, collected }
}
