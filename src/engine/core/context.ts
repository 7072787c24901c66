// What every room of the engine shares: the store, the content it runs on, ids, the clock and
// the notifier. Built once by createEngine and passed to each room.
import { randomUUID } from 'node:crypto'
import { timeOrderedIds } from '../ids.ts'
import type { PlusBundle } from '../../types/bundle.generated.ts'
import { type ContentIndex, indexContent } from '../content.ts'
import type { ProgrammeEvent } from '../events.ts'
import { type FlagNotification, type Notifier, outboxNotifier } from '../notifier.ts'
import type { DeliveryWindow } from '../flags.ts'
import { type EnginePolicy, enginePolicy } from '../policy.ts'
import type { EngineStore, StoreTransaction } from '../store/types.ts'
import type { ContentLookup } from '../views.ts'
import type { ProgrammeState } from '../state.ts'

/** The statuses of a programme that is still running (not ended). */
export const OPEN: ProgrammeState['lifecycle']['status'][] = ['active', 'retained']

/** The outcome of a command. */
export interface CommandResult {
  /** The programme the command concerned, if any. */
  programmeId: string | null
  /** The programme's version after the command, if any. */
  version: number | null
  /** What happened (empty when the command changed nothing, e.g. marking read twice). */
  events: ProgrammeEvent[]
  /** Flags delivered because of this command (e.g. "programme started"). */
  flags: FlagNotification[]
}

/** The result of one run of the flag scheduler. */
export interface FlagRun {
  delivered: FlagNotification[]
  /** Flags whose notifier threw; they stay undelivered and are retried on the next run. */
  failed: { programmeId: string; flagId: string; error: unknown }[]
}

/** The shared parts of a running engine. */
export interface EngineContext {
  store: EngineStore
  /** The content programmes run on now. */
  content: ContentIndex
  /** Fresh unique ids. */
  newId: () => string
  notifier: Notifier
  /** Now, ISO 8601 UTC, from the injected clock. Throws a TypeError when the clock is broken. */
  now(): string
  /**
   * The content of the bundle versions given (answers given on earlier ones), read through `tx`
   * once per engine; the lookup answers null for a version the store does not have.
   */
  contentOf(tx: StoreTransaction, versions: Iterable<string>): Promise<ContentLookup>
  /** The deployment's policies (delivery window, longest retention). */
  policy: EnginePolicy
  /** Purge: the grace period and the fault-injection hook. */
  purge: PurgePolicy
}

/** The purge's grace period by default: 30 calendar days after the programme ended. */
export const DEFAULT_PURGE_GRACE_DAYS = 30

/** When a programme may be purged, and a hook for fault-injection tests. */
export interface PurgePolicy {
  /** Calendar days after a programme ended before it may be purged. */
  graceDays: number
  /** Called right after a purge commits, before its compaction (awaited). For crash tests only. */
  afterCommit?: () => void | Promise<void>
}

/** Points where a test may interrupt the engine to prove it survives a crash there. */
export interface EngineHooks {
  /** Right after a purge's transaction commits and before the file is compacted (awaited). */
  afterPurgeCommit?: () => void | Promise<void>
}

/** What a context is made from: the engine's options (`EngineOptions`). */
export interface ContextOptions {
  store: EngineStore
  /** The compiled content bundle programmes run on now. */
  bundle: PlusBundle
  /** The current time. Injected so tests and the demo can move it. */
  clock: () => Date
  /**
   * Fresh unique ids; defaults to random UUIDs, and for outbox rows to time-ordered UUIDs
   * (version 7, from `clock`: see ids.ts). When given, used for the outbox rows too.
   */
  newId?: () => string
  /** Where flags go; defaults to the outbox table in the store. */
  notifier?: Notifier
  /** When in the day flags may go out, Stockholm time; default 08:00–20:00 (see flags.ts). */
  deliveryWindow?: DeliveryWindow
  /** The longest retention, in days after the day it is decided; default 365 (see policy.ts). */
  maxRetentionDays?: number
  /**
   * Calendar days after a programme ended before it may be purged (a window to notice a mistaken
   * end); default 30. A purge before then is refused (`purge-too-early`).
   */
  purgeGraceDays?: number
  /** Fault injection for crash tests; leave out in production. */
  hooks?: EngineHooks
}

/** Builds the shared context of an engine from its options. */
export function createContext(options: ContextOptions): EngineContext {
  const { store } = options
  const content = indexContent(options.bundle)
  const newId = options.newId ?? randomUUID
  const contentCache = new Map<string, ContentIndex | null>([[content.version, content]])
  return {
    store,
    content,
    newId,
    // Outbox ids grow with time (ids.ts), so the sweep appends to the outbox's index instead of
    // scattering over it; a host that gives its own ids gets them for the outbox too.
    notifier: options.notifier ?? outboxNotifier(options.newId ?? timeOrderedIds(options.clock)),
    policy: enginePolicy({
      ...(options.deliveryWindow === undefined ? {} : { deliveryWindow: options.deliveryWindow }),
      ...(options.maxRetentionDays === undefined ? {} : { maxRetentionDays: options.maxRetentionDays }),
    }),
    purge: purgePolicy(options),
    now() {
      const date = options.clock()
      if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('The clock must return a valid Date')
      return date.toISOString()
    },
    async contentOf(tx, versions) {
      for (const version of new Set(versions)) {
        if (contentCache.has(version)) continue
        const bundle = await tx.loadBundle(version)
        contentCache.set(version, bundle ? indexContent(bundle) : null)
      }
      return (version) => {
        const found = contentCache.get(version)
        if (found === undefined) throw new Error(`Content version ${version} was not loaded first (contentOf)`)
        return found
      }
    },
  }
}

/** True for a string with something other than whitespace in it. */
export function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== ''
}

function purgePolicy(options: ContextOptions): PurgePolicy {
  const graceDays = options.purgeGraceDays ?? DEFAULT_PURGE_GRACE_DAYS
  if (!Number.isInteger(graceDays) || graceDays < 0) throw new TypeError('purgeGraceDays must be a whole number of days, 0 or more')
  const afterCommit = options.hooks?.afterPurgeCommit
  return Object.freeze({ graceDays, ...(afterCommit ? { afterCommit } : {}) })
}
