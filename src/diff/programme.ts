// Programme-level changes: id, format and content version, title, duration, welcome text, flags.
import type { Flag, PlusBundle } from '../types/bundle.generated.ts'
import { mergedOrder } from './order.ts'
import type { Change, FlagChanged, FlagSummary, ProgrammeFieldChanged } from './types.ts'

export function diffProgramme(before: PlusBundle, after: PlusBundle): Change[] {
  const a = before.programme
  const b = after.programme
  const changes: Change[] = []
  const field = (change: ProgrammeFieldChanged['change']) => changes.push({ type: 'programme-changed', change, warnings: [] })
  if (a.id !== b.id) field({ field: 'id', before: a.id, after: b.id })
  if (before.schemaVersion !== after.schemaVersion) field({ field: 'schemaVersion', before: before.schemaVersion, after: after.schemaVersion })
  if (a.version !== b.version) field({ field: 'version', before: a.version, after: b.version })
  if (a.title !== b.title) field({ field: 'title', before: a.title, after: b.title })
  if (a.durationDays !== b.durationDays) field({ field: 'durationDays', before: a.durationDays, after: b.durationDays })
  // Compared by HTML so that a change of emphasis or a link shows; reported as plain text.
  if (a.welcome.html !== b.welcome.html) field({ field: 'welcome', before: a.welcome.text, after: b.welcome.text })
  changes.push(...diffFlags(a.flags, b.flags))
  return changes
}

function diffFlags(before: Flag[], after: Flag[]): Change[] {
  const old = new Map(before.map((f) => [f.id, f]))
  const now = new Map(after.map((f) => [f.id, f]))
  const changes: Change[] = []
  for (const id of mergedOrder(before.map((f) => f.id), after.map((f) => f.id))) {
    const a = old.get(id)
    const b = now.get(id)
    if (!a && b) changes.push({ type: 'flag-added', flag: summary(b), warnings: [] })
    else if (a && !b) changes.push({ type: 'flag-removed', flag: summary(a), warnings: [] })
    else if (a && b) {
      const fields: FlagChanged['changes'] = []
      if (a.trigger !== b.trigger) fields.push({ field: 'trigger', before: a.trigger, after: b.trigger })
      if (a.recipient !== b.recipient) fields.push({ field: 'recipient', before: a.recipient, after: b.recipient })
      if (a.days !== b.days) fields.push({ field: 'days', before: a.days, after: b.days })
      if (a.title !== b.title) fields.push({ field: 'title', before: a.title, after: b.title })
      if (a.text !== b.text) fields.push({ field: 'text', before: a.text, after: b.text })
      if (fields.length) changes.push({ type: 'flag-changed', flag: { id, title: b.title }, changes: fields, warnings: [] })
    }
  }
  return changes
}

function summary(flag: Flag): FlagSummary {
  return { id: flag.id, title: flag.title, trigger: flag.trigger, recipient: flag.recipient, days: flag.days }
}
