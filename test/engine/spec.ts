// Given events / when command / then events or refusal, over the pure decider
// (after emmett's deciderSpecification).
import { expect } from 'vitest'
import {
  type Actor,
  type DecideFacts,
  type ProgrammeCommand,
  type ProgrammeEvent,
  type ProgrammeEventPayload,
  decide,
  evolveAll,
  VERSIONED,
  indexContent,
} from '../../src/engine/index.ts'
import type { PlusBundle } from '../../src/types/bundle.generated.ts'
import { testBundle } from './bundle.ts'
import { sequentialIds } from './harness.ts'

export const NOW = '2025-04-07T07:00:00.000Z'
export const CLINICIAN: Actor = { kind: 'staff', userId: 'u-beh', unitId: 'vc-norr', personnummer: '19900101-1015' }
export const PATIENT: Actor = { kind: 'patient', personnummer: '19121212-1212' }

/** Facts for a world with units vc-norr and vc-soder, where u-beh, u-beh2 and u-beh-s are behandlare. */
export const FACTS: DecideFacts = {
  hasOpenProgramme: () => false,
  isBehandlare: (userId, unitId) =>
    (unitId === 'vc-norr' && (userId === 'u-beh' || userId === 'u-beh2')) || (unitId === 'vc-soder' && userId === 'u-beh-s'),
  unitExists: (unitId) => unitId === 'vc-norr' || unitId === 'vc-soder',
}

/** The programme-started event the decider emits for PATIENT at NOW. */
export const STARTED: Extract<ProgrammeEvent, { type: 'programme-started' }> = {
  type: 'programme-started',
  programmeId: 'p-1',
  unitId: 'vc-norr',
  patient: '191212121212',
  responsibleUserId: 'u-beh',
  contentVersion: '1.0.0',
  startedOn: '2025-04-07',
  endsOn: '2025-07-06',
  at: NOW,
  by: { kind: 'staff', userId: 'u-beh', unitId: 'vc-norr' },
}

export const ORO_STARTED: ProgrammeEvent = {
  type: 'modules-started',
  modules: [{ moduleId: 'oro', closesOn: '2025-07-06' }],
  at: NOW,
  by: { kind: 'staff', userId: 'u-beh', unitId: 'vc-norr' },
}

/** A programme command as a test may write it, with or without expectedVersion. */
type UnversionedCommand = ProgrammeCommand extends infer C ? (C extends { expectedVersion: number } ? Omit<C, 'expectedVersion'> : never) : never

interface SpecOptions {
  now?: string
  bundle?: PlusBundle
  facts?: Partial<DecideFacts>
}

/** given(events).when(actor, command).then(events) | .thenRefused(code) */
export function given(events: ProgrammeEvent[], options: SpecOptions = {}) {
  const content = indexContent(options.bundle ?? testBundle())
  const state = evolveAll(events)
  return {
    /**
     * A command that carries a version (expectedVersion) gets the state's version when the test
     * leaves it out: the client's screen is up to date unless the test says otherwise.
     */
    when(actor: Actor, given: ProgrammeCommand | UnversionedCommand) {
      const command = (VERSIONED.has(given.type) && !('expectedVersion' in given) ? { ...given, expectedVersion: state?.version ?? 0 } : given) as ProgrammeCommand
      const decision = decide(command, state, {
        now: options.now ?? NOW,
        actor,
        content,
        newId: sequentialIds('new'),
        facts: { ...FACTS, ...options.facts },
      })
      return {
        decision,
        /** The events, compared on the given fields. */
        then(expected: Record<string, unknown>[]) {
          expect(decision).toMatchObject({ ok: true })
          expect(decision.ok && decision.events).toMatchObject(expected)
          if (decision.ok) expect(decision.events).toHaveLength(expected.length)
          return decision.ok ? decision.events : []
        },
        thenRefused(code: string) {
          expect(decision.ok ? 'accepted' : decision.refusal.code).toBe(code)
          return decision.ok ? null : decision.refusal
        },
      }
    },
  }
}

/** An event by the patient at a time. */
export function byPatient(event: ProgrammeEventPayload, at = NOW): ProgrammeEvent {
  return { ...event, at, by: { kind: 'patient' } } as ProgrammeEvent
}

/** An event by the behandlare at a time. */
export function byClinician(event: ProgrammeEventPayload, at = NOW): ProgrammeEvent {
  return { ...event, at, by: { kind: 'staff', userId: 'u-beh', unitId: 'vc-norr' } } as ProgrammeEvent
}
