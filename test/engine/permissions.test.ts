// Every role × every command and query, against the roles table of the seed: who may, who is
// refused with role-missing, other units and other patients (not-found; the audit log has the real
// reason), and that each refusal is in the audit log. The full refusal matrix is in access.test.ts.
import { describe, expect, it } from 'vitest'
import type { Actor, Command, Query } from '../../src/engine/index.ts'
import { PERMISSIONS } from '../../src/engine/index.ts'
import {
  ADMIN,
  BEHANDLARE,
  DATAADMIN,
  INVANARADMIN,
  NOBODY,
  PNR_B,
  SODER_ADMIN,
  SODER_BEHANDLARE,
  SODER_DATAADMIN,
  SODER_INVANARADMIN,
  patient,
  refusedWith,
  startWithOro,
  versionOf,
  world,
} from './harness.ts'

type Who = 'admin' | 'behandlare' | 'invanaradmin' | 'dataadmin' | 'patient'

/** From the seed's table of roles: who may do what. */
const ALLOWED: Record<Command['type'] | Query['type'], Who[]> = {
  'start-programme': ['behandlare'],
  'start-modules': ['behandlare'],
  'change-module-closing-date': ['behandlare'],
  'edit-welcome-text': ['behandlare'],
  'open-step': ['patient'],
  'submit-form': ['patient'],
  'send-message': ['behandlare', 'patient'],
  'mark-messages-read': ['behandlare', 'patient'],
  'mark-submission-read': ['behandlare'],
  'set-mobile-number': ['patient'],
  'change-responsible': ['invanaradmin'],
  'hand-over': ['behandlare'],
  'accept-handover': ['invanaradmin'],
  'retain-programme': ['behandlare'],
  'end-programme': ['behandlare'],
  'grant-role': ['admin'],
  'withdraw-role': ['admin'],
  'set-notification-preferences': ['admin', 'behandlare', 'invanaradmin', 'dataadmin'],
  'purge-programmes': ['dataadmin'],
  'patient-programmes': ['patient'],
  'patient-view': ['patient'],
  messages: ['behandlare', 'patient'],
  'patient-export': ['patient'],
  'programme-tree': ['behandlare'],
  overview: ['behandlare', 'invanaradmin'],
  events: ['behandlare'],
  submission: ['behandlare'],
  'list-mine': ['behandlare'],
  'list-unit': ['behandlare', 'invanaradmin'],
  'list-ended': ['behandlare', 'dataadmin'],
  'export-ended': ['dataadmin'],
  'unit-roles': ['admin'],
  'notification-preferences': ['admin', 'behandlare', 'invanaradmin', 'dataadmin'],
  'audit-log': ['dataadmin'],
  'log-review': ['dataadmin'],
  'access-log': ['patient'],
}

/** A sample of each action against programme p with submission s. */
function sample(action: keyof typeof ALLOWED, p: string, s: string, v = 0): { command: Command } | { query: Query } {
  const commands: Partial<Record<keyof typeof ALLOWED, Command>> = {
    'start-programme': { type: 'start-programme', personnummer: PNR_B },
    'start-modules': { type: 'start-modules', programmeId: p, modules: [{ moduleId: 'angest' }], expectedVersion: v },
    'change-module-closing-date': { type: 'change-module-closing-date', programmeId: p, moduleId: 'oro', closesOn: '2025-05-01', expectedVersion: v },
    'edit-welcome-text': { type: 'edit-welcome-text', programmeId: p, text: 'Välkommen!', expectedVersion: v },
    'open-step': { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' },
    'submit-form': { type: 'submit-form', programmeId: p, formId: 'oro-uppgift', answers: { 'oro-nar': 'På kvällen' } },
    'send-message': { type: 'send-message', programmeId: p, text: 'Hej' },
    'mark-messages-read': { type: 'mark-messages-read', programmeId: p },
    'mark-submission-read': { type: 'mark-submission-read', programmeId: p, submissionId: s },
    'set-mobile-number': { type: 'set-mobile-number', programmeId: p, mobileNumber: '070-174 06 05' },
    'change-responsible': { type: 'change-responsible', programmeId: p, responsibleUserId: 'u-beh2', expectedVersion: v },
    'hand-over': { type: 'hand-over', programmeId: p, toUnitId: 'vc-soder', expectedVersion: v },
    'accept-handover': { type: 'accept-handover', programmeId: p, responsibleUserId: 'u-beh', expectedVersion: v },
    'retain-programme': { type: 'retain-programme', programmeId: p, until: '2025-05-01', expectedVersion: v },
    'end-programme': { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: v },
    'grant-role': { type: 'grant-role', userId: 'u-ny', role: 'behandlare' },
    'withdraw-role': { type: 'withdraw-role', userId: 'u-beh2', role: 'behandlare' },
    'set-notification-preferences': { type: 'set-notification-preferences', email: true, sms: true },
    'purge-programmes': { type: 'purge-programmes', programmeIds: [p] },
  }
  const command = commands[action]
  if (command) return { command }
  const queries: Partial<Record<keyof typeof ALLOWED, Query>> = {
    'patient-programmes': { type: 'patient-programmes' },
    'patient-view': { type: 'patient-view', programmeId: p },
    messages: { type: 'messages', programmeId: p },
    'patient-export': { type: 'patient-export', programmeId: p },
    'programme-tree': { type: 'programme-tree', programmeId: p },
    overview: { type: 'overview', programmeId: p },
    events: { type: 'events', programmeId: p },
    submission: { type: 'submission', programmeId: p, submissionId: s },
    'list-mine': { type: 'list-mine' },
    'list-unit': { type: 'list-unit' },
    'list-ended': { type: 'list-ended' },
    'export-ended': { type: 'export-ended', format: 'csv' },
    'unit-roles': { type: 'unit-roles' },
    'notification-preferences': { type: 'notification-preferences' },
    'audit-log': { type: 'audit-log' },
    'log-review': { type: 'log-review' },
    'access-log': { type: 'access-log' },
  }
  const query = queries[action]
  if (!query) throw new Error(`No sample for ${action}`)
  return { query }
}

const targeted = (action: keyof typeof ALLOWED): boolean => {
  const s = sample(action, 'p', 's')
  return 'programmeId' in ('command' in s ? s.command : s.query) || action === 'purge-programmes'
}

const ACTORS: [Who | 'nobody' | 'system', Actor][] = [
  ['admin', ADMIN],
  ['behandlare', BEHANDLARE],
  ['invanaradmin', INVANARADMIN],
  ['dataadmin', DATAADMIN],
  ['patient', patient()],
  ['nobody', NOBODY],
  ['system', { kind: 'system', process: 'test' }],
]

const PERMISSION_CODES = ['role-missing', 'not-found']

async function setUp() {
  const w = await world()
  const p = await startWithOro(w)
  const submitted = await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ibland', 'oro-svart-sluta': 'ibland' } })
  const s = submitted.events[0]?.type === 'form-submitted' ? submitted.events[0].submissionId : ''
  await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Hej' })
  return { ...w, p, s }
}

async function run(w: Awaited<ReturnType<typeof setUp>>, actor: Actor, action: keyof typeof ALLOWED): Promise<string> {
  const s = sample(action, w.p, w.s, await versionOf(w, w.p))
  try {
    if ('command' in s) await w.engine.execute(actor, s.command)
    else await w.engine.query(actor, s.query)
    return 'ok'
  } catch (error) {
    return refusedWith(() => {
      throw error
    })
  }
}

describe('permissions', () => {
  it('covers every action of the permission table', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual(Object.keys(PERMISSIONS).sort())
  })

  for (const action of Object.keys(ALLOWED) as (keyof typeof ALLOWED)[]) {
    describe(action, () => {
      for (const [who, actor] of ACTORS) {
        const allowed = (ALLOWED[action] as string[]).includes(who)
        it(`given ${who}, when ${action}, then it is ${allowed ? 'allowed' : 'refused with role-missing and logged'}`, async () => {
          const w = await setUp()
          const outcome = await run(w, actor, action)
          if (allowed) {
            expect(PERMISSION_CODES).not.toContain(outcome)
          } else {
            expect(outcome).toBe('role-missing')
            const last = (await w.store.listAudit()).at(-1)
            expect(last).toMatchObject({ action, outcome: 'refused', refusalCode: 'role-missing' })
          }
        })
      }

      if (targeted(action)) {
        const sameRoleElsewhere: Record<Who, Actor | null> = {
          admin: SODER_ADMIN,
          behandlare: SODER_BEHANDLARE,
          invanaradmin: SODER_INVANARADMIN,
          dataadmin: SODER_DATAADMIN,
          patient: patient(PNR_B),
        }
        for (const who of ALLOWED[action]) {
          const reason = who === 'patient' ? 'not-own-programme' : 'other-unit'
          it(`given a ${who} of ${who === 'patient' ? 'another programme' : 'another unit'}, when ${action}, then it is refused with not-found and the audit log has ${reason} with the programme`, async () => {
            const w = await setUp()
            if (who === 'patient') await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })
            const actor = sameRoleElsewhere[who]
            if (!actor) throw new Error('no actor')
            expect(await run(w, actor, action)).toBe('not-found')
            expect((await w.store.listAudit()).at(-1)).toMatchObject({ action, programmeId: w.p, outcome: 'refused', refusalCode: reason })
          })
        }
        it(`given an unknown programme, when ${action}, then it is refused with not-found and the audit log has programme-not-found`, async () => {
          const w = await setUp()
          const who = ALLOWED[action][0]
          const actor = ACTORS.find(([name]) => name === who)?.[1]
          if (!actor) throw new Error('no actor')
          const s = sample(action, 'p-finns-inte', w.s, 1)
          expect(await refusedWith(async () => ('command' in s ? await w.engine.execute(actor, s.command) : await w.engine.query(actor, s.query)))).toBe('not-found')
          expect((await w.store.listAudit()).at(-1)).toMatchObject({ action, programmeId: 'p-finns-inte', outcome: 'refused', refusalCode: 'programme-not-found' })
        })
      }
    })
  }
})
