// No oracle: the refusal matrix. Every route aimed at a programme × every role × the target
// (own, another unit's, another patient's, one that never existed, a purged one, an id of the
// wrong kind). Whatever the actor may not reach is refused the same way — same code, same text,
// same shape — and the audit log holds the real reason. Then the cross-unit policy and the
// separation of duties.
import { describe, expect, it } from 'vitest'
import { type Actor, type Command, EngineRefusal, PERMISSIONS, type Query, refusal } from '../../src/engine/index.ts'
import {
  ADMIN,
  BEHANDLARE,
  DATAADMIN,
  INVANARADMIN,
  NOBODY,
  PNR,
  PNR_B,
  PNR_C,
  SODER_BEHANDLARE,
  SODER_INVANARADMIN,
  patient,
  refusedWith,
  staff,
  startWithOro,
  versionOf,
  world,
} from './harness.ts'

const PURGED_PNR = '191212121246'

type Route = Exclude<Command['type'] | Query['type'], 'start-programme' | 'grant-role' | 'withdraw-role' | 'set-notification-preferences' | 'patient-programmes' | 'list-mine' | 'list-unit' | 'list-ended' | 'export-ended' | 'unit-roles' | 'notification-preferences' | 'audit-log' | 'log-review' | 'access-log'>
type Target = 'own' | 'other unit' | 'other patient' | 'never existed' | 'purged' | 'wrong id kind'

/** The request of a route aimed at programme `p` (submission `s`), with the version the screen shows. */
function request(route: Route, p: string, s: string, v: number): { command: Command } | { query: Query } {
  switch (route) {
    case 'start-modules': return { command: { type: route, programmeId: p, modules: [{ moduleId: 'angest' }], expectedVersion: v } }
    case 'change-module-closing-date': return { command: { type: route, programmeId: p, moduleId: 'oro', closesOn: '2025-06-01', expectedVersion: v } }
    case 'edit-welcome-text': return { command: { type: route, programmeId: p, text: 'Välkommen!', expectedVersion: v } }
    case 'open-step': return { command: { type: route, programmeId: p, stepId: 'oro-vad-ar-oro' } }
    case 'submit-form': return { command: { type: route, programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ibland', 'oro-svart-sluta': 'ibland' } } }
    case 'send-message': return { command: { type: route, programmeId: p, text: 'Hej' } }
    case 'mark-messages-read': return { command: { type: route, programmeId: p } }
    case 'mark-submission-read': return { command: { type: route, programmeId: p, submissionId: s } }
    case 'set-mobile-number': return { command: { type: route, programmeId: p, mobileNumber: '070-174 06 05' } }
    case 'change-responsible': return { command: { type: route, programmeId: p, responsibleUserId: 'u-beh2', expectedVersion: v } }
    case 'hand-over': return { command: { type: route, programmeId: p, toUnitId: 'vc-soder', expectedVersion: v } }
    case 'accept-handover': return { command: { type: route, programmeId: p, responsibleUserId: 'u-beh', expectedVersion: v } }
    case 'retain-programme': return { command: { type: route, programmeId: p, until: '2025-06-01', expectedVersion: v } }
    case 'end-programme': return { command: { type: route, programmeId: p, reason: 'completed', expectedVersion: v } }
    case 'purge-programmes': return { command: { type: route, programmeIds: [p] } }
    case 'submission': return { query: { type: route, programmeId: p, submissionId: s } }
    default: return { query: { type: route, programmeId: p } }
  }
}

/** Every route aimed at one programme (the other actions are checked to be the rest of the table below). */
const ROUTES: Route[] = [
  'start-modules',
  'change-module-closing-date',
  'edit-welcome-text',
  'open-step',
  'submit-form',
  'send-message',
  'mark-messages-read',
  'mark-submission-read',
  'set-mobile-number',
  'change-responsible',
  'hand-over',
  'accept-handover',
  'retain-programme',
  'end-programme',
  'purge-programmes',
  'patient-view',
  'messages',
  'patient-export',
  'programme-tree',
  'overview',
  'events',
  'submission',
]
const NOT_AIMED = ['start-programme', 'grant-role', 'withdraw-role', 'set-notification-preferences', 'patient-programmes', 'list-mine', 'list-unit', 'list-ended', 'export-ended', 'unit-roles', 'notification-preferences', 'audit-log', 'log-review', 'access-log']

const ROLES: [string, Actor][] = [
  ['behörighetsadministratör', ADMIN],
  ['behandlare', BEHANDLARE],
  ['invånaradministratör', INVANARADMIN],
  ['dataadministratör', DATAADMIN],
  ['patient', patient()],
  ['user without a role', NOBODY],
  ['system', { kind: 'system', process: 'test' }],
]

/** A world with a programme of every kind of target, seen from vc-norr and the patient PNR. */
async function setUp() {
  const w = await world()
  // Purged: ended, past the grace period, purged by vc-norr.
  const purged = await startWithOro(w, PURGED_PNR)
  await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: purged, reason: 'completed', expectedVersion: await versionOf(w, purged) })
  w.clock.advanceDays(30)
  await w.engine.execute(DATAADMIN, { type: 'purge-programmes', programmeIds: [purged] })
  // Own: vc-norr's programme for PNR, with a submission and a message.
  const own = await startWithOro(w, PNR)
  const submitted = await w.engine.execute(patient(), { type: 'submit-form', programmeId: own, formId: 'oro-uppgift', answers: { 'oro-nar': 'På kvällen' } })
  const submissionId = submitted.events[0]?.type === 'form-submitted' ? submitted.events[0].submissionId : ''
  const sent = await w.engine.execute(patient(), { type: 'send-message', programmeId: own, text: 'Hej' })
  const messageId = sent.events[0]?.type === 'message-sent' ? sent.events[0].messageId : ''
  // Another unit's programme (another patient too); another patient's programme in vc-norr.
  const otherUnit = (await w.engine.execute(SODER_BEHANDLARE, { type: 'start-programme', personnummer: PNR_B })).programmeId ?? ''
  const otherPatient = await startWithOro(w, PNR_C)
  const theirs = await w.engine.execute(patient(PNR_C), { type: 'submit-form', programmeId: otherPatient, formId: 'oro-uppgift', answers: { 'oro-nar': 'Morgon' } })
  const theirSubmissionId = theirs.events[0]?.type === 'form-submitted' ? theirs.events[0].submissionId : ''
  const ids: Record<Target, string> = { own, 'other unit': otherUnit, 'other patient': otherPatient, 'never existed': 'p-finns-inte', purged, 'wrong id kind': messageId }
  // The submission asked for with each target: the programme's own where it has one.
  const submissions: Record<Target, string> = { own: submissionId, 'other unit': submissionId, 'other patient': theirSubmissionId, 'never existed': submissionId, purged: submissionId, 'wrong id kind': submissionId }
  return { w, ids, submissionId, messageId, submissions }
}

/** Whether the role may use the route at all (the permission table). */
function allowed(route: Route, actor: Actor): boolean {
  const rule = PERMISSIONS[route]
  if (actor.kind === 'patient') return rule.patient
  if (actor.kind === 'system') return rule.system
  const roles: Record<string, string> = { 'u-admin': 'behorighetsadministrator', 'u-beh': 'behandlare', 'u-inv': 'invanaradministrator', 'u-data': 'dataadministrator' }
  return rule.staff.some((r) => r === roles[actor.userId])
}

/** What the audit log must say was the real reason a target was hidden. */
function realReason(target: Target, actor: Actor): string {
  switch (target) {
    case 'other unit':
      return actor.kind === 'patient' ? 'not-own-programme' : 'other-unit'
    case 'other patient':
      return 'not-own-programme'
    case 'purged':
      return 'programme-purged'
    default:
      return 'programme-not-found'
  }
}

/** Runs a request; the thrown refusal (as the actor sees it, whole) or 'ok'. */
async function attempt(run: () => unknown): Promise<{ refusal: unknown; message: string; name: string } | 'ok'> {
  try {
    await run()
    return 'ok'
  } catch (error) {
    if (!(error instanceof EngineRefusal)) throw error
    return { refusal: { ...error.refusal }, message: error.message, name: error.name }
  }
}

const HIDDEN = { refusal: refusal('not-found'), message: new EngineRefusal(refusal('not-found')).message, name: 'EngineRefusal' }

describe('the refusal matrix', () => {
  it('covers every route aimed at a programme: the routes and the others make up the permission table', () => {
    expect([...ROUTES, ...NOT_AIMED].sort()).toEqual(Object.keys(PERMISSIONS).sort())
  })

  for (const route of ROUTES) {
    describe(route, () => {
      for (const [name, actor] of ROLES) {
        const may = allowed(route, actor)
        it(`given a ${name}, then ${may ? 'everything they cannot reach gets the one not-found refusal, with the real reason in the audit log' : 'every target gets the same role-missing refusal'}`, async () => {
          const { w, ids, submissions } = await setUp()
          const order: Target[] = ['other unit', 'other patient', 'never existed', 'purged', 'wrong id kind', 'own']
          const outcomes = new Map<Target, Awaited<ReturnType<typeof attempt>>>()
          for (const target of order) {
            const id = ids[target]
            const r = request(route, id, submissions[target], await versionOf(w, id) || 1)
            outcomes.set(target, await attempt(async () => ('command' in r ? await w.engine.execute(actor, r.command) : await w.engine.query(actor, r.query))))
            const last = (await w.store.listAudit()).at(-1)
            if (!may) {
              expect(last, target).toMatchObject({ action: route, outcome: 'refused', refusalCode: 'role-missing' })
              continue
            }
            const reachable = target === 'own' || (target === 'other patient' && actor.kind === 'staff') || (target === 'purged' && route === 'purge-programmes' && actor === DATAADMIN)
            if (reachable) {
              expect(outcomes.get(target), target).not.toEqual(HIDDEN)
            } else {
              expect(outcomes.get(target), target).toEqual(HIDDEN)
              expect(last, target).toMatchObject({ action: route, outcome: 'refused', refusalCode: realReason(target, actor) })
            }
          }
          if (!may) {
            const all = [...outcomes.values()]
            expect(all[0]).toMatchObject({ refusal: { code: 'role-missing' } })
            for (const outcome of all) expect(outcome).toEqual(all[0])
          }
        })
      }
    })
  }

  for (const route of ['submission', 'mark-submission-read'] as const) {
    it(`given ${route} on the own programme with a message id, another programme's submission id or an unknown id, then each is the same not-found`, async () => {
      const { w, ids, messageId, submissions } = await setUp()
      const foreignId = submissions['other patient']
      for (const submissionId of [messageId, foreignId, 's-finns-inte']) {
        const r = request(route, ids.own, submissionId, 0)
        expect(await attempt(async () => ('command' in r ? await w.engine.execute(BEHANDLARE, r.command) : await w.engine.query(BEHANDLARE, r.query)))).toEqual(HIDDEN)
        expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: route, programmeId: ids.own, outcome: 'refused', refusalCode: 'unknown-submission' })
      }
    })
  }
})

describe('each unit\'s programme is independent', () => {
  it('given an open programme at another unit, when a behandlare starts one for the same personnummer, then it starts and the answer tells nothing about the other', async () => {
    const w = await world()
    const soder = await w.engine.execute(SODER_BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const norr = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '191212121212' })
    expect(norr.programmeId).not.toBe(soder.programmeId)
    expect(JSON.stringify(norr)).not.toContain(soder.programmeId ?? 'none')
    expect(JSON.stringify(norr)).not.toContain('vc-soder')
    // Each unit sees only its own.
    expect((await w.engine.query(BEHANDLARE, { type: 'list-unit' })).map((r) => r.programmeId)).toEqual([norr.programmeId])
    expect((await w.engine.query(SODER_BEHANDLARE, { type: 'list-unit' })).map((r) => r.programmeId)).toEqual([soder.programmeId])
    // The patient has both.
    expect((await w.engine.query(patient(), { type: 'patient-programmes' })).map((p) => p.programmeId).sort()).toEqual([norr.programmeId, soder.programmeId].sort())
  })

  it('given the answer to a start, then it is the same whether or not another unit has a programme for the patient', async () => {
    const shape = async (withOther: boolean) => {
      const w = await world()
      if (withOther) await w.engine.execute(SODER_BEHANDLARE, { type: 'start-programme', personnummer: PNR })
      const result = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })
      return { ...result, programmeId: 'x', events: result.events.map((e) => ({ ...e, programmeId: 'x' })), flags: result.flags.map((f) => ({ ...f, programmeId: 'x', recipientRef: f.recipient === 'patient' ? 'x' : f.recipientRef })) }
    }
    expect(await shape(true)).toEqual(await shape(false))
  })

  it('given a handover to a unit that already has an open programme for the patient, then the handover is sent and the receiving unit is refused when it accepts', async () => {
    const w = await world()
    await w.engine.execute(SODER_BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const p = await startWithOro(w)
    // The sending unit learns nothing about the receiving unit's programmes.
    await w.engine.execute(BEHANDLARE, { type: 'hand-over', programmeId: p, toUnitId: 'vc-soder', expectedVersion: await versionOf(w, p) })
    expect(await refusedWith(async () => w.engine.execute(SODER_INVANARADMIN, { type: 'accept-handover', programmeId: p, responsibleUserId: 'u-beh-s', expectedVersion: await versionOf(w, p) }))).toBe('programme-already-active')
  })
})

describe('separation of duties', () => {
  it('given a behandlare, when they start a programme for their own personnummer in any spelling, then it is refused and logged', async () => {
    const w = await world()
    const self = staff('u-beh', 'vc-norr', PNR)
    for (const spelling of ['19121212-1212', '191212121212', '121212+1212']) {
      expect(await refusedWith(() => w.engine.execute(self, { type: 'start-programme', personnummer: spelling }))).toBe('own-personnummer')
      expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'start-programme', outcome: 'refused', refusalCode: 'own-personnummer', actorPersonnummer: '191212121212' })
    }
    expect(await w.store.listProgrammes({})).toEqual([])
  })

  it('given a programme for a behandlare\'s own personnummer started by a colleague, when they open or change it, then it is refused and logged', async () => {
    const w = await world()
    const p = await startWithOro(w, PNR)
    const self = staff('u-beh2', 'vc-norr', PNR)
    expect(await refusedWith(() => w.engine.query(self, { type: 'programme-tree', programmeId: p }))).toBe('own-personnummer')
    expect(await refusedWith(() => w.engine.execute(self, { type: 'send-message', programmeId: p, text: 'Hej' }))).toBe('own-personnummer')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ outcome: 'refused', refusalCode: 'own-personnummer', patient: '191212121212' })
  })

  it('given a behörighetsadministratör, when they grant themselves a role, then it is refused (own-account) and logged', async () => {
    const w = await world()
    expect(await refusedWith(() => w.engine.execute(ADMIN, { type: 'grant-role', userId: 'u-admin', role: 'behandlare' }))).toBe('own-account')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'grant-role', outcome: 'refused', refusalCode: 'own-account' })
    expect(await w.store.rolesOf('u-admin', 'vc-norr')).toEqual(['behorighetsadministrator'])
  })

  it('given a second account of the administrator (the same personnummer), when the administrator grants it a role, then it is refused (own-account) and logged', async () => {
    const w = await world()
    const ownNumber = ADMIN.kind === 'staff' ? ADMIN.personnummer : ''
    // The second account logs in once (its SITHS identity carries the same personnummer).
    await refusedWith(() => w.engine.query(staff('u-admin-alt', 'vc-norr', ownNumber), { type: 'list-unit' }))
    expect(await refusedWith(() => w.engine.execute(ADMIN, { type: 'grant-role', userId: 'u-admin-alt', role: 'behandlare' }))).toBe('own-account')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'grant-role', actorId: 'u-admin', outcome: 'refused', refusalCode: 'own-account' })
    expect(await w.store.rolesOf('u-admin-alt', 'vc-norr')).toEqual([])
    // Someone else's account, seen with their own personnummer, is granted as before.
    await refusedWith(() => w.engine.query(staff('u-ny', 'vc-norr'), { type: 'list-unit' }))
    await w.engine.execute(ADMIN, { type: 'grant-role', userId: 'u-ny', role: 'behandlare' })
    expect(await w.store.rolesOf('u-ny', 'vc-norr')).toEqual(['behandlare'])
  })

  it('given two behörighetsadministratörer, when one gives the other a role that reaches patient content, then it is refused (role-conflict)', async () => {
    const w = await world()
    await w.engine.execute(ADMIN, { type: 'grant-role', userId: 'u-admin2', role: 'behorighetsadministrator' })
    const second = staff('u-admin2')
    expect(await refusedWith(() => w.engine.execute(second, { type: 'grant-role', userId: 'u-admin', role: 'behandlare' }))).toBe('role-conflict')
    expect(await refusedWith(() => w.engine.execute(ADMIN, { type: 'grant-role', userId: 'u-beh', role: 'behorighetsadministrator' }))).toBe('role-conflict')
  })

  it('given a behörighetsadministratör, then no route to patient content is open to them', async () => {
    const w = await world()
    const p = await startWithOro(w)
    for (const route of ROUTES) {
      const r = request(route, p, 's', await versionOf(w, p))
      expect(await refusedWith(async () => ('command' in r ? await w.engine.execute(ADMIN, r.command) : await w.engine.query(ADMIN, r.query))), route).toBe('role-missing')
    }
    for (const type of ['list-unit', 'list-mine', 'list-ended', 'export-ended', 'audit-log', 'log-review'] as const) {
      const q = (type === 'export-ended' ? { type, format: 'csv' } : { type }) as Query
      expect(await refusedWith(() => w.engine.query(ADMIN, q)), type).toBe('role-missing')
    }
  })
})

describe('an id with control characters', () => {
  it('given a programme id holding U+0000 or another control character, then it is refused as not found and the refusal is logged with the characters written out', async () => {
    const w = await world()
    const own = await startWithOro(w)
    for (const [sent, logged] of [
      [`${own}\u0000`, `${own}\\u{0}`],
      [`x\u001b[2Jy`, `x\\u{1b}[2Jy`],
      [`\u0085p`, `\\u{85}p`],
    ] as const) {
      expect(await refusedWith(() => w.engine.query(BEHANDLARE, { type: 'overview', programmeId: sent }))).toBe('not-found')
      expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'overview', programmeId: logged, outcome: 'refused', refusalCode: 'programme-not-found' })
    }
    // The programme itself is untouched and still answers under its own id.
    await expect(w.engine.query(BEHANDLARE, { type: 'overview', programmeId: own })).resolves.toBeDefined()
  })
})
