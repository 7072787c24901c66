// Commands clients can retry: idempotency keys, required expected versions, and free text that is
// refused rather than stored when it is not plain text.
import { describe, expect, it } from 'vitest'
import { createEngine, MAX_MESSAGE_LENGTH, MAX_WELCOME_LENGTH, VERSIONED } from '../../src/engine/index.ts'
import { testBundle } from './bundle.ts'
import { BEHANDLARE, BEHANDLARE_2, PNR_B, patient, refusedWith, sequentialIds, startWithOro, versionOf, world } from './harness.ts'
import { CLINICIAN, ORO_STARTED, PATIENT, STARTED, given } from './spec.ts'

describe('idempotency keys', () => {
  it('given a message sent with a key, when the same request comes again, then the first result comes back and nothing new is stored', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const send = { type: 'send-message', programmeId: p, text: 'Hej, en fråga', idempotencyKey: 'k-1' } as const
    const first = await w.engine.execute(patient(), send)
    const events = (await w.store.readEvents(p)).length
    const again = await w.engine.execute(patient(), send)
    expect(again).toEqual(first)
    expect(await w.store.readEvents(p)).toHaveLength(events)
    expect((await w.store.getProgramme(p))?.messages).toHaveLength(1)
  })

  it('given a form submitted with a key, when it is retried, then the same submission comes back instead of form-already-submitted', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const submit = { type: 'submit-form', programmeId: p, formId: 'oro-uppgift', answers: { 'oro-nar': 'På kvällen' }, idempotencyKey: 'form-1' } as const
    const first = await w.engine.execute(patient(), submit)
    expect(await w.engine.execute(patient(), { ...submit })).toEqual(first)
    expect((await w.store.getProgramme(p))?.submissions).toHaveLength(1)
    // Without the key a second submission is the workflow's refusal.
    const { idempotencyKey: _, ...withoutKey } = submit
    expect(await refusedWith(() => w.engine.execute(patient(), withoutKey))).toBe('form-already-submitted')
  })

  it('given a programme started with a key, when the start is retried, then the same programme comes back (not programme-already-active) with its start flags', async () => {
    const w = await world()
    const first = await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR_B, idempotencyKey: 'start-1' })
    expect(first.flags.length).toBeGreaterThan(0)
    const again = await w.engine.execute(BEHANDLARE, { idempotencyKey: 'start-1', personnummer: PNR_B, type: 'start-programme' })
    expect(again).toEqual(first)
    expect(await w.store.listProgrammes({ patient: '191212121220' })).toHaveLength(1)
  })

  it('given an end with a key, when it is retried with the version it was sent with, then the first result comes back, not version-conflict', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const end = { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p), idempotencyKey: 'end-1' } as const
    const first = await w.engine.execute(BEHANDLARE, end)
    expect(await w.engine.execute(BEHANDLARE, end)).toEqual(first)
    expect((await w.store.readEvents(p)).filter((e) => e.type === 'programme-ended')).toHaveLength(1)
  })

  it('given a key already used, when a different command comes with it, then it is refused and nothing is stored', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Första', idempotencyKey: 'k-2' })
    expect(await refusedWith(() => w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Andra', idempotencyKey: 'k-2' }))).toBe('idempotency-key-reused')
    expect((await w.store.getProgramme(p))?.messages.map((m) => m.text)).toEqual(['Första'])
  })

  it('given the same key from two different actors, then each is their own', async () => {
    const w = await world()
    const p = await startWithOro(w)
    await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Från patienten', idempotencyKey: 'same' })
    await w.engine.execute(BEHANDLARE, { type: 'send-message', programmeId: p, text: 'Från behandlaren', idempotencyKey: 'same' })
    expect((await w.store.getProgramme(p))?.messages).toHaveLength(2)
  })

  it('given two processes that send the same key at the same moment, when the second commits after the first, then it answers with the first result', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const first = await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Samtidigt', idempotencyKey: 'race' })
    // The second process looked before the first had committed: its lookup found nothing.
    let blind = true
    const store = { ...w.store, getIdempotent: async (scope: string, key: string) => (blind ? ((blind = false), null) : await w.store.getIdempotent(scope, key)) }
    const second = await createEngine({ store, bundle: testBundle(), clock: w.clock.now, newId: sequentialIds('second') })
    expect(await second.execute(patient(), { type: 'send-message', programmeId: p, text: 'Samtidigt', idempotencyKey: 'race' })).toEqual(first)
    expect((await w.store.getProgramme(p))?.messages).toHaveLength(1)
  })

  it.each([[''], ['x'.repeat(201)], ['med mellanslag'], [42]])('given a malformed key %j, then it is a TypeError (a client bug)', async (key) => {
    const w = await world()
    const p = await startWithOro(w)
    await expect(w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Hej', idempotencyKey: key as string })).rejects.toThrow(TypeError)
  })
})

describe('expected versions', () => {
  it.each([...VERSIONED])('given %s without expectedVersion, then it is a TypeError: the version is required', (type) => {
    expect(() => given([STARTED, ORO_STARTED]).when(CLINICIAN, { type, programmeId: 'p-1', expectedVersion: undefined } as never)).toThrow(TypeError)
  })

  it('given two behandlare on the same screen, when both change the welcome text, then the second is refused and the first text stays', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const seen = await versionOf(w, p)
    await w.engine.execute(BEHANDLARE, { type: 'edit-welcome-text', programmeId: p, text: 'Från den första', expectedVersion: seen })
    expect(await refusedWith(() => w.engine.execute(BEHANDLARE_2, { type: 'edit-welcome-text', programmeId: p, text: 'Från den andra', expectedVersion: seen }))).toBe('version-conflict')
    expect((await w.store.getProgramme(p))?.welcomeText).toBe('Från den första')
  })

  it('given a stale version, then decide refuses every versioned command with version-conflict', () => {
    given([STARTED, ORO_STARTED]).when(CLINICIAN, { type: 'end-programme', programmeId: 'p-1', reason: 'completed', expectedVersion: 1 }).thenRefused('version-conflict')
  })
})

describe('free text', () => {
  const BAD: [string, string][] = [
    ['NUL', 'Hej\u0000då'],
    ['a control character', 'Hej\u0007'],
    ['escape', 'Hej \u001b[31m'],
    ['a lone carriage return', 'rad ett\rrad två'],
    ['DEL', 'Hej\u007f'],
    ['a C1 control', 'Hej\u0085'],
    ['an unpaired high surrogate', 'Hej \ud83d'],
    ['an unpaired low surrogate', '\ude00 hej'],
  ]

  it.each(BAD)('given a message with %s, then it is refused with invalid-text', (_, text) => {
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'send-message', programmeId: 'p-1', text }).thenRefused('invalid-text')
  })

  it.each(BAD)('given a welcome text with %s, then it is refused with invalid-text', (_, text) => {
    given([STARTED]).when(CLINICIAN, { type: 'edit-welcome-text', programmeId: 'p-1', text }).thenRefused('invalid-text')
  })

  it.each(BAD)('given a form answer with %s, then it is refused with invalid-text', (_, text) => {
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'submit-form', programmeId: 'p-1', formId: 'oro-uppgift', answers: { 'oro-nar': text } }).thenRefused('invalid-text')
  })

  it('given tabs, line breaks sent as CR LF and emoji, then the message is stored with LF line breaks', () => {
    given([STARTED, ORO_STARTED])
      .when(PATIENT, { type: 'send-message', programmeId: 'p-1', text: 'Rad ett\r\nRad två\tmed tabb 🙂\n' })
      .then([{ type: 'message-sent', text: 'Rad ett\nRad två\tmed tabb 🙂' }])
  })

  it('given the limits, then they count characters: 5 000 emoji fit in a message, 5 001 do not', () => {
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'send-message', programmeId: 'p-1', text: '🙂'.repeat(MAX_MESSAGE_LENGTH) }).then([{ type: 'message-sent' }])
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'send-message', programmeId: 'p-1', text: '🙂'.repeat(MAX_MESSAGE_LENGTH + 1) }).thenRefused('text-too-long')
    given([STARTED]).when(CLINICIAN, { type: 'edit-welcome-text', programmeId: 'p-1', text: 'a'.repeat(MAX_WELCOME_LENGTH + 1) }).thenRefused('text-too-long')
    given([STARTED, ORO_STARTED]).when(PATIENT, { type: 'send-message', programmeId: 'p-1', text: ' \n\t ' }).thenRefused('empty-text')
  })

  it('given a refused text in the engine, then nothing is stored and the refusal is logged without the text', async () => {
    const w = await world()
    const p = await startWithOro(w)
    const version = await versionOf(w, p)
    expect(await refusedWith(() => w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Hemligt\u0000' }))).toBe('invalid-text')
    expect(await versionOf(w, p)).toBe(version)
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'send-message', outcome: 'refused', refusalCode: 'invalid-text' })
    expect(JSON.stringify(await w.store.listAudit())).not.toContain('Hemligt')
  })
})
