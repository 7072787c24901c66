// The workflow through the engine as a host uses it: stored, audited, viewed.
import { describe, expect, it } from 'vitest'
import { EngineRefusal } from '../../src/engine/index.ts'
import {
  BEHANDLARE,
  BEHANDLARE_2,
  DATAADMIN,
  INVANARADMIN,
  PNR,
  PNR12,
  PNR_B,
  SODER_BEHANDLARE,
  SODER_INVANARADMIN,
  patient,
  openWorld,
  refusedWith,
  staff,
  startWithOro,
  world,
  versionOf,
  intercept,
} from './harness.ts'

const ORO_ANSWERS = { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'ibland' }

describe('start and modules', () => {
  it('given a behandlare, when PLUS is started, then all modules are upcoming and the behandlare is responsible', async () => {
    const w = await world()
    const { programmeId } = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })
    const tree = await w.engine.query(BEHANDLARE, { type: 'programme-tree', programmeId: programmeId ?? '' })
    expect(tree.modules.map((m) => [m.moduleId, m.status])).toEqual([['oro', 'upcoming'], ['angest', 'upcoming']])
    expect(tree.welcome).toEqual({ kind: 'default', html: '<p>Välkommen till PLUS!</p>', text: 'Välkommen till PLUS!' })
    const overview = await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: programmeId ?? '' })
    expect(overview).toMatchObject({ responsibleUserId: 'u-beh', startedOn: '2025-04-07', endsOn: '2025-07-06', day: 0, daysLeft: 90, contentVersion: '1.0.0' })
    expect((await w.store.getProgramme(programmeId ?? ''))?.patient).toBe(PNR12)
  })

  it('given an open programme for the patient in the unit, when the unit starts another, then it is refused without naming the patient', async () => {
    const w = await world()
    await startWithOro(w)
    const error = await (async () => {
      try {
        await w.engine.execute(BEHANDLARE_2, { type: 'start-programme', personnummer: '191212121212' })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(EngineRefusal)
    expect((error as EngineRefusal).code).toBe('programme-already-active')
    expect(String((error as Error).message)).not.toContain('1212')
  })

  it('given started modules, then the clinician tree shows opened steps and submitted forms', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'open-step', programmeId: p, stepId: 'oro-vad-ar-oro' })
    await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: ORO_ANSWERS })
    const oro = (await w.engine.query(BEHANDLARE, { type: 'programme-tree', programmeId: p })).modules[0]
    const steps = oro?.sections.flatMap((s) => s.steps) ?? []
    expect(steps.map((s) => [s.stepId, s.openedAt !== null, s.form?.submittedAt != null])).toEqual([
      ['oro-vad-ar-oro', true, false],
      ['oro-kartlaggning', true, true],
      ['oro-orostid', false, false],
    ])
    expect(oro).toMatchObject({ status: 'open', closesOn: '2025-07-06' })
  })
})

describe('patient', () => {
  it('given a programme, then the patient sees the default welcome as rich text until it is edited, and only the started modules', async () => {
    const w = await world()
    const p = await startWithOro(w)
    expect((await w.engine.query(patient(), { type: 'patient-view', programmeId: p })).welcome).toEqual({
      kind: 'default',
      html: '<p>Välkommen till PLUS!</p>',
      text: 'Välkommen till PLUS!',
    })
    await w.engine.execute(BEHANDLARE, { type: 'edit-welcome-text', programmeId: p, text: 'Välkommen från Vårdcentralen Norr!', expectedVersion: await versionOf(w, p) })
    expect(await w.engine.query(patient(), { type: 'patient-programmes' })).toEqual([{ programmeId: p, title: 'PLUS', startedOn: '2025-04-07', readOnly: false }])
    const view = await w.engine.query(patient('191212121212'), { type: 'patient-view', programmeId: p })
    // The behandlare's edit is plain text: no HTML, for the host to escape.
    expect(view.welcome).toEqual({ kind: 'edited', text: 'Välkommen från Vårdcentralen Norr!' })
    expect((await w.engine.query(BEHANDLARE, { type: 'programme-tree', programmeId: p })).welcome).toEqual(view.welcome)
    expect(view.modules.map((m) => m.moduleId)).toEqual(['oro'])
  })

  it('given the patient submits twice, then the second submission is refused and nothing changes', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: ORO_ANSWERS })
    const before = (await w.store.getProgramme(p))?.version
    expect(await refusedWith(() => w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: ORO_ANSWERS }))).toBe('form-already-submitted')
    expect((await w.store.getProgramme(p))?.version).toBe(before)
    expect((await w.store.getProgramme(p))?.submissions).toHaveLength(1)
  })

  it('given a mobile number and activity, then the overview shows them', async () => {
    const w = await world()
    const p = await startWithOro(w)
    w.clock.advanceDays(2)
    await w.engine.execute(patient(), { type: 'set-mobile-number', programmeId: p, mobileNumber: '0701740605' })
    expect(await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })).toMatchObject({
      day: 2,
      daysLeft: 88,
      mobileNumber: '+46701740605',
      lastActiveAt: '2025-04-09T07:00:00.000Z',
    })
  })
})

describe('events and messages', () => {
  it('given a submission, when the behandlare opens it, then it is marked read and shows answers with score and band', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const { events } = await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: ORO_ANSWERS })
    const s = events[0]?.type === 'form-submitted' ? events[0].submissionId : ''
    expect(await w.engine.query(BEHANDLARE, { type: 'events', programmeId: p })).toMatchObject({ unreadSubmissions: 1, submissions: [{ submissionId: s, read: false }] })
    const opened = await w.engine.openSubmission(BEHANDLARE_2, p, s)
    expect(opened).toMatchObject({
      read: true,
      score: 3,
      band: { label: 'Låg nivå', text: 'Lite besvär.' },
      scoreRange: { min: 0, max: 6 },
      answers: [
        { questionId: 'oro-hur-ofta', prompt: 'Hur ofta oroar du dig?', display: 'Ofta', removed: false },
        { questionId: 'oro-svart-sluta', display: 'Ibland', removed: false },
      ],
    })
    expect((await w.engine.query(BEHANDLARE, { type: 'events', programmeId: p })).unreadSubmissions).toBe(0)
  })

  it('given scored forms, then "Hantera händelser" marks those whose score lies in the form\'s highest band, whatever the form', async () => {
    const w = await world()
    const low = await startWithOro(w)
    const high = await startWithOro(w, PNR_B)
    await w.engine.execute(BEHANDLARE, { type: 'start-modules', programmeId: high, modules: [{ moduleId: 'angest' }], expectedVersion: await versionOf(w, high) })
    await w.engine.execute(patient(), { type: 'submit-form', programmeId: low, formId: 'oro-skattning', answers: ORO_ANSWERS }) // 3 of 6: Låg nivå
    await w.engine.execute(patient(PNR_B), { type: 'submit-form', programmeId: high, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'hela-tiden' } }) // 5: Hög nivå
    w.clock.advanceHours(1)
    await w.engine.execute(patient(PNR_B), { type: 'submit-form', programmeId: high, formId: 'angest-undvikande', answers: { 'angest-vad': 'Bussen' } }) // not scored
    expect((await w.engine.query(BEHANDLARE, { type: 'events', programmeId: low })).submissions).toMatchObject([{ bandLabel: 'Låg nivå', inTopBand: false }])
    const events = await w.engine.query(BEHANDLARE, { type: 'events', programmeId: high })
    expect(events.submissions.map((s) => [s.formId, s.bandLabel, s.inTopBand])).toEqual([
      ['angest-undvikande', null, false],
      ['oro-skattning', 'Hög nivå', true],
    ])
    const opened = await w.engine.openSubmission(BEHANDLARE, high, events.submissions[1]?.submissionId ?? '')
    expect(opened).toMatchObject({ inTopBand: true, band: { label: 'Hög nivå' } })
  })

  it('given patient messages, then the unread count goes down when the behandlare reads them, and the answer is unread for the patient', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Hej, en fråga' })
    await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'En till' })
    expect((await w.engine.query(BEHANDLARE, { type: 'events', programmeId: p })).messages).toEqual({ total: 2, unreadFromPatient: 2 })
    expect((await w.engine.query(BEHANDLARE, { type: 'list-mine' }))[0]?.unreadMessages).toBe(2)
    await w.engine.execute(BEHANDLARE, { type: 'mark-messages-read', programmeId: p })
    await w.engine.execute(BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Svar' })
    expect((await w.engine.query(BEHANDLARE, { type: 'events', programmeId: p })).messages).toEqual({ total: 3, unreadFromPatient: 0 })
    expect((await w.engine.query(patient(), { type: 'patient-view', programmeId: p })).unreadMessages).toBe(1)
    expect((await w.engine.query(patient(), { type: 'messages', programmeId: p })).map((m) => m.from)).toEqual(['patient', 'patient', 'clinician'])
  })
})

describe('lists', () => {
  it('given programmes in two units, then mine, all and ended show the right ones', async () => {
    const w = await world()
    const a = await startWithOro(w)
    const b = (await w.engine.execute(BEHANDLARE_2, { type: 'start-programme', personnummer: PNR_B })).programmeId ?? ''
    const c = (await w.engine.execute(SODER_BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1238' })).programmeId ?? ''
    await w.engine.execute(BEHANDLARE_2, { type: 'end-programme', programmeId: b, reason: 'completed', expectedVersion: await versionOf(w, b) })
    expect((await w.engine.query(BEHANDLARE, { type: 'list-mine' })).map((r) => r.programmeId)).toEqual([a])
    expect((await w.engine.query(BEHANDLARE, { type: 'list-unit' })).map((r) => r.programmeId)).toEqual([a])
    expect((await w.engine.query(INVANARADMIN, { type: 'list-unit' })).map((r) => r.programmeId)).toEqual([a])
    const ended = await w.engine.query(BEHANDLARE, { type: 'list-ended' })
    expect(ended).toMatchObject([{ programmeId: b, status: 'ended', endReason: 'completed', responsibleIsActor: false }])
    expect((await w.engine.query(BEHANDLARE_2, { type: 'list-ended' }))[0]?.responsibleIsActor).toBe(true)
    expect((await w.engine.query(SODER_BEHANDLARE, { type: 'list-unit' })).map((r) => r.programmeId)).toEqual([c])
  })
})

describe('end, retain, handover, responsible', () => {
  it('given an ended programme, then the patient loses access and it is among the ended', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    expect(await refusedWith(() => w.engine.query(patient(), { type: 'patient-view', programmeId: p }))).toBe('programme-closed')
    expect(await refusedWith(() => w.engine.query(patient(), { type: 'patient-export', programmeId: p }))).toBe('programme-closed')
    expect(await w.engine.query(patient(), { type: 'patient-programmes' })).toEqual([])
    expect((await w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p })).ended).toMatchObject({ reason: 'completed', reasonLabel: 'Invånaren har slutfört programmet' })
    // A new programme may be started once the old one has ended.
    expect((await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId).not.toBe(p)
  })

  it('given a retained programme, then the patient reads until the date, read-only, and then loses access', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'retain-programme', programmeId: p, until: '2025-04-14', expectedVersion: await versionOf(w, p) })
    expect(await w.engine.query(patient(), { type: 'patient-view', programmeId: p })).toMatchObject({ readOnly: true, readableUntil: '2025-04-14' })
    expect(await refusedWith(() => w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Hej' }))).toBe('programme-read-only')
    w.clock.set('2025-04-13T21:59:00.000Z') // 23:59 on the 13th in Stockholm
    expect((await w.engine.query(patient(), { type: 'patient-view', programmeId: p })).readOnly).toBe(true)
    w.clock.set('2025-04-13T22:00:00.000Z') // midnight: the 14th
    expect(await refusedWith(() => w.engine.query(patient(), { type: 'patient-view', programmeId: p }))).toBe('programme-closed')
  })

  it('given a handover to another unit, then the old unit loses access and the new unit appoints a responsible', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'hand-over', programmeId: p, toUnitId: 'vc-soder', expectedVersion: await versionOf(w, p) })
    expect(await refusedWith(() => w.engine.query(BEHANDLARE, { type: 'overview', programmeId: p }))).toBe('not-found')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'overview', outcome: 'refused', refusalCode: 'other-unit' })
    expect(await w.engine.query(SODER_INVANARADMIN, { type: 'list-unit' })).toMatchObject([{ programmeId: p, pendingHandover: true, responsibleUserId: null }])
    expect(await refusedWith(() => w.engine.execute(SODER_BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Hej' }))).toBe('handover-pending')
    await w.engine.execute(SODER_INVANARADMIN, { type: 'accept-handover', programmeId: p, responsibleUserId: 'u-beh-s', expectedVersion: await versionOf(w, p) })
    expect((await w.engine.query(SODER_BEHANDLARE, { type: 'list-mine' })).map((r) => r.programmeId)).toEqual([p])
    await w.engine.execute(SODER_BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Hej från Söder' })
  })

  it('given a programme, when the invånaradministratör changes the responsible, then it moves between the lists', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(INVANARADMIN, { type: 'change-responsible', programmeId: p, responsibleUserId: 'u-beh2', expectedVersion: await versionOf(w, p) })
    expect(await w.engine.query(BEHANDLARE, { type: 'list-mine' })).toEqual([])
    expect((await w.engine.query(BEHANDLARE_2, { type: 'list-mine' })).map((r) => r.programmeId)).toEqual([p])
  })
})

describe('roles', () => {
  it('given a behörighetsadministratör, when roles are granted and withdrawn, then access follows', async () => {
    const w = await world()
    const admin = staff('u-admin', 'vc-norr')
    expect(await refusedWith(() => w.engine.execute(admin, { type: 'grant-role', userId: 'u-beh', role: 'behandlare' }))).toBe('role-already-granted')
    await w.engine.execute(admin, { type: 'withdraw-role', userId: 'u-beh', role: 'behandlare' })
    expect(await refusedWith(() => w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR }))).toBe('role-missing')
    expect(await refusedWith(() => w.engine.execute(admin, { type: 'withdraw-role', userId: 'u-beh', role: 'behandlare' }))).toBe('role-not-granted')
    expect(await refusedWith(() => w.engine.execute(admin, { type: 'withdraw-role', userId: 'u-admin', role: 'behorighetsadministrator' }))).toBe('last-administrator')
    expect((await w.engine.query(admin, { type: 'unit-roles' })).map((g) => `${g.userId}:${g.role}`)).toContain('u-data:dataadministrator')
  })

  it('given a role in one unit, then it gives nothing in another unit', async () => {
    const w = await world()
    expect(await refusedWith(() => w.engine.execute(staff('u-beh', 'vc-soder'), { type: 'start-programme', personnummer: PNR }))).toBe('role-missing')
  })

  it('given a malformed actor, then it is misuse and throws a TypeError without echoing the number', async () => {
    const w = await world()
    await expect(w.engine.query({ kind: 'patient', personnummer: '19121212-1213' }, { type: 'patient-programmes' })).rejects.toThrow(TypeError)
    await expect(w.engine.query({ kind: 'patient', personnummer: '19121212-1213' }, { type: 'patient-programmes' })).rejects.not.toThrow(/1213/)
    await expect(w.engine.execute({ kind: 'staff', userId: '', unitId: 'vc-norr', personnummer: '19900101-1015' }, { type: 'list-mine' } as never)).rejects.toThrow(TypeError)
    await expect(w.engine.execute({ kind: 'staff', userId: 'u-beh', unitId: 'vc-norr' } as never, { type: 'list-mine' } as never)).rejects.toThrow(TypeError)
  })
})

describe('concurrency', () => {
  it('given two screens on version 2, when both save, then the second is refused and the first is kept', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const version = (await w.store.getProgramme(p))?.version ?? 0
    await w.engine.execute(BEHANDLARE, { type: 'edit-welcome-text', programmeId: p, text: 'Första', expectedVersion: version })
    expect(await refusedWith(() => w.engine.execute(BEHANDLARE_2, { type: 'edit-welcome-text', programmeId: p, text: 'Andra', expectedVersion: version }))).toBe('version-conflict')
    expect((await w.store.getProgramme(p))?.welcomeText).toBe('Första')
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'edit-welcome-text', outcome: 'refused', refusalCode: 'version-conflict' })
  })

  it('given another writer between read and write, then the store detects it and nothing is lost', async () => {
    const w = await world()
    const p = await startWithOro(w)
    // A store whose reads lag one write behind, as when two processes share the file.
    const stale = await w.store.getProgramme(p)
    await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Först' })
    const lagging = intercept(w.store, (ops) => ({
      getProgramme: async (id) => (id === p ? stale : await ops.getProgramme(id)),
      lockProgramme: async (id) => (id === p ? stale : await ops.lockProgramme(id)),
    }))
    const other = await openWorld({ store: lagging, clock: w.clock })
    expect(await refusedWith(() => other.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Sen' }))).toBe('version-conflict')
    expect((await w.store.getProgramme(p))?.messages.map((m) => m.text)).toEqual(['Först'])
  })

  it('given the stored events, then folding them gives the stored state', async () => {
    const { evolveAll } = await import('../../src/engine/index.ts')
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: ORO_ANSWERS })
    expect(evolveAll(await w.store.readEvents(p))).toEqual(await w.store.getProgramme(p))
  })
})

describe('audit log', () => {
  it('given reads and writes of patient data, then each is logged with who, unit, programme, patient, what and when, without clinical text', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Hemlig meddelandetext' })
    await w.engine.query(BEHANDLARE, { type: 'messages', programmeId: p })
    const entries = await w.store.listAudit({ programmeId: p })
    expect(entries.map((e) => [e.actorKind, e.actorId, e.unitId, e.patient, e.action, e.access, e.outcome])).toEqual([
      ['staff', 'u-beh', 'vc-norr', PNR12, 'start-programme', 'write', 'ok'],
      ['system', 'flags', 'vc-norr', PNR12, 'deliver-flag', 'write', 'ok'],
      ['staff', 'u-beh', 'vc-norr', PNR12, 'start-modules', 'write', 'ok'],
      ['patient', null, 'vc-norr', PNR12, 'send-message', 'write', 'ok'],
      ['staff', 'u-beh', 'vc-norr', PNR12, 'messages', 'read', 'ok'],
    ])
    // Every entry has a time; staff entries carry the user's personnummer from their identity.
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true)
    expect(entries.filter((e) => e.actorKind === 'staff').every((e) => e.actorPersonnummer?.startsWith('19900101'))).toBe(true)
    const all = JSON.stringify(await w.store.listAudit())
    expect(all).not.toContain('Hemlig')
  })

  it('given a dataadministratör lists ended programmes, then every programme shown is logged', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    await w.engine.query(DATAADMIN, { type: 'list-ended' })
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ actorId: 'u-data', action: 'list-ended', programmeId: p, access: 'read' })
  })
})
