// The sandbox's web server: node:http on 127.0.0.1, server-rendered pages, plain POST forms and
// redirect after post. Who you are is a cookie set by the "Du är" switch; messages after a
// redirect travel in a short-lived cookie. Refusals from the engine become Swedish messages on
// the page; anything unexpected becomes a plain error page without details.
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sandbox } from './app.ts'
import { accessLogPage, auditPage } from './audit-pages.ts'
import { NOT_FOUND_MESSAGE, Refused, type Role } from './engine-adapter.ts'
import { postedKey, postedVersion } from './form-guard.ts'
import { days } from './format.ts'
import { html } from './html.ts'
import { homeOf, page, type Flash, type PageContext } from './layout.ts'
import { myAnswersPage, messagesPage, patientHome, patientProgrammePage, patientStepPage, type FormRetry } from './patient-pages.ts'
import { DEFAULT_PERSON_ID, type Person, personById, type StaffPerson, testPatient } from './people.ts'
import {
  eventsPage,
  listPage,
  type ListKind,
  type PageBody,
  profilePage,
  programmePage,
  purgeConfirmPage,
  rolesPage,
  startPage,
  submissionPage,
} from './staff-pages.ts'
import { answersFromPost, problemTexts } from './step-render.ts'
import { validateAnswers } from '../scoring/index.ts'
import { contentTypeOf } from '../bundle/media-types.ts'

const PERSON_COOKIE = 'provkor_du'
const FLASH_COOKIE = 'provkor_besked'
const MAX_BODY = 1_000_000

/** Where the server finds the files it serves besides its pages. */
export interface ServerPaths {
  /** The preview's stylesheet (site/styles/global.css). */
  globalCss: string
  /** The preview's icon (site/public/favicon.svg). */
  favicon: string
  /** The bundle folder, for media. */
  bundleDir: string
}

/** A response that is not a page. */
type Outcome =
  | { kind: 'page'; status: number; body: PageBody }
  | { kind: 'redirect'; to: string; flash?: Flash; person?: string }
  | { kind: 'file'; status: number; type: string; body: string | Buffer; download?: string }

interface Request {
  method: string
  path: string
  person: Person
  roles: Role[]
  form: URLSearchParams
  /** The query string (GET forms such as the audit log's period). */
  query: URLSearchParams
}

/** Provkör's own stylesheet, next to this file. */
const OWN_CSS = fileURLToPath(new URL('provkor.css', import.meta.url))

/** Which HTTP status a refusal gets when it ends a page. */
function statusOf(code: string): number {
  if (['role-missing', 'programme-closed', 'own-personnummer'].includes(code)) return 403
  // `not-found` is the engine's one answer for anything out of reach (another unit's or patient's
  // programme, a purged one, an id that never existed): one status and one message for all.
  if (['not-found', 'unknown-step', 'unknown-form'].includes(code)) return 404
  return 409
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim())
    } catch {
      // A cookie we did not write: ignore it.
    }
  }
  return out
}

function readFlash(raw: string | undefined): Flash | null {
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<Flash>
    if ((value.kind === 'ok' || value.kind === 'error') && typeof value.text === 'string') return { kind: value.kind, text: value.text.slice(0, 500) }
  } catch {
    // Not ours.
  }
  return null
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new Refused('too-large', 'Det du skickade är för stort.')
    chunks.push(chunk as Buffer)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

function staffOnly(req: Request): StaffPerson {
  if (req.person.kind !== 'staff') throw new Refused('role-missing', 'Den här sidan är för vårdens personal. Byt person under Du är.')
  return req.person
}

function patientOnly(req: Request): Extract<Person, { kind: 'patient' }> {
  if (req.person.kind !== 'patient') throw new Refused('role-missing', 'Den här sidan är för invånaren. Byt person under Du är.')
  return req.person
}

const ok = (to: string, text: string, extra: Partial<Extract<Outcome, { kind: 'redirect' }>> = {}): Outcome => ({ kind: 'redirect', to, flash: { kind: 'ok', text }, ...extra })

/** The routes. Each returns an outcome or throws Refused. `back` is where a refused POST returns. */
function route(sandbox: Sandbox, req: Request, paths: ServerPaths): { outcome: () => Outcome | Promise<Outcome>; back: string } | null {
  const engine = () => sandbox.engine
  const { method, path: p, form } = req
  const m = (pattern: RegExp) => pattern.exec(p)
  const get = method === 'GET' || method === 'HEAD'
  const post = method === 'POST'
  const page = (body: PageBody, status = 200): Outcome => ({ kind: 'page', status, body })
  const here = { back: p }
  let match: RegExpExecArray | null

  // Shared
  if (get && p === '/') return { ...here, outcome: () => ({ kind: 'redirect', to: homeOf(req.person, req.roles) }) }
  if (get && p === '/stil/global.css') return { ...here, outcome: () => ({ kind: 'file', status: 200, type: 'text/css; charset=utf-8', body: readFileSync(paths.globalCss, 'utf8') }) }
  if (get && p === '/favicon.svg') return { ...here, outcome: () => ({ kind: 'file', status: 200, type: 'image/svg+xml', body: readFileSync(paths.favicon) }) }
  if (get && p === '/stil/provkor.css') return { ...here, outcome: () => ({ kind: 'file', status: 200, type: 'text/css; charset=utf-8', body: readFileSync(OWN_CSS, 'utf8') }) }
  if (get && (match = m(/^\/media\/([a-z0-9-]+)\/([A-Za-z0-9._-]+)$/))) {
    const file = path.join(paths.bundleDir, 'media', match[1] ?? '', match[2] ?? '')
    const type = contentTypeOf(file)
    return {
      ...here,
      outcome: () => {
        try {
          if (!type) throw new Error('unknown type')
          return { kind: 'file', status: 200, type, body: readFileSync(file) }
        } catch {
          return { kind: 'file', status: 404, type: 'text/plain; charset=utf-8', body: 'Filen finns inte.' }
        }
      },
    }
  }
  if (post && p === '/du-ar') {
    return {
      back: '/',
      outcome: async () => {
        const next = personById(form.get('person') ?? undefined)
        if (!next) throw new Refused('unknown-person', 'Välj en person i listan.')
        const roles = next.kind === 'staff' ? await engine().rolesOf(next) : []
        return { kind: 'redirect', to: homeOf(next, roles), person: next.id, flash: { kind: 'ok', text: `Du är nu ${next.name}.` } }
      },
    }
  }
  if (post && p === '/klocka') {
    return {
      back: '/',
      outcome: async () => {
        const step = form.get('steg')
        if (step === 'nasta') {
          const move = await sandbox.advanceToNextFlag()
          return ok('/', move ? `Klockan gick fram ${days(move.days)}. ${move.flags} ${move.flags === 1 ? 'avisering gick ut' : 'aviseringar gick ut'}.` : 'Ingen flagga väntar. Klockan står kvar.')
        }
        const n = step === '7' ? 7 : step === '1' ? 1 : null
        if (n === null) throw new Refused('bad-step', 'Välj hur långt klockan ska gå.')
        const move = await sandbox.advanceDays(n)
        return ok('/', `Klockan gick fram ${days(n)}. ${move.flags === 0 ? 'Inga aviseringar gick ut.' : `${move.flags} ${move.flags === 1 ? 'avisering gick ut' : 'aviseringar gick ut'}.`}`)
      },
    }
  }
  if (post && p === '/borja-om') {
    return { back: '/', outcome: async () => (await sandbox.reset(), ok('/', 'Provmiljön är tömd. Allt börjar om från början.')) }
  }

  // Staff lists and pages
  if (get && (match = m(/^\/lista\/(mina|enhetens|avslutade)$/))) {
    return { ...here, outcome: async () => page(await listPage(engine(), staffOnly(req), req.roles, match?.[1] as ListKind)) }
  }
  if (get && p === '/starta') return { ...here, outcome: () => (staffOnly(req), page(startPage())) }
  if (post && p === '/starta') {
    return {
      back: '/starta',
      outcome: async () => {
        const person = staffOnly(req)
        const patient = testPatient(form.get('personnummer') ?? '')
        if (!patient) throw new Refused('not-a-test-number', 'I provmiljön går bara testpersonnumren i listan att använda. Riktiga personnummer tas inte emot.')
        const id = await engine().startProgramme(person, patient.personnummer, postedKey(form))
        return ok(`/program/${id}`, 'Programmet är startat. Det finns inga aktiva moduler än: välj moduler under Kommande moduler.')
      },
    }
  }
  if (post && p === '/gallra') {
    return {
      back: '/lista/avslutade',
      outcome: async () => {
        const ids = form.getAll('program')
        if (ids.length === 0) throw new Refused('nothing-chosen', 'Välj minst ett program att gallra.')
        return page(await purgeConfirmPage(engine(), staffOnly(req), ids))
      },
    }
  }
  if (post && p === '/gallra/bekrafta') {
    return {
      back: '/lista/avslutade',
      outcome: async () => {
        const ids = form.getAll('program')
        if (ids.length === 0) throw new Refused('nothing-chosen', 'Välj minst ett program att gallra.')
        await engine().purge(staffOnly(req), ids)
        return ok('/lista/avslutade', `${ids.length} ${ids.length === 1 ? 'program är gallrat' : 'program är gallrade'}.`)
      },
    }
  }
  if (get && (match = m(/^\/export\/avslutade\.(csv|json)$/))) {
    const format = match[1] as 'csv' | 'json'
    return {
      ...here,
      outcome: async () => {
        const file = await engine().exportEnded(staffOnly(req), format)
        return { kind: 'file', status: 200, type: `${file.mediaType}; charset=utf-8`, body: file.body, download: file.fileName }
      },
    }
  }
  if (get && p === '/roller') return { ...here, outcome: async () => page(await rolesPage(engine(), staffOnly(req))) }
  if (post && (p === '/roller/ge' || p === '/roller/ta-bort')) {
    return {
      back: '/roller',
      outcome: async () => {
        const userId = form.get('person') ?? ''
        const role = (form.get('roll') ?? '') as Role
        if (!['behorighetsadministrator', 'behandlare', 'invanaradministrator', 'dataadministrator'].includes(role)) throw new Refused('bad-role', 'Välj en roll i listan.')
        if (p === '/roller/ge') await engine().grantRole(staffOnly(req), userId, role)
        else await engine().withdrawRole(staffOnly(req), userId, role)
        return ok('/roller', p === '/roller/ge' ? 'Rollen är given.' : 'Rollen är borttagen.')
      },
    }
  }
  if (get && p === '/granskning') return { ...here, outcome: async () => page(await auditPage(engine(), staffOnly(req), req.query)) }
  if (get && p === '/atkomstlogg') return { ...here, outcome: async () => page(await accessLogPage(engine(), patientOnly(req))) }
  if (get && p === '/profil') return { ...here, outcome: async () => page(await profilePage(engine(), staffOnly(req))) }
  if (post && p === '/profil') {
    return {
      back: '/profil',
      outcome: async () => {
        await engine().setPreferences(staffOnly(req), { email: form.get('epost') === 'ja', sms: form.get('sms') === 'ja' })
        return ok('/profil', 'Dina val för aviseringar är sparade.')
      },
    }
  }

  if ((match = m(/^\/program\/([A-Za-z0-9-]+)(\/.*)?$/))) {
    const id = match[1] ?? ''
    const rest = match[2] ?? ''
    const base = `/program/${id}`
    let sub: RegExpExecArray | null
    if (get && rest === '') return { ...here, outcome: async () => page(await programmePage(engine(), staffOnly(req), req.roles, id)) }
    if (get && rest === '/handelser') return { ...here, outcome: async () => page(await eventsPage(engine(), staffOnly(req), id)) }
    if (post && (sub = /^\/handelser\/([A-Za-z0-9-]+)\/oppna$/.exec(rest))) {
      const sid = sub[1] ?? ''
      return { back: `${base}/handelser`, outcome: async () => (await engine().openSubmission(staffOnly(req), id, sid), { kind: 'redirect', to: `${base}/handelser/${sid}` }) }
    }
    if (get && (sub = /^\/handelser\/([A-Za-z0-9-]+)$/.exec(rest))) {
      const sid = sub[1] ?? ''
      return { ...here, outcome: async () => page(submissionPage(engine(), await engine().submission(staffOnly(req), id, sid), id)) }
    }
    if (get && rest === '/meddelanden') return { ...here, outcome: async () => page(await messagesPage(engine(), staffOnly(req), id, base)) }
    if (post && rest === '/meddelanden') {
      return { back: `${base}/meddelanden`, outcome: async () => (await engine().sendMessage(staffOnly(req), id, form.get('text') ?? '', postedKey(form)), ok(`${base}/meddelanden`, 'Meddelandet är skickat.')) }
    }
    if (post && rest === '/meddelanden/last') {
      return { back: `${base}/meddelanden`, outcome: async () => (await engine().markMessagesRead(staffOnly(req), id), ok(`${base}/meddelanden`, 'Meddelandena är markerade som lästa.')) }
    }
    // The programme's commands: each form carries the version it was rendered from (and the end
    // form an idempotency key); a stale version comes back as the engine's refusal on the page.
    const action = (fn: (person: StaffPerson, version: number) => Promise<void>, text: string, to = base) => ({
      back: base,
      outcome: async () => {
        const person = staffOnly(req)
        await fn(person, postedVersion(form))
        return ok(to, text)
      },
    })
    if (post && rest === '/moduler') {
      return action(async (person, version) => {
        const modules = form.getAll('modul')
        const closesOn = form.get('datum') || undefined
        await engine().startModules(person, id, modules.map((moduleId) => ({ moduleId, ...(closesOn ? { closesOn } : {}) })), version)
      }, 'Modulerna är startade.')
    }
    if (post && rest === '/stangningsdatum') return action((person, v) => engine().changeClosingDate(person, id, form.get('modul') ?? '', form.get('datum') ?? '', v), 'Stängningsdatumet är ändrat.')
    if (post && rest === '/valkomsttext') return action((person, v) => engine().editWelcome(person, id, form.get('text') ?? '', v), 'Välkomsttexten är sparad.')
    if (post && rest === '/avsluta') return action((person, v) => engine().endProgramme(person, id, form.get('orsak') ?? '', v, postedKey(form)), 'Programmet är avslutat. Du hittar det under Avslutade.', '/lista/avslutade')
    if (post && rest === '/vidmakthall') return action((person, v) => engine().retainProgramme(person, id, form.get('datum') ?? '', v), 'Programmet vidmakthålls. Invånaren kan bara läsa.')
    if (post && rest === '/overlamna') return action((person, v) => engine().handOver(person, id, form.get('enhet') ?? '', v), 'Programmet är överlämnat. Den mottagande enhetens invånaradministratör tar emot det.', '/lista/mina')
    if (post && rest === '/ansvarig') return action((person, v) => engine().changeResponsible(person, id, form.get('ansvarig') ?? '', v), 'Ansvarig behandlare är bytt.')
    if (post && rest === '/ta-emot') return action((person, v) => engine().acceptHandover(person, id, form.get('ansvarig') ?? '', v), 'Programmet är mottaget.')
    return null
  }

  // Patient
  if (get && p === '/invanare') {
    return {
      ...here,
      outcome: async () => {
        const result = await patientHome(engine(), patientOnly(req))
        return 'redirect' in result ? { kind: 'redirect', to: result.redirect } : page(result)
      },
    }
  }
  if ((match = m(/^\/invanare\/([A-Za-z0-9-]+)(\/.*)?$/))) {
    const id = match[1] ?? ''
    const rest = match[2] ?? ''
    const base = `/invanare/${id}`
    let sub: RegExpExecArray | null
    if (get && rest === '') return { ...here, outcome: async () => page(await patientProgrammePage(engine(), patientOnly(req), id)) }
    if (get && (sub = /^\/steg\/([A-Za-z0-9-]+)$/.exec(rest))) {
      const stepId = sub[1] ?? ''
      return { ...here, outcome: async () => page(await patientStepPage(engine(), patientOnly(req), id, stepId, null, true)) }
    }
    if (post && (sub = /^\/formular\/([A-Za-z0-9-]+)$/.exec(rest))) {
      const formId = sub[1] ?? ''
      return {
        back: base,
        outcome: async () => {
          const patient = patientOnly(req)
          const definition = engine().form(formId)
          if (!definition) throw new Refused('not-found', NOT_FOUND_MESSAGE)
          const key = postedKey(form)
          const stepId = engine().bundle.programme.modules.flatMap((mod) => mod.sections.flatMap((s) => s.steps)).find((st) => st.blocks.some((b) => b.type === 'form' && b.id === formId))?.id ?? ''
          const answers = answersFromPost(definition, form)
          // The shared scoring code checks the answers first, so the page can keep them and
          // point at each problem; the engine checks them again when it stores them.
          const problems = validateAnswers(definition, answers)
          const retry = async (list: { questionId: string; code: string }[]): Promise<Outcome> =>
            page(await patientStepPage(engine(), patient, id, stepId, { formId, values: answers, errors: problemTexts(list) } satisfies FormRetry, false), 422)
          if (problems.length > 0) return retry(problems)
          try {
            await engine().submitForm(patient, id, formId, answers, key)
          } catch (error) {
            if (error instanceof Refused && error.code === 'invalid-answers') return retry(error.problems)
            throw error
          }
          return ok(`${base}/steg/${stepId}#${formId}`, 'Tack! Dina svar är inskickade. Din behandlare kan se dem.')
        },
      }
    }
    if (get && rest === '/meddelanden') return { ...here, outcome: async () => page(await messagesPage(engine(), patientOnly(req), id, base)) }
    if (post && rest === '/meddelanden') {
      return { back: `${base}/meddelanden`, outcome: async () => (await engine().sendMessage(patientOnly(req), id, form.get('text') ?? '', postedKey(form)), ok(`${base}/meddelanden`, 'Meddelandet är skickat till din behandlare.')) }
    }
    if (post && rest === '/meddelanden/last') {
      return { back: `${base}/meddelanden`, outcome: async () => (await engine().markMessagesRead(patientOnly(req), id), ok(`${base}/meddelanden`, 'Meddelandena är markerade som lästa.')) }
    }
    if (post && rest === '/mobil') {
      return {
        back: base,
        outcome: async () => {
          const value = (form.get('mobil') ?? '').trim()
          await engine().setMobileNumber(patientOnly(req), id, value === '' ? null : value)
          return ok(base, value === '' ? 'Mobilnumret är borttaget.' : 'Mobilnumret är sparat.')
        },
      }
    }
    if (get && rest === '/mina-svar') return { ...here, outcome: async () => page(await myAnswersPage(engine(), patientOnly(req), id)) }
    if (get && rest === '/mina-svar.json') {
      return {
        ...here,
        outcome: async () => ({ kind: 'file', status: 200, type: 'application/json; charset=utf-8', body: `${JSON.stringify(await engine().patientExport(patientOnly(req), id), null, 2)}\n`, download: `plus-mina-svar.json` }),
      }
    }
  }
  return null
}

/** Handles one request. Exported for the route tests, which call it without a socket. */
export async function handle(sandbox: Sandbox, paths: ServerPaths, req: IncomingMessage, res: ServerResponse, port: () => number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const method = req.method ?? 'GET'
  const security = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Content-Security-Policy': "default-src 'self'; img-src 'self'; media-src 'self'; style-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'",
  }
  // Only this machine's pages may post here, and only under the names it listens on (no DNS rebinding).
  const host = req.headers.host ?? ''
  const allowedHosts = [`127.0.0.1:${port()}`, `localhost:${port()}`]
  if (!allowedHosts.includes(host)) {
    res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', ...security }).end('Fel värdnamn.')
    return
  }
  const origin = req.headers.origin
  if (method === 'POST' && origin !== undefined && origin !== `http://${host}`) {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', ...security }).end('Formuläret kom från en annan webbplats.')
    return
  }
  const cookies = parseCookies(req.headers.cookie)
  const person = personById(cookies[PERSON_COOKIE]) ?? (personById(DEFAULT_PERSON_ID) as Person)
  const setCookies: string[] = []
  const flash = readFlash(cookies[FLASH_COOKIE])
  if (flash) setCookies.push(`${FLASH_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict; HttpOnly`)

  let form = new URLSearchParams()
  let roles: Role[] = []
  const context = async (): Promise<PageContext> => ({
    person,
    roles,
    path: url.pathname,
    flash,
    now: sandbox.clock.now(),
    outbox: await sandbox.engine.outbox(),
    contentProblems: sandbox.contentProblems,
    contentNotice: sandbox.contentNotice,
  })
  const sendPage = async (status: number, body: PageBody, given?: PageContext) => {
    const ctx = given ?? (await context())
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...security, ...(setCookies.length ? { 'Set-Cookie': setCookies } : {}) })
    res.end(method === 'HEAD' ? undefined : page(ctx, body.title, body.body))
  }
  const redirect = (to: string, next: Flash | undefined, personId?: string) => {
    const cookiesOut = setCookies.filter((c) => !c.startsWith(`${FLASH_COOKIE}=`))
    if (next) cookiesOut.push(`${FLASH_COOKIE}=${encodeURIComponent(JSON.stringify(next))}; Path=/; SameSite=Strict; HttpOnly`)
    if (personId) cookiesOut.push(`${PERSON_COOKIE}=${encodeURIComponent(personId)}; Path=/; SameSite=Strict; HttpOnly`)
    res.writeHead(303, { Location: to, 'Cache-Control': 'no-store', ...security, ...(cookiesOut.length ? { 'Set-Cookie': cookiesOut } : {}) }).end()
  }

  let back = '/'
  try {
    roles = person.kind === 'staff' ? await sandbox.engine.rolesOf(person) : []
    if (method === 'POST') form = await readBody(req)
    const found = route(sandbox, { method, path: url.pathname, person, roles, form, query: url.searchParams }, paths)
    if (!found) {
      await sendPage(404, { title: 'Sidan finns inte', body: html`<p>Det finns ingen sådan sida i Provkör. <a href="/">Till startsidan</a></p>` })
      return
    }
    back = found.back
    const outcome = await found.outcome()
    // Opening a step (a GET) is a command too; whatever a command put in the outbox goes out now.
    await sandbox.afterAction()
    switch (outcome.kind) {
      case 'page':
        await sendPage(outcome.status, outcome.body)
        return
      case 'redirect':
        redirect(outcome.to, outcome.flash, outcome.person)
        return
      case 'file':
        res.writeHead(outcome.status, {
          'Content-Type': outcome.type,
          ...security,
          ...(outcome.download ? { 'Content-Disposition': `attachment; filename="${outcome.download}"` } : {}),
          ...(setCookies.length ? { 'Set-Cookie': setCookies } : {}),
        })
        res.end(method === 'HEAD' ? undefined : outcome.body)
        return
    }
  } catch (error) {
    if (error instanceof Refused) {
      if (method === 'POST') {
        redirect(back, { kind: 'error', text: error.message })
        return
      }
      await sendPage(statusOf(error.code), { title: 'Det gick inte', body: html`<p class="flash flash-error" role="alert">${error.message}</p><p><a href="${homeOf(person, roles)}">Till din startsida</a></p>` })
      return
    }
    // Never a stack trace in the page, and no patient data in the terminal: only the kind of error.
    process.stderr.write(`provkör: ${method} ${url.pathname}: ${error instanceof Error ? error.name : 'error'}\n`)
    try {
      await sendPage(500, { title: 'Något gick fel', body: html`<p>Något gick fel i Provkör. Försök igen, eller välj Börja om.</p>` })
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Något gick fel.')
    }
  }
}

/** Starts the server on 127.0.0.1. Port 0 picks a free one. */
export async function startServer(sandbox: Sandbox, paths: ServerPaths, port: number): Promise<{ server: Server; origin: string; port: number; close: () => Promise<void> }> {
  let actual = port
  // One request at a time, as when the engine was synchronous: a page, "Börja om" (which closes
  // and reopens the database) and a clock move never interleave.
  let turn: Promise<void> = Promise.resolve()
  const server = createServer((req, res) => {
    turn = turn.then(() => handle(sandbox, paths, req, res, () => actual)).catch(() => undefined)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  actual = (server.address() as AddressInfo).port
  return {
    server,
    origin: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
