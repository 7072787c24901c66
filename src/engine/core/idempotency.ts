// Idempotency keys: a client that may send a command twice (a retry after a lost answer) sends a
// key with it; the same key again returns the first result and stores nothing new. The key is the
// client's, scoped to the actor: a staff member in their unit, or the patient's programme. The
// stored result holds ids, versions and the flags delivered — no clinical text — and is removed
// with the programme when it is purged.
import { createHash } from 'node:crypto'
import type { ProgrammeCommand } from '../commands.ts'
import type { FlagNotification } from '../notifier.ts'
import type { Actor } from '../roles.ts'

/** The longest idempotency key, in characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200

/** A command's key, where it is kept, and a hash of the rest of the command. */
export interface IdempotencyClaim {
  scope: string
  key: string
  requestHash: string
}

/** What is stored for a key: enough to give the first result back. */
export interface FirstResult {
  programmeId: string
  /** The version before and after the first command: its events are the ones in between. */
  fromVersion: number
  version: number
  flags: FlagNotification[]
}

/**
 * The claim of a command that carries an idempotency key, or null when it has none. Throws a
 * TypeError on a malformed key (a client bug). `programmeId` is the programme a patient acts on.
 */
export function idempotencyClaim(actor: Actor, command: ProgrammeCommand, programmeId: string | null): IdempotencyClaim | null {
  const key = (command as { idempotencyKey?: unknown }).idempotencyKey
  if (key === undefined) return null
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new TypeError(`idempotencyKey must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters`)
  }
  const scope =
    actor.kind === 'staff' ? `staff:${actor.unitId}:${actor.userId}` : actor.kind === 'patient' ? `patient:${programmeId ?? ''}` : `system:${actor.process}`
  const { idempotencyKey: _, ...rest } = command as ProgrammeCommand & { idempotencyKey?: string }
  return { scope, key, requestHash: `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}` }
}

/** JSON with object keys in sorted order, so the same command hashes the same however it was built. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
