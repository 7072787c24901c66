// The facts decide may ask about the world outside one programme (DecideFacts), gathered from the
// store before it is called: decide stays pure and synchronous, the store is asynchronous. Each
// command's questions are known from the command and the programme, so they are asked here, in
// the command's transaction, and decide reads the answers.
import { localDate } from '../calendar.ts'
import type { ProgrammeCommand } from '../commands.ts'
import type { DecideFacts } from '../decide.ts'
import { parsePersonnummer } from '../../identity/personnummer.ts'
import type { Actor } from '../roles.ts'
import type { ProgrammeState } from '../state.ts'
import type { StoreTransaction } from '../store/types.ts'
import { OPEN } from './context.ts'

/** Answers gathered for one decision, keyed by the question. */
interface Answers {
  openProgramme: Map<string, boolean>
  behandlare: Map<string, boolean>
  unit: Map<string, boolean>
}

/** A question's key: its arguments, an absent one included (`except`). */
const key = (...parts: unknown[]): string => JSON.stringify(parts.map((p) => p ?? null))

/** Whether the patient has a programme in the unit that is not ended and not waiting for a handover, other than `except`. */
export async function hasOpenProgramme(tx: StoreTransaction, patient: string, unitId: string, except?: string): Promise<boolean> {
  const open = await tx.listProgrammes({ patient, unitId, statuses: OPEN })
  return open.some((p) => p.programmeId !== except && p.pendingHandover === null)
}

/**
 * Asks the store what decide will ask for this command and returns the answers as DecideFacts.
 * A question decide asks that was not gathered here throws: that is a bug in this function.
 */
export async function gatherFacts(tx: StoreTransaction, command: ProgrammeCommand, state: ProgrammeState | null, actor: Actor, at: string): Promise<DecideFacts> {
  const answers: Answers = { openProgramme: new Map(), behandlare: new Map(), unit: new Map() }
  // A malformed user or unit id (not a string) names no one: the answer is no.
  const isBehandlare = async (userId: unknown, unitId: string): Promise<void> => {
    answers.behandlare.set(key(userId, unitId), typeof userId === 'string' && (await tx.rolesOf(userId, unitId)).includes('behandlare'))
  }
  switch (command.type) {
    case 'start-programme': {
      if (actor.kind !== 'staff') break
      const parsed = parsePersonnummer(command.personnummer, localDate(at))
      if (!parsed.ok) break
      const patient = parsed.personnummer.value
      answers.openProgramme.set(key(patient, actor.unitId, undefined), await hasOpenProgramme(tx, patient, actor.unitId))
      break
    }
    case 'change-responsible':
      if (state) await isBehandlare(command.responsibleUserId, state.unitId)
      break
    case 'accept-handover':
      if (!state) break
      await isBehandlare(command.responsibleUserId, state.unitId)
      answers.openProgramme.set(key(state.patient, state.unitId, state.programmeId), await hasOpenProgramme(tx, state.patient, state.unitId, state.programmeId))
      break
    case 'hand-over':
      answers.unit.set(key(command.toUnitId), typeof command.toUnitId === 'string' && (await tx.getUnit(command.toUnitId)) !== null)
      break
    default:
      break
  }
  return factSheet(answers)
}

function factSheet(answers: Answers): DecideFacts {
  const answer = (map: Map<string, boolean>, question: string, k: string): boolean => {
    const found = map.get(k)
    if (found === undefined) throw new Error(`decide asked ${question} without it being gathered (gatherFacts)`)
    return found
  }
  return {
    hasOpenProgramme: (patient, unitId, except) => answer(answers.openProgramme, 'hasOpenProgramme', key(patient, unitId, except)),
    isBehandlare: (userId, unitId) => answer(answers.behandlare, 'isBehandlare', key(userId, unitId)),
    unitExists: (unitId) => answer(answers.unit, 'unitExists', key(unitId)),
  }
}
