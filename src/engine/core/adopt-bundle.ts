// Adopting a bundle: when the engine starts on content, it stores the bundle and moves running
// programmes on to its version (ids are stable), and keeps the stored flag schedule in step with
// the bundle's flag definitions.
import { createHash } from 'node:crypto'
import type { PlusBundle } from '../../types/bundle.generated.ts'
import { auditEntry } from '../audit.ts'
import type { ContentIndex } from '../content.ts'
import { actorRef } from '../decide.ts'
import type { ProgrammeEvent } from '../events.ts'
import { evolveAll } from '../evolve.ts'
import { flagSchedule } from '../flags.ts'
import type { Actor } from '../roles.ts'
import type { EngineStore } from '../store/types.ts'
import { OPEN } from './context.ts'

const CONTENT_UPDATE: Actor = { kind: 'system', process: 'content-update' }

/**
 * What the stored flag schedule depends on besides each programme's state: the flag definitions
 * and the way flagSchedule reads them. A change of either rebuilds the schedule.
 */
export function flagScheduleBasis(content: ContentIndex): string {
  const flags = JSON.stringify(content.bundle.programme.flags)
  // 2: inactivity reminders count whole calendar days (due the day after the seventh).
  return `flag-schedule-2:sha256:${createHash('sha256').update(flags).digest('hex')}`
}

/**
 * Registers the bundle and moves running programmes on to its version. Rebuilds the flag schedule
 * when it was computed from other flag definitions, or never (a database from before the
 * schedule existed). Throws when the bundle's version is stored with different content.
 */
export async function adoptBundle(store: EngineStore, bundle: PlusBundle, content: ContentIndex, at: string): Promise<void> {
  const hash = `sha256:${createHash('sha256').update(JSON.stringify(bundle)).digest('hex')}`
  await store.transaction(async (tx) => {
    if ((await tx.saveBundle(bundle, hash, at)) === 'conflict') {
      throw new Error(`Bundle version ${content.version} is already stored with different content; give the new content a new version`)
    }
    // Only the programmes on another version are read: at start-up the store would otherwise hand
    // every open programme over (100,000 states, ~430 MB of garbage) to skip nearly all of them.
    for (const state of await tx.listProgrammes({ statuses: OPEN, contentVersionNot: content.version })) {
      if (state.contentVersion === content.version) continue
      const event: ProgrammeEvent = {
        type: 'content-updated',
        fromVersion: state.contentVersion,
        toVersion: content.version,
        at,
        by: actorRef(CONTENT_UPDATE),
      }
      const next = evolveAll([event], state)
      if (!next) throw new Error('unreachable')
      await tx.appendEvents(state.programmeId, state.version, [event], next, flagSchedule(next, content))
      await tx.appendAudit(
        auditEntry(CONTENT_UPDATE, { at, programmeId: state.programmeId, programme: state, action: 'update-content', access: 'write', outcome: 'ok', refusalCode: null }),
      )
    }
    const basis = flagScheduleBasis(content)
    if ((await tx.getFlagScheduleBasis()) !== basis) {
      // Every programme, so that none keeps entries from the old definitions; only running
      // programmes get any.
      for (const state of await tx.listProgrammes({})) await tx.replaceFlagSchedule(state.programmeId, flagSchedule(state, content))
      await tx.setFlagScheduleBasis(basis)
    }
  })
}
