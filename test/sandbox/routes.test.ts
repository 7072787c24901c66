// The sandbox's routes over HTTP without a browser: who sees what, refusals as Swedish pages,
// the flag clock, the form path through the shared scoring code, purge and reset.
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Sandbox } from '../../src/sandbox/app.ts'
import { escapeHtml, html, trusted } from '../../src/sandbox/html.ts'
import { NOT_FOUND_MESSAGE } from '../../src/sandbox/engine-adapter.ts'
import { STAFF, testPatient } from '../../src/sandbox/people.ts'
import type { FormBlock } from '../../src/types/bundle.generated.ts'
import { client, hiddenFields, openTestSandbox, removeTestBundle, START, type TestSandbox } from './harness.ts'

const staff = (id: string) => {
  const found = STAFF.find((p) => p.id === id)
  if (!found) throw new Error(id)
  return found
}
const STAFF_ANNA = staff('anna')

let t: TestSandbox
beforeEach(async () => {
  t = await openTestSandbox()
}, 60_000)
afterEach(async () => {
  await t.close()
})
afterAll(removeTestBundle)

const programmeIdFrom = (location: string | null): string => {
  const id = /^\/program\/([A-Za-z0-9-]+)$/.exec(location ?? '')?.[1]
  if (!id) throw new Error(`expected a programme page, got ${location}`)
  return id
}

/** Anna starts PLUS for Tolvan with the given modules; returns the programme id. */
async function startFor(personnummer: string, modules: string[]): Promise<string> {
  const anna = client(t.origin)
  const started = await anna.postForm('/starta', '/starta', { personnummer })
  const id = programmeIdFrom(started.location)
  await anna.postForm(`/program/${id}`, `/program/${id}/moduler`, { modul: modules })
  return id
}

/** The step page a form is on. */
function stepOf(formId: string): string {
  for (const m of t.bundle.programme.modules) for (const s of m.sections) for (const st of s.steps) if (st.blocks.some((b) => b.type === 'form' && b.id === formId)) return st.id
  throw new Error(`no step with form ${formId}`)
}

/** The patient fills in a form on its step page (with the page's idempotency key). */
function answer(visitor: ReturnType<typeof client>, id: string, formId: string, fields: Record<string, string | string[]>) {
  return visitor.postForm(`/invanare/${id}/steg/${stepOf(formId)}`, `/invanare/${id}/formular/${formId}`, fields)
}

function form(id: string): FormBlock {
  for (const m of t.bundle.programme.modules) for (const s of m.sections) for (const st of s.steps) for (const b of st.blocks) if (b.type === 'form' && b.id === id) return b
  throw new Error(`no form ${id}`)
}

/** Every question answered with its highest-valued option (text and numbers filled in). */
function highAnswers(f: FormBlock): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {}
  for (const q of f.questions) {
    if (q.type === 'scale' || q.type === 'single') fields[q.id] = [...q.options].sort((a, b) => (b.value ?? 0) - (a.value ?? 0))[0]?.id ?? ''
    else if (q.type === 'multiple') fields[q.id] = [q.options[0]?.id ?? '']
    else if (q.type === 'number') fields[q.id] = String(q.min ?? 1)
    else fields[q.id] = 'Ett svar'
  }
  return fields
}

describe('the HTML helper', () => {
  it('escapes every interpolated value, and only trusted fragments pass as they are', () => {
    const hostile = '<script>alert("x")</script>&\''
    expect(html`<p title="${hostile}">${hostile}</p>`.value).toBe(`<p title="${escapeHtml(hostile)}">${escapeHtml(hostile)}</p>`)
    expect(html`<p>${trusted('<em>ok</em>')}${['<a>', html`<b>`]}</p>`.value).toBe('<p><em>ok</em>&lt;a&gt;<b></p>')
  })
})

describe('test personnummer', () => {
  it('accepts only the sandbox patients, with or without the dash', () => {
    expect(testPatient('191212121212')?.id).toBe('tolvan')
    expect(testPatient('19121212-1220')?.id).toBe('greta')
    expect(testPatient('19900101-0017')).toBeNull()
    expect(testPatient('19121212-1246')).toBeNull()
  })

  it('refuses any other number when a programme is started, with a message and no programme', async () => {
    const anna = client(t.origin)
    const reply = await anna.submitForm('/starta', '/starta', { personnummer: '19900101-0017' })
    expect(reply.text).toContain('flash-error')
    expect(await t.sandbox.engine.programmeCount()).toBe(0)
  })
})

describe('every page', () => {
  it('shows who you are and the test-environment banner, and switching changes both', async () => {
    const visitor = client(t.origin)
    const first = await visitor.get('/lista/mina')
    expect(first.status).toBe(200)
    expect(first.text).toContain('Provmiljö — inga riktiga patientuppgifter')
    expect(first.text).toMatch(/Du är: <strong>Anna Ek/)
    const switched = await visitor.as('dag')
    expect(switched.text).toMatch(/Du är: <strong>Dag Strand, dataadministratör/)
    expect(switched.text).toContain('Provmiljö — inga riktiga patientuppgifter')
  })

  it('answers an unknown path with a 404 page, not a crash', async () => {
    const reply = await client(t.origin).get('/finns/inte')
    expect(reply.status).toBe(404)
    expect(reply.text).toContain('Provmiljö — inga riktiga patientuppgifter')
  })

  it('refuses forms posted from another site and requests for another host name', async () => {
    const cross = await fetch(`${t.origin}/borja-om`, { method: 'POST', headers: { origin: 'http://evil.example' }, redirect: 'manual' })
    expect(cross.status).toBe(403)
    const rebinding = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.origin}/lista/mina`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(rebinding).toBe(421)
  })
})

describe('every role sees only what it may', () => {
  it('shows each role only its own menu', async () => {
    const menus: Record<string, string[]> = {}
    for (const id of ['anna', 'maria', 'ingrid', 'dag', 'tolvan']) {
      const page = await client(t.origin).as(id)
      const nav = /<nav class="wrap wrap-wide site-nav"[^]*?<\/nav>/.exec(page.text)?.[0] ?? ''
      menus[id] = [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? '')
    }
    expect(menus.anna).toEqual(['/lista/mina', '/lista/enhetens', '/lista/avslutade', '/starta', '/profil'])
    expect(menus.maria).toEqual(['/roller', '/profil'])
    expect(menus.ingrid).toEqual(['/lista/enhetens', '/profil'])
    expect(menus.dag).toEqual(['/lista/avslutade', '/granskning', '/profil'])
    expect(menus.tolvan).toEqual(['/invanare', '/atkomstlogg'])
  })

  it('refuses pages outside a role with 403 and a Swedish message, never a stack trace', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const cases: [string, string, number][] = [
      ['dag', `/program/${id}`, 403],
      ['maria', '/lista/mina', 403],
      ['ingrid', `/program/${id}/handelser`, 403],
      ['david', `/program/${id}`, 404],
      ['greta', `/invanare/${id}`, 404],
      ['tolvan', '/lista/enhetens', 403],
      ['anna', `/invanare/${id}`, 403],
      ['anna', '/program/finns-inte', 404],
      ['anna', '/granskning', 403],
      ['maria', '/granskning', 403],
      ['ingrid', '/granskning', 403],
      ['tolvan', '/granskning', 403],
      ['dag', '/atkomstlogg', 403],
    ]
    for (const [person, path, status] of cases) {
      const visitor = client(t.origin)
      await visitor.as(person)
      const reply = await visitor.get(path)
      expect({ person, path, status: reply.status }).toEqual({ person, path, status })
      expect(reply.text).toContain('<h1>Det gick inte</h1>')
      expect(reply.text).not.toMatch(/at \w+ \(|EngineRefusal|TypeError/)
      // Whatever is out of reach (another unit's, another patient's, never existed) reads the same.
      if (status === 404) expect(reply.text).toContain(NOT_FOUND_MESSAGE)
    }
  })

  it('lets another behandlare of the unit and its invånaradministratör see the programme, with their own tools', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const bo = client(t.origin)
    await bo.as('bo')
    expect((await bo.get(`/program/${id}`)).text).toContain('Hantera händelser')
    const ingrid = client(t.origin)
    await ingrid.as('ingrid')
    const page = await ingrid.get(`/program/${id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Byt ansvarig behandlare')
    expect(page.text).not.toContain('Avsluta programmet')
    const changed = await ingrid.submitForm(`/program/${id}`, `/program/${id}/ansvarig`, { ansvarig: 'bo' })
    expect(changed.text).toMatch(/Ansvarig behandlare<\/dt><dd>Bo Lind/)
  })

  it('turns a refused command into a message on the page it came from', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    const again = await anna.postForm(`/program/${id}`, `/program/${id}/moduler`, { modul: ['oro'] })
    expect(again.status).toBe(303)
    expect(again.location).toBe(`/program/${id}`)
    const page = await anna.get(again.location ?? '')
    expect(page.text).toContain('Modulen är redan startad.')
  })
})

describe('the patient', () => {
  it('opens a step, which the behandlare then sees as opened', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    const step = await tolvan.get(`/invanare/${id}/steg/oro-tankar-om-framtiden`)
    expect(step.status).toBe(200)
    expect(step.text).toContain('<h1>Oro är tankar om det som kan hända</h1>')
    const anna = client(t.origin)
    expect((await anna.get(`/program/${id}`)).text).toMatch(/Oro är tankar om det som kan hända[^]*?marker-opened/)
  })

  it('gets the answers back with a message per question when the form is incomplete, and nothing is stored', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    const fields = highAnswers(form('oro-kartlaggning-form'))
    delete fields.somn
    const reply = await answer(tolvan, id, 'oro-kartlaggning-form', fields)
    expect(reply.status).toBe(422)
    expect(reply.text).toContain('error-summary')
    expect(reply.text).toMatch(/id="oro-kartlaggning-form--q-somn--fel"/)
    // the answers given are kept: the first question's chosen option is checked again
    const [first] = form('oro-kartlaggning-form').questions
    expect(reply.text).toContain(`value="${String(fields[first?.id ?? ''])}" checked`)
    const anna = client(t.origin)
    expect((await anna.get(`/program/${id}/handelser`)).text).toContain('inte skickat in några formulär')
  })

  it('marks an answer at or above a question\'s alert value, and lists that submission first', async () => {
    const id = await startFor('19121212-1238', ['nedstamdhet'])
    const sven = client(t.origin)
    await sven.as('sven')
    const assessment = form('nedstamdhet-kartlaggning-form')
    const alertQuestion = assessment.questions.find((q) => q.alertFrom !== null)
    expect(alertQuestion).toBeDefined()
    // Lowest answers everywhere except the alert question, which gets its highest option.
    const fields: Record<string, string> = {}
    for (const q of assessment.questions) {
      const sorted = [...q.options].sort((a, b) => (a.value ?? 0) - (b.value ?? 0))
      fields[q.id] = (q === alertQuestion ? sorted.at(-1) : sorted[0])?.id ?? ''
    }
    expect((await answer(sven, id, assessment.id, fields)).status).toBe(303)
    const exercise = form('nedstamdhet-registrera-form')
    t.sandbox.clock.nextDay()
    expect((await answer(sven, id, exercise.id, highAnswers(exercise))).status).toBe(303)
    const anna = client(t.origin)
    const events = await anna.get(`/program/${id}/handelser`)
    const order = [...events.text.matchAll(/data-submission="([^"]+)"/g)].map((m) => m[1])
    expect(order).toHaveLength(2)
    const first = /<li id="inskickat-[^]*?<\/li>/.exec(events.text)?.[0] ?? ''
    expect(first).toContain(assessment.title)
    expect(first).toContain('Svar att uppmärksamma')
    expect(first).toContain(alertQuestion?.prompt)
    const opened = await anna.submit(`/program/${id}/handelser/${order[0]}/oppna`)
    expect(opened.text).toMatch(/data-alert="ja"><dt><span class="alert-mark">/)
  })

  it('can read but not answer while the programme is retained, and cannot open it after the end', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    // The message form is rendered before the programme is retained, and sent after.
    const messagesPage = await tolvan.get(`/invanare/${id}/meddelanden`)
    await anna.postForm(`/program/${id}`, `/program/${id}/vidmakthall`, { datum: '2026-02-01' })
    const step = await tolvan.get(`/invanare/${id}/steg/oro-kartlaggning`)
    expect(step.status).toBe(200)
    expect(step.text).toContain('Programmet går bara att läsa nu')
    expect(step.text).not.toContain('action="/invanare/')
    const refused = await tolvan.submit(`/invanare/${id}/meddelanden`, { ...hiddenFields(messagesPage.text, `/invanare/${id}/meddelanden`), text: 'Hej' })
    expect(refused.text).toContain('flash-error')
    await anna.postForm(`/program/${id}`, `/program/${id}/avsluta`, { orsak: 'completed' })
    expect((await tolvan.get(`/invanare/${id}`)).status).toBe(403)
    expect((await tolvan.get('/invanare')).text).toContain('Du har inget PLUS-program just nu')
  })
})

describe('the clock and the outbox', () => {
  it('delivers the start flag at once, the reminder after 7 whole quiet days exactly once, and the flags of the guide up to day 89', async () => {
    await startFor('19121212-1212', ['oro'])
    const titles = async () => (await t.sandbox.engine.outbox()).map((o) => o.title)
    expect(await titles()).toEqual(['Startat moment'])
    const anna = client(t.origin)
    // Days 1–7 are the seven quiet days; the reminder is due on day 8, in the morning's window.
    await anna.post('/klocka', { steg: '7' })
    expect((await titles()).filter((x) => x === 'Påminnelse om startat moment')).toHaveLength(0)
    await anna.post('/klocka', { steg: '1' })
    expect((await titles()).filter((x) => x === 'Påminnelse om startat moment')).toHaveLength(1)
    await anna.post('/klocka', { steg: '1' })
    expect((await titles()).filter((x) => x === 'Påminnelse om startat moment')).toHaveLength(1)
    await anna.post('/klocka', { steg: 'nasta' })
    expect((await titles()).at(-1)).toBe('Modul i PLUS avslutas om tre dagar')
    await anna.post('/klocka', { steg: 'nasta' })
    expect((await titles()).at(-1)).toBe('PLUS snart slut')
    const day = Math.round((t.sandbox.clock.now().getTime() - START.getTime()) / 86_400_000)
    expect(day).toBe(89)
    const last = (await t.sandbox.engine.outbox()).at(-1)
    expect(last?.recipientId).toBe('anna')
    expect((await t.sandbox.engine.outbox()).map((o) => o.programmeDay)).toEqual([0, 8, 87, 89])
    expect(last?.sentAt).toBe(t.sandbox.clock.now().toISOString())
  })

  it('stays put when no flag is waiting', async () => {
    const before = t.sandbox.clock.now().toISOString()
    const reply = await client(t.origin).submit('/klocka', { steg: 'nasta' })
    expect(reply.text).toContain('Ingen flagga väntar')
    expect(t.sandbox.clock.now().toISOString()).toBe(before)
  })
})

describe('the dataadministratör', () => {
  it('exports ended programmes, may purge them only after the grace period, and afterwards they are gone from every view', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    await anna.postForm(`/program/${id}`, `/program/${id}/avsluta`, { orsak: 'completed' })
    const dag = client(t.origin)
    await dag.as('dag')
    const ended = await dag.get('/lista/avslutade')
    // Ended on 12 January: the page says it may be purged from 11 February, and offers no checkbox yet.
    expect(ended.text).toContain('data-purge-from="2026-02-11"')
    expect(ended.text).not.toContain(`value="${id}"`)
    const csv = await dag.get('/export/avslutade.csv')
    expect(csv.status).toBe(200)
    expect(csv.text).toContain(id)
    // Chosen anyway, the confirm page refuses; posted past it, the engine refuses; nothing is removed.
    expect((await dag.submit('/gallra', { program: [id] })).text).toContain('flash-error')
    const early = await dag.submit('/gallra/bekrafta', { program: [id] })
    expect(early.text).toContain('flash-error')
    expect(early.text).toContain('karenstiden')
    expect(await t.sandbox.engine.programmeCount()).toBe(1)
    for (const step of ['7', '7', '7', '7', '1']) await dag.post('/klocka', { steg: step })
    expect((await dag.get('/lista/avslutade')).text).not.toContain(`value="${id}"`)
    await dag.post('/klocka', { steg: '1' })
    expect((await dag.get('/lista/avslutade')).text).toContain(`value="${id}"`)
    const confirm = await dag.post('/gallra', { program: [id] })
    expect(confirm.status).toBe(200)
    expect(confirm.text).toContain('Bekräfta gallring')
    await dag.submit('/gallra/bekrafta', { program: [id] })
    expect((await dag.get('/lista/avslutade')).text).not.toContain(id)
    expect((await anna.get('/lista/avslutade')).text).not.toContain(id)
    expect((await anna.get(`/program/${id}`)).status).toBe(404)
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    expect((await tolvan.get(`/invanare/${id}`)).status).toBe(404)
    expect((await t.sandbox.engine.outbox()).some((o) => o.programmeId === id)).toBe(false)
    expect(await t.sandbox.engine.programmeCount()).toBe(0)
  })
})

describe('Börja om', () => {
  it('empties the database and puts the clock back', async () => {
    await startFor('19121212-1212', ['oro'])
    await startFor('19121212-1220', ['angest'])
    const anna = client(t.origin)
    await anna.post('/klocka', { steg: '7' })
    expect(await t.sandbox.engine.programmeCount()).toBe(2)
    const reply = await anna.submit('/borja-om')
    expect(reply.text).toContain('Provmiljön är tömd')
    expect(await t.sandbox.engine.programmeCount()).toBe(0)
    expect(await t.sandbox.engine.outbox()).toEqual([])
    expect(t.sandbox.clock.now().toISOString()).toBe(START.toISOString())
    expect(existsSync(t.dbPath)).toBe(true)
    expect((await anna.get('/lista/mina')).text).toContain('Inga program här')
    // The people are set up again: Anna can start a programme at once.
    expect((await anna.postForm('/starta', '/starta', { personnummer: '19121212-1212' })).location).toMatch(/^\/program\//)
  })
})

describe('the rest of the clinician workflow', () => {
  it('hands a programme over to another unit, whose invånaradministratör receives it for a behandlare', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    const handed = await anna.postForm(`/program/${id}`, `/program/${id}/overlamna`, { enhet: 'vc-testa' })
    expect(handed.location).toBe('/lista/mina')
    // Now another unit's programme: the same answer as for any id out of reach.
    const gone = await anna.get(`/program/${id}`)
    expect(gone.status).toBe(404)
    expect(gone.text).toContain(NOT_FOUND_MESSAGE)
    const irene = client(t.origin)
    await irene.as('irene')
    expect((await irene.get('/lista/enhetens')).text).toContain('väntar på mottagning')
    const received = await irene.submitForm(`/program/${id}`, `/program/${id}/ta-emot`, { ansvarig: 'david' })
    expect(received.text).toMatch(/Ansvarig behandlare<\/dt><dd>David Berg/)
    const david = client(t.origin)
    await david.as('david')
    expect((await david.get('/lista/mina')).text).toContain(`/program/${id}`)
  })

  it('carries messages both ways with unread counts, and shows text as text', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    await tolvan.postForm(`/invanare/${id}/meddelanden`, `/invanare/${id}/meddelanden`, { text: 'Hej <b>där</b>' })
    const anna = client(t.origin)
    expect((await anna.get(`/program/${id}`)).text).toContain('Meddelanden (1 olästa)')
    const thread = await anna.get(`/program/${id}/meddelanden`)
    expect(thread.text).toContain('Hej &lt;b&gt;där&lt;/b&gt;')
    await anna.post(`/program/${id}/meddelanden/last`)
    expect((await anna.get(`/program/${id}`)).text).not.toContain('olästa)</a>')
    await anna.postForm(`/program/${id}/meddelanden`, `/program/${id}/meddelanden`, { text: 'Hej själv' })
    expect((await tolvan.get(`/invanare/${id}`)).text).toContain('Meddelanden (1 olästa)')
  })

  it('lets the behandlare edit the welcome text, which the patient sees escaped, and move a closing date', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    await anna.postForm(`/program/${id}`, `/program/${id}/valkomsttext`, { text: 'Välkommen!\n<script>alert(1)</script>' })
    const moved = await anna.submitForm(`/program/${id}`, `/program/${id}/stangningsdatum`, { modul: 'oro', datum: '2026-03-01' })
    expect(moved.text).toContain('stänger 1 mars 2026')
    const refused = await anna.submitForm(`/program/${id}`, `/program/${id}/stangningsdatum`, { modul: 'oro', datum: '2025-01-01' })
    expect(refused.text).toContain('Datumet måste vara efter i dag.')
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    const home = await tolvan.get(`/invanare/${id}`)
    expect(home.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(home.text).not.toContain('<script>alert(1)')
  })

  it('serves the media of the steps from the bundle', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    const step = await tolvan.get(`/invanare/${id}/steg/oro-losbar-eller-inte`)
    const src = /<img src="([^"]+)"/.exec(step.text)?.[1]
    expect(src).toMatch(/^\/media\/oro\//)
    const image = await tolvan.get(src ?? '')
    expect(image.status).toBe(200)
    expect((await tolvan.get('/media/oro/..%2F..%2Fplus.json')).status).toBe(404)
  })
})

describe('content updates', () => {
  it('moves running programmes to a new version, and keeps the old content with a notice when the version is reused', async () => {
    await startFor('19121212-1212', ['oro'])
    const changed = structuredClone(t.bundle)
    changed.programme.welcome = { html: '<p>Ny text</p>', text: 'Ny text' }
    await t.sandbox.useBundle(changed)
    expect(t.sandbox.contentNotice).toContain('samma versionsnummer')
    expect(t.sandbox.engine.bundle.programme.welcome.text).not.toBe('Ny text')
    changed.programme.version = '99.0.0'
    await t.sandbox.useBundle(changed)
    expect(t.sandbox.contentNotice).toBeNull()
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    const home = await tolvan.get('/invanare')
    const page = await tolvan.get(home.location ?? '')
    expect(page.text).toContain('<p>Ny text</p>')
  })
})

describe('a restart on edited content with the same version', () => {
  it('runs on the stored content with a notice instead of failing, and takes the new content after "Börja om"', async () => {
    await startFor('19121212-1212', ['oro'])
    const edited = structuredClone(t.bundle)
    edited.programme.welcome = { html: '<p>Ändrad text</p>', text: 'Ändrad text' }
    await t.sandbox.close()
    const restarted = await Sandbox.open({ dbPath: t.dbPath, bundle: edited, start: START, persistClock: false })
    try {
      expect(restarted.contentNotice).toContain('samma versionsnummer')
      expect(restarted.engine.bundle.programme.welcome.text).toBe(t.bundle.programme.welcome.text)
      expect(await restarted.engine.programmeCount()).toBe(1)
      await restarted.reset()
      expect(restarted.contentNotice).toBeNull()
      expect(restarted.engine.bundle.programme.welcome.text).toBe('Ändrad text')
    } finally {
      await restarted.close()
      // The harness closes its own sandbox again; give it a fresh one on the same file.
      t.sandbox = await Sandbox.open({ dbPath: t.dbPath, bundle: edited, start: START, persistClock: false })
    }
  })
})

describe('band levels', () => {
  it('shows a band\'s level to the clinician and the patient when the bundle has one, and nothing when it has none', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    await answer(tolvan, id, 'oro-kartlaggning-form', highAnswers(form('oro-kartlaggning-form')))
    const anna = client(t.origin)
    const withoutLevel = await anna.get(`/program/${id}/handelser`)
    const hasLevels = t.bundle.programme.modules.some((m) => m.sections.some((s) => s.steps.some((st) => st.blocks.some((b) => b.type === 'form' && b.scoring?.bands.some((band) => 'level' in band)))))
    if (!hasLevels) expect(withoutLevel.text).not.toContain('class="level ')
    // A bundle whose top band says "urgent": both sides show it.
    const withLevels = structuredClone(t.bundle)
    withLevels.programme.version = '98.0.0'
    for (const m of withLevels.programme.modules) for (const s of m.sections) for (const st of s.steps) for (const b of st.blocks) {
      if (b.type === 'form' && b.scoring) for (const band of b.scoring.bands) Object.assign(band, { level: band.max === b.scoring.max ? 'urgent' : 'info' })
    }
    await t.sandbox.useBundle(withLevels)
    expect((await anna.get(`/program/${id}/handelser`)).text).toContain('class="level level-urgent"')
    expect((await tolvan.get(`/invanare/${id}/steg/oro-kartlaggning`)).text).toContain('class="level level-urgent"')
  })
})

describe('forms carry the programme version they were rendered from', () => {
  it('puts the version in every form that changes the programme', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    const page = (await anna.get(`/program/${id}`)).text
    for (const action of ['moduler', 'stangningsdatum', 'valkomsttext', 'avsluta', 'vidmakthall', 'overlamna']) {
      expect(hiddenFields(page, `/program/${id}/${action}`).version, action).toMatch(/^\d+$/)
    }
    const ingrid = client(t.origin)
    await ingrid.as('ingrid')
    expect(hiddenFields((await ingrid.get(`/program/${id}`)).text, `/program/${id}/ansvarig`).version).toMatch(/^\d+$/)
  })

  it("refuses a form left open while a colleague changed the programme, with the engine's message, and keeps the colleague's change", async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    const annasPage = (await anna.get(`/program/${id}`)).text
    const bo = client(t.origin)
    await bo.as('bo')
    await bo.postForm(`/program/${id}`, `/program/${id}/valkomsttext`, { text: 'Bos välkomsttext' })
    const stale = await anna.post(`/program/${id}/valkomsttext`, { ...hiddenFields(annasPage, `/program/${id}/valkomsttext`), text: 'Annas välkomsttext' })
    expect(stale.status).toBe(303)
    expect(stale.location).toBe(`/program/${id}`)
    const shown = await anna.get(stale.location ?? '')
    expect(shown.text).toMatch(/class="flash flash-error" role="alert"><p>Någon annan har ändrat/)
    expect(shown.text).toContain('Bos välkomsttext')
    expect(shown.text).not.toContain('<p class="pre-line">Annas välkomsttext')
    // Reloaded, the page carries the new version and the same change goes through.
    const again = await anna.submitForm(`/program/${id}`, `/program/${id}/valkomsttext`, { text: 'Annas välkomsttext' })
    expect(again.text).toContain('flash-ok')
    expect(again.text).toContain('Annas välkomsttext')
  })

  it('answers a post without the hidden fields with a message, not a crash', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const anna = client(t.origin)
    const reply = await anna.submit(`/program/${id}/avsluta`, { orsak: 'completed' })
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('Ladda om sidan')
    expect(await t.sandbox.engine.endedProgrammes(STAFF_ANNA)).toHaveLength(0)
    const noKey = await anna.submit('/starta', { personnummer: '19121212-1220' })
    expect(noKey.text).toContain('flash-error')
    expect(await t.sandbox.engine.programmeCount()).toBe(1)
  })
})

describe('a form sent twice (reload and resend, double click)', () => {
  it('starts, submits, sends and ends only once', async () => {
    const anna = client(t.origin)
    const first = await anna.postForm('/starta', '/starta', { personnummer: '19121212-1212' })
    const second = await anna.post('/starta', { ...first.hidden, personnummer: '19121212-1212' })
    expect(second.status).toBe(303)
    expect(second.location).toBe(first.location)
    expect(await t.sandbox.engine.programmeCount()).toBe(1)
    const id = programmeIdFrom(first.location)
    await anna.postForm(`/program/${id}`, `/program/${id}/moduler`, { modul: ['oro'] })

    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    const fields = highAnswers(form('oro-kartlaggning-form'))
    const sent = await answer(tolvan, id, 'oro-kartlaggning-form', fields)
    expect(sent.status).toBe(303)
    const resent = await tolvan.post(`/invanare/${id}/formular/oro-kartlaggning-form`, { ...sent.hidden, ...fields })
    expect(resent.status).toBe(303)
    expect(resent.location).toBe(sent.location)
    expect([...(await anna.get(`/program/${id}/handelser`)).text.matchAll(/data-submission="/g)]).toHaveLength(1)

    const message = await tolvan.postForm(`/invanare/${id}/meddelanden`, `/invanare/${id}/meddelanden`, { text: 'En fråga' })
    await tolvan.post(`/invanare/${id}/meddelanden`, { ...message.hidden, text: 'En fråga' })
    const thread = (await anna.get(`/program/${id}/meddelanden`)).text
    expect([...thread.matchAll(/<li class="from-patient">/g)]).toHaveLength(1)
    // A newly rendered form has a new key: the same words sent again are a new message.
    await tolvan.postForm(`/invanare/${id}/meddelanden`, `/invanare/${id}/meddelanden`, { text: 'En fråga' })
    expect([...(await anna.get(`/program/${id}/meddelanden`)).text.matchAll(/<li class="from-patient">/g)]).toHaveLength(2)

    const ended = await anna.postForm(`/program/${id}`, `/program/${id}/avsluta`, { orsak: 'completed' })
    expect(ended.location).toBe('/lista/avslutade')
    const endedAt = (await t.sandbox.engine.endedProgrammes(STAFF_ANNA))[0]?.endedAt
    // Resent a day later with the page's old version: the engine answers with the first result.
    t.sandbox.clock.nextDay()
    const endedAgain = await anna.post(`/program/${id}/avsluta`, { ...ended.hidden, orsak: 'completed' })
    expect(endedAgain.status).toBe(303)
    expect(endedAgain.location).toBe('/lista/avslutade')
    const rows = await t.sandbox.engine.endedProgrammes(STAFF_ANNA)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.endedAt).toBe(endedAt)
  })
})

describe('the audit log', () => {
  it('shows the dataadministratör the unit\'s log and the review, which finds a colleague opening a programme they are not responsible for', async () => {
    const id = await startFor('19121212-1212', ['oro'])
    const bo = client(t.origin)
    await bo.as('bo')
    expect((await bo.get(`/program/${id}`)).status).toBe(200)
    const dag = client(t.origin)
    await dag.as('dag')
    const page = await dag.get('/granskning')
    expect(page.status).toBe(200)
    expect(page.text).toContain('data-action="start-programme"')
    const outside = [...page.text.matchAll(/<td data-finding="outside-own-list">[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1])
    expect(outside.length).toBeGreaterThan(0)
    expect(new Set(outside)).toEqual(new Set(['Bo Lind']))
    // The delivery process looked up who the start flag goes to; that read is in the log too.
    expect(page.text).toContain('Slog upp mottagaren av en avisering')
    // Only this unit's entries: Maria's grants at set-up, none of Mats's at the other unit.
    expect(page.text).toMatch(/<td>Maria Holm<\/td><td>Gav roll<\/td>/)
    expect(page.text).not.toContain('Mats Dal</td>')
    // Reading the log is logged.
    expect((await dag.get('/granskning')).text).toContain('data-action="audit-log"')
    // A period before anything happened shows nothing; a bad date is a message.
    const empty = await dag.get('/granskning?fran=2025-01-01&till=2025-01-31')
    expect(empty.text).toContain('Inga poster under perioden')
    expect(empty.text).toContain('data-findings="0"')
    expect((await dag.get('/granskning?fran=igår')).status).toBe(409)
  })

  it("gives the patient the care units that read their data, and nothing of another patient's", async () => {
    const id = await startFor('19121212-1212', ['oro'])
    await startFor('19121212-1220', ['angest'])
    const anna = client(t.origin)
    await anna.get(`/program/${id}`)
    const tolvan = client(t.origin)
    await tolvan.as('tolvan')
    const extract = await tolvan.get('/atkomstlogg')
    expect(extract.status).toBe(200)
    expect(extract.text).toContain('<h1>Vilka vårdenheter har läst mina uppgifter</h1>')
    const rows = [...extract.text.matchAll(/<tr data-unit="([^"]+)"><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)]
    expect(rows.length).toBeGreaterThan(0)
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(['Vårdcentralen Provby']))
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(['Läst', 'Ändrat']))
    // Who it was is not shown.
    expect(extract.text).not.toContain('Anna Ek</td>')
    const sven = client(t.origin)
    await sven.as('sven')
    expect((await sven.get('/atkomstlogg')).text).toContain('Ingen vårdenhet har läst dina uppgifter än')
  })
})
