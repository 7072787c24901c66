// The gate ("authorise"): every command and query passes it first. It identifies the actor,
// checks the permission table (permissions.ts) and, for an action aimed at one programme, that
// the programme is one the actor may reach. Every refusal is written to the audit log before it
// reaches the caller (in the transaction of Gate.run, which commits it); every allowed access is
// logged by the room that performs it.
//
// No oracle: whatever the actor may not reach — another unit's programme, another patient's, a
// purged one, an id that never existed, an id of the wrong kind — is refused the same way
// (`not-found`, same text, same shape). Only the audit log holds the real reason.
import { auditEntry } from '../audit.ts'
import { localDate } from '../calendar.ts'
import { type Action, authorize, PERMISSIONS, type Target } from '../permissions.ts'
import { parsePersonnummer } from '../../identity/personnummer.ts'
import { EngineRefusal, type Refusal, type RefusalCode, refusal } from '../refusals.ts'
import type { Actor, Role } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import type { AuditEntry, EngineStore, StoreTransaction } from '../store/types.ts'
import { nonEmpty } from './context.ts'

/** Who the actor is: their roles in their unit (staff) and their personnummer (staff, patient). */
export interface Who {
  roles: Role[]
  /** The patient actor's personnummer, 12 digits; null for staff and the system. */
  patient: string | null
  /** The acting person's own personnummer, 12 digits (staff and patient); null for the system. */
  personnummer: string | null
}

/** The gate's answer when it lets an action through. */
export interface Passed {
  who: Who
  /** The programme the action is aimed at, or null for actions not aimed at one. */
  state: ProgrammeState | null
}

/** The real reasons the gate hides behind `not-found`. */
export type HiddenReason = Extract<RefusalCode, 'programme-not-found' | 'programme-purged' | 'other-unit' | 'not-own-programme' | 'unknown-submission'>

/**
 * The gate bound to one store transaction (Gate.run). Refusals are thrown at once and logged in
 * that transaction when it ends, so they commit even though the work they stopped does not.
 */
export interface GateTx {
  /** The transaction: everything the room reads or writes goes through it. */
  readonly tx: StoreTransaction
  /** Identifies the actor. Rejects with a TypeError on a malformed actor (a host bug). */
  who(actor: Actor, at: string): Promise<Who>
  /**
   * Lets the action through or refuses it (logged, thrown). With a programme id, the programme
   * must exist and be the actor's to reach, and a staff member's programme must not be their own.
   * `forWrite`: the programme is read with lockProgramme (a command that will write it), so
   * commands sent at once to one programme take turns.
   */
  pass(actor: Actor, action: Action, at: string, programmeId?: string, options?: { forWrite?: boolean }): Promise<Passed>
  /** Throws the refusal; it is logged when the transaction ends. */
  refuse(actor: Actor, action: Action, refused: Refusal, at: string, target?: ProgrammeState | null): never
  /**
   * Throws the uniform `not-found`, logging the real reason. `asked` is the programme id the
   * actor named; `target` the programme when it exists.
   */
  hide(actor: Actor, action: Action, reason: HiddenReason, at: string, asked: string | null, target?: ProgrammeState | null): never
  /**
   * Logs an allowed access. For a change, `programme` is the programme after it and `before` as
   * the actor found it (its status and responsibility are what the log review asks about).
   */
  logOk(actor: Actor, action: Action, at: string, programme: ProgrammeState | null, before?: ProgrammeState | null): Promise<void>
}

/** The gate of one engine. */
export interface Gate {
  /**
   * Runs fn in one store transaction with the gate bound to it. A refusal thrown by the gate
   * commits the transaction with its audit entry (and whatever was written before it; the rooms
   * write nothing else before deciding) and is rethrown; any other error rolls back.
   */
  run<T>(fn: (g: GateTx) => Promise<T>): Promise<T>
}

/** Creates the gate over a store. */
export function createGate(store: EngineStore): Gate {
  /** Staff identities this engine has already recorded, so each costs one write per process. */
  const seen = new Map<string, string>()

  /** The audit entry of a refusal thrown inside a run, written before that run commits. */
  const refusals = new WeakMap<EngineRefusal, AuditEntry>()

  function refusalEntry(
    actor: Actor,
    action: Action,
    at: string,
    code: RefusalCode,
    programmeId: string | null,
    programme: ProgrammeState | null,
  ): AuditEntry {
    return auditEntry(actor, {
      at,
      programmeId: programme?.programmeId ?? (programmeId === null ? null : loggableId(programmeId)),
      programme,
      action,
      access: PERMISSIONS[action].access,
      outcome: 'refused',
      refusalCode: code,
    })
  }

  /** Throws `thrown` and has `entry` logged when the run ends. */
  function deny(thrown: EngineRefusal, entry: AuditEntry): never {
    refusals.set(thrown, entry)
    throw thrown
  }

  function bind(tx: StoreTransaction, identities: [string, string][]): GateTx {
    async function who(actor: Actor, at: string): Promise<Who> {
      if (actor === null || typeof actor !== 'object') throw new TypeError('Expected an actor')
      switch (actor.kind) {
        case 'staff': {
          if (!nonEmpty(actor.userId) || !nonEmpty(actor.unitId)) throw new TypeError('A staff actor needs userId and unitId')
          const parsed = parsePersonnummer(actor.personnummer, localDate(at))
          // SITHS identities carry the holder's personnummer; without it the host is wrong.
          if (!parsed.ok) throw new TypeError('A staff actor needs a valid personnummer')
          const personnummer = parsed.personnummer.value
          // Remembered once per user id (the store keeps the first), for the rule that no one
          // grants a role to another account of their own. Cached only once committed.
          if (seen.get(actor.userId) !== personnummer) {
            await tx.recordStaffIdentity(actor.userId, personnummer, at)
            identities.push([actor.userId, personnummer])
          }
          return { roles: await tx.rolesOf(actor.userId, actor.unitId), patient: null, personnummer }
        }
        case 'patient': {
          const parsed = parsePersonnummer(actor.personnummer, localDate(at))
          // The host authenticated the patient; an invalid number is a host bug. Never echo it.
          if (!parsed.ok) throw new TypeError('A patient actor needs a valid personnummer')
          return { roles: [], patient: parsed.personnummer.value, personnummer: parsed.personnummer.value }
        }
        case 'system':
          if (!nonEmpty(actor.process)) throw new TypeError('A system actor needs a process name')
          return { roles: [], patient: null, personnummer: null }
        default:
          throw new TypeError('Unknown actor kind')
      }
    }

    function refuse(actor: Actor, action: Action, refused: Refusal, at: string, target?: ProgrammeState | null): never {
      return deny(new EngineRefusal(refused), refusalEntry(actor, action, at, refused.code, refused.programmeId ?? null, target ?? null))
    }

    function hide(actor: Actor, action: Action, reason: HiddenReason, at: string, asked: string | null, target?: ProgrammeState | null): never {
      return deny(new EngineRefusal(refusal('not-found')), refusalEntry(actor, action, at, reason, asked, target ?? null))
    }

    async function logOk(actor: Actor, action: Action, at: string, programme: ProgrammeState | null, before: ProgrammeState | null = null): Promise<void> {
      await tx.appendAudit(
        auditEntry(actor, {
          at,
          programmeId: programme?.programmeId ?? null,
          programme,
          before,
          action,
          access: PERMISSIONS[action].access,
          outcome: 'ok',
          refusalCode: null,
        }),
      )
    }

    async function pass(actor: Actor, action: Action, at: string, programmeId?: string, options: { forWrite?: boolean } = {}): Promise<Passed> {
      const identified = await who(actor, at)
      const base = { roles: identified.roles, patient: identified.patient, target: null, ...(programmeId === undefined ? {} : { programmeId }) }
      // The role comes first: it does not depend on the programme, so it tells nothing about it.
      const denied = authorize(actor, action, base)
      if (denied) {
        // Logged with the programme asked for; answered without it, the same for every id.
        const { programmeId: _, ...answer } = denied
        deny(new EngineRefusal(answer), refusalEntry(actor, action, at, denied.code, programmeId ?? null, null))
      }
      if (programmeId === undefined) return { who: identified, state: null }
      if (!nonEmpty(programmeId)) throw new TypeError(`${action} needs a programmeId`)
      const state = options.forWrite ? await tx.lockProgramme(programmeId) : await tx.getProgramme(programmeId)
      if (!state) hide(actor, action, (await tx.wasPurged(programmeId)) ? 'programme-purged' : 'programme-not-found', at, programmeId)
      const target: Target = { unitId: state.unitId, patient: state.patient }
      const deniedHere = authorize(actor, action, { ...base, target })
      if (deniedHere) hide(actor, action, deniedHere.code === 'other-unit' ? 'other-unit' : 'not-own-programme', at, programmeId, state)
      // Separation of duties: nobody works in their own record. Told plainly: it is their own.
      if (actor.kind === 'staff' && state.patient === identified.personnummer) refuse(actor, action, refusal('own-personnummer'), at, state)
      return { who: identified, state }
    }

    return { tx, who, pass, refuse, hide, logOk }
  }

  async function run<T>(fn: (g: GateTx) => Promise<T>): Promise<T> {
    const identities: [string, string][] = []
    const outcome = await store.transaction(async (tx): Promise<{ ok: true; value: T } | { ok: false; refused: EngineRefusal }> => {
      try {
        return { ok: true, value: await fn(bind(tx, identities)) }
      } catch (error) {
        const entry = error instanceof EngineRefusal ? refusals.get(error) : undefined
        if (entry === undefined) throw error
        await tx.appendAudit(entry)
        return { ok: false, refused: error as EngineRefusal }
      }
    })
    for (const [userId, personnummer] of identities) seen.set(userId, personnummer)
    if (!outcome.ok) throw outcome.refused
    return outcome.value
  }

  return { run }
}

/**
 * A programme id as the caller sent it, for the log of a refusal: control characters (which no
 * programme id holds, and which PostgreSQL text cannot store when it is U+0000) are written as
 * `\u{…}`, so probing with such an id is logged as a refusal like any other instead of failing.
 */
export function loggableId(id: string): string {
  return id.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
}
