#!/usr/bin/env node
// `npm run demo`: plays the seed's four usage examples of PLUS against a fresh database file
// with a simulated clock, and prints what the clinicians see and every flag as it fires.
// The only file of the engine work that prints.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type Actor,
  addDays,
  createEngine,
  type Engine,
  EngineRefusal,
  END_REASONS,
  type FlagNotification,
  localDate,
  localTime,
  luhnCheckDigit,
  openSqliteStore,
  ROLE_LABELS,
  startOfLocalDay,
  type SubmissionView,
} from '../src/engine/index.ts'
import type { Answers } from '../src/scoring/index.ts'
import type { FormBlock, PlusBundle } from '../src/types/bundle.generated.ts'
import { sampleAnswers } from './sample-answers.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = (line = ''): void => void process.stdout.write(`${line}\n`)

// ── The bundle ────────────────────────────────────────────────────────────────────────────
function loadBundle(): PlusBundle {
  const build = spawnSync(process.execPath, [join(root, 'scripts/plus.ts'), 'build'], { cwd: root, encoding: 'utf8' })
  const path = join(root, 'dist/bundle/plus.json')
  if (build.status !== 0 || !existsSync(path)) {
    process.stderr.write(build.stdout ?? '')
    process.stderr.write(build.stderr ?? '')
    process.stderr.write('\nThe demo needs the compiled bundle, but `node scripts/plus.ts build` failed (see above).\n')
    process.stderr.write('Fix the content or the compiler and run `npm run demo` again.\n')
    process.exit(1)
  }
  return JSON.parse(readFileSync(path, 'utf8')) as PlusBundle
}

// ── The simulated clock ───────────────────────────────────────────────────────────────────
const FIRST_DAY = '2025-03-03' // a Monday; summer time starts on day 27 (30 March)
const LAST_DAY = 130 // the last programme ends on day 99; purging waits 30 days after the end
let now = new Date(`${startOfLocalDay(FIRST_DAY)}`)

/** The instant a Stockholm wall-clock time falls on, on a demo day. */
function at(day: number, time: string): Date {
  const date = addDays(FIRST_DAY, day)
  const midnight = Date.parse(startOfLocalDay(date))
  const [h = 0, m = 0] = time.split(':').map(Number)
  // Try the plain sum, then an hour either way, to land on the wall-clock time across a change.
  for (const shift of [0, -1, 1]) {
    const candidate = new Date(midnight + ((h + shift) * 60 + m) * 60_000)
    if (localTime(candidate) === time && localDate(candidate) === date) return candidate
  }
  throw new Error(`No ${time} on ${date}`)
}

const dayOf = (iso: string | Date): number =>
  Math.round((Date.parse(`${localDate(iso)}T00:00:00Z`) - Date.parse(`${FIRST_DAY}T00:00:00Z`)) / 86_400_000)

// ── People ────────────────────────────────────────────────────────────────────────────────
const UNITS = { solna: 'vc-solna', sundbyberg: 'vc-sundbyberg' }
const PEOPLE: Record<string, string> = {
  'hsa-admin': 'Maria (administratör)',
  'hsa-anna': 'Anna (sjuksköterska)',
  'hsa-bo': 'Bo (psykolog)',
  'hsa-cecilia': 'Cecilia (kurator)',
  'hsa-inv': 'Ingrid (invånaradministratör)',
  'hsa-data': 'Dag (dataadministratör)',
  'hsa-admin2': 'Mats (administratör)',
  'hsa-david': 'David (psykolog)',
  'hsa-inv2': 'Irene (invånaradministratör)',
  'hsa-data2': 'Dora (dataadministratör)',
}
/** A staff actor; their SITHS identity carries a personnummer (here a test number of the 1990-01-01 series). */
const staff = (userId: string, unitId = UNITS.solna): Actor => {
  let serial = 0
  for (const char of userId) serial = (serial * 31 + char.charCodeAt(0)) % 800
  const nine = `900101${String(100 + serial).padStart(3, '0')}`
  return { kind: 'staff', userId, unitId, personnummer: `19900101-${nine.slice(6)}${luhnCheckDigit(nine)}` }
}
const ANNA = staff('hsa-anna')
const BO = staff('hsa-bo')
const CECILIA = staff('hsa-cecilia')
const INGRID = staff('hsa-inv')
const DAG = staff('hsa-data')
const DAVID = staff('hsa-david', UNITS.sundbyberg)
const IRENE = staff('hsa-inv2', UNITS.sundbyberg)
const DORA = staff('hsa-data2', UNITS.sundbyberg)
const who = (userId: string | null): string => (userId ? (PEOPLE[userId] ?? userId) : '–')

// Skatteverket's test personnummer (the 1912-12-12 series).
const PATIENTS = {
  oro: '19121212-1212',
  angest: '19121212-1220',
  nedstamdhet: '19121212-1238',
  stress: '19121212-1246',
}
const patient = (personnummer: string): Actor => ({ kind: 'patient', personnummer })

// ── Printing ──────────────────────────────────────────────────────────────────────────────
function stamp(): string {
  return `dag ${String(dayOf(now)).padStart(3)} · ${localDate(now)} ${localTime(now)}`
}
function say(text: string): void {
  out(`  ${stamp()}  ${text}`)
}
const caseOf = new Map<string, string>()
function printFlags(flags: FlagNotification[]): void {
  for (const f of flags) {
    const to = f.recipient === 'patient' ? 'invånaren' : who(f.recipientRef)
    const module = f.moduleId ? ` (modul ${f.moduleId})` : ''
    say(`⚑ FLAGGA "${f.title}"${module} → ${to} via ${f.channels.join(' + ')}  [${caseOf.get(f.programmeId) ?? f.programmeId}]`)
  }
}

async function printOverview(engine: Engine, actor: Actor, programmeId: string): Promise<void> {
  const o = await engine.query(actor, { type: 'overview', programmeId })
  out(`      Information om momentet: startat ${o.startedOn}, dag ${o.day}, ${o.daysLeft} dagar kvar av 90,`)
  out(`        ansvarig ${who(o.responsibleUserId)}, senast aktiv ${o.lastActiveAt ? `${localDate(o.lastActiveAt)} ${localTime(o.lastActiveAt)}` : 'inte än'}` +
    `${o.mobileNumber ? `, mobil ${o.mobileNumber}` : ''}`)
}

async function printTree(engine: Engine, actor: Actor, programmeId: string): Promise<void> {
  const tree = await engine.query(actor, { type: 'programme-tree', programmeId })
  const started = tree.modules.filter((m) => m.status !== 'upcoming')
  const upcoming = tree.modules.filter((m) => m.status === 'upcoming').map((m) => m.title)
  out(`      Startade moduler:${started.length === 0 ? ' inga' : ''}`)
  for (const m of started) {
    const steps = m.sections.flatMap((s) => s.steps)
    const marks = steps.map((s) => (s.form?.submittedAt ? '◉' : s.openedAt ? '●' : '○')).join('')
    const opened = steps.filter((s) => s.openedAt).length
    const forms = steps.filter((s) => s.form)
    out(`        ${m.title} (${m.status === 'open' ? `stänger ${m.closesOn}` : 'stängd'}): ${marks}  ${opened}/${steps.length} steg öppnade, ` +
      `${forms.filter((s) => s.form?.submittedAt).length}/${forms.length} formulär ifyllda`)
  }
  out(`      Kommande moduler: ${upcoming.join(', ') || 'inga'}`)
}

async function printEvents(engine: Engine, actor: Actor, programmeId: string): Promise<void> {
  const e = await engine.query(actor, { type: 'events', programmeId })
  out(`      Hantera händelser: ${e.submissions.length} formulär (${e.unreadSubmissions} olästa), ` +
    `${e.messages.total} meddelanden (${e.messages.unreadFromPatient} olästa från invånaren)`)
  for (const s of e.submissions) {
    const top = s.inTopBand ? '  ⚠ i formulärets högsta nivå' : ''
    const alerts = s.alerts.length ? `  ⚠ svar att uppmärksamma: ${s.alerts.map((a) => `”${a.prompt}”`).join(', ')}` : ''
    out(`        ${s.read ? '  ' : '● '}${s.formTitle} – inskickat ${localDate(s.submittedAt)}${s.score !== null ? `, ${s.score} poäng (${s.bandLabel})` : ''}${top}${alerts}`)
  }
}

async function printWelcome(engine: Engine, actor: Actor, programmeId: string): Promise<void> {
  const { welcome } = await engine.query(actor, { type: 'patient-view', programmeId })
  const lines = welcome.text.split('\n').filter((line) => line.trim() !== '')
  out(welcome.kind === 'default'
    ? `      Invånaren ser programmets välkomsttext, formaterad (${welcome.html.length} tecken HTML): ”${lines[0]}” …`
    : `      Invånaren ser behandlarens välkomsttext som ren text (${welcome.text.length} tecken): … ”${lines.at(-1)}”`)
}

function printSubmission(view: SubmissionView): void {
  const range = view.scoreRange ? ` av ${view.scoreRange.max}` : ''
  out(`      Öppnar "${view.formTitle}"${view.score !== null ? `: ${view.score}${range} poäng – ${view.band?.label}` : ''}${view.inTopBand ? ' ⚠ (högsta nivån)' : ''}`)
  // Alerted answers first, so the clinician sees them whatever the score.
  const answers = [...view.answers].sort((a, b) => Number(b.alert) - Number(a.alert))
  for (const a of answers.slice(0, 4)) out(`        ${a.alert ? '⚠' : '·'} ${a.prompt} → ${a.display}`)
  if (answers.length > 4) out(`        · … och ${answers.length - 4} svar till`)
}

async function printList(engine: Engine, actor: Actor, type: 'list-mine' | 'list-unit' | 'list-ended', title: string): Promise<void> {
  const rows = await engine.query(actor, { type })
  out(`      ${title} (${rows.length}):`)
  for (const r of rows) {
    const pnr = `${r.personnummer.slice(0, 8)}-${r.personnummer.slice(8)}`
    const state = r.status === 'ended' ? `avslutat ${r.endedAt ? localDate(r.endedAt) : ''} (${r.endReason ? END_REASONS[r.endReason].toLowerCase() : ''})` : `${r.daysLeft} dagar kvar`
    out(`        ${r.responsibleIsActor ? '▸' : ' '} ${pnr}  ${caseOf.get(r.programmeId) ?? r.programmeId}  ${state}, ansvarig ${who(r.responsibleUserId)}` +
      `${r.unreadSubmissions + r.unreadMessages > 0 ? `, ${r.unreadSubmissions} olästa formulär, ${r.unreadMessages} olästa meddelanden` : ''}`)
  }
}

// ── Answers from the real forms ───────────────────────────────────────────────────────────
/** Answers to every question of a form: option `level` (0–3) for scales, a text where asked. */
function answer(form: FormBlock, level: number, texts: Record<string, string> = {}): Answers {
  return sampleAnswers(form, level, (q) => texts[q.id] ?? (q.required ? 'Det här skrev jag i övningen.' : null))
}

// ── The scenario ──────────────────────────────────────────────────────────────────────────
interface Action {
  day: number
  time: string
  run: () => void
}

async function main(): Promise<void> {
  const bundle = loadBundle()
  const dir = mkdtempSync(join(tmpdir(), 'plus-demo-'))
  const dbPath = join(dir, 'plus.db')
  const store = openSqliteStore({ path: dbPath })
  const engine = await createEngine({ store, bundle, clock: () => new Date(now) })
  const form = (id: string): FormBlock => {
    const entry = engine.content.forms.get(id)
    if (!entry) throw new Error(`The bundle has no form ${id}`)
    return entry.form
  }

  out(`PLUS – demo av programmotorn`)
  out(`Innehåll: ${bundle.programme.title} ${bundle.programme.version}, ${bundle.programme.modules.length} moduler, ${bundle.programme.durationDays} dagar`)
  out(`Databas: ${dbPath} (ny fil)`)
  out(`Klocka: simulerad, från ${FIRST_DAY} (dag 0) till dag ${LAST_DAY}; sommartid börjar 2025-03-30 (dag 27).`)
  out(`Flaggor skickas mellan 08:00 och 20:00; schemaläggaren körs varje morgon kl. 08:00. ● öppnat steg, ◉ ifyllt formulär, ○ inte öppnat.`)
  out()

  now = at(0, '08:00')
  await engine.createUnit({ unitId: UNITS.solna, name: 'Vårdcentralen Solna' }, 'hsa-admin')
  await engine.createUnit({ unitId: UNITS.sundbyberg, name: 'Vårdcentralen Sundbyberg' }, 'hsa-admin2')
  const grants: [string, string, 'behandlare' | 'invanaradministrator' | 'dataadministrator'][] = [
    [UNITS.solna, 'hsa-anna', 'behandlare'],
    [UNITS.solna, 'hsa-bo', 'behandlare'],
    [UNITS.solna, 'hsa-cecilia', 'behandlare'],
    [UNITS.solna, 'hsa-inv', 'invanaradministrator'],
    [UNITS.solna, 'hsa-data', 'dataadministrator'],
    [UNITS.sundbyberg, 'hsa-david', 'behandlare'],
    [UNITS.sundbyberg, 'hsa-inv2', 'invanaradministrator'],
    [UNITS.sundbyberg, 'hsa-data2', 'dataadministrator'],
  ]
  out('Behörigheter (behörighetsadministratören fördelar roller):')
  for (const [unitId, userId, role] of grants) {
    const admin = staff(unitId === UNITS.solna ? 'hsa-admin' : 'hsa-admin2', unitId)
    await engine.execute(admin, { type: 'grant-role', userId, role })
    out(`  ${who(userId)}: ${ROLE_LABELS[role]} på ${unitId}`)
  }
  await engine.execute(CECILIA, { type: 'set-notification-preferences', email: true, sms: true })
  await engine.execute(DAVID, { type: 'set-notification-preferences', email: false, sms: true })
  out(`  Min profil: ${who('hsa-cecilia')} vill ha aviseringar via e-post och sms, ${who('hsa-david')} via sms; övriga via e-post.`)
  out()

  const ids: Record<keyof typeof PATIENTS, string> = { oro: '', angest: '', nedstamdhet: '', stress: '' }
  const submissionIds: string[] = []
  /** The version a clinician's screen shows (from the overview), sent back with commands that change the programme. */
  const versionOf = async (actor: Actor, programmeId: string): Promise<number> => (await engine.query(actor, { type: 'overview', programmeId })).version
  const exec = async (actor: Actor, command: Parameters<Engine['execute']>[1]) => {
    const result = await engine.execute(actor, command)
    for (const e of result.events) if (e.type === 'form-submitted') submissionIds.push(e.submissionId)
    printFlags(result.flags)
    return result
  }
  const start = async (key: keyof typeof PATIENTS, label: string, actor: Actor, modules: { moduleId: string; closesOn?: string }[]) => {
    const started = await engine.execute(actor, { type: 'start-programme', personnummer: PATIENTS[key] })
    ids[key] = started.programmeId ?? ''
    caseOf.set(ids[key], label)
    const titles = modules.map((m) => engine.content.modules.get(m.moduleId)?.title).join(', ')
    say(`${who(actor.kind === 'staff' ? actor.userId : null)} startar PLUS för ${PATIENTS[key]} och modulen ${titles}.`)
    printFlags(started.flags)
    await exec(actor, { type: 'start-modules', programmeId: ids[key], modules, expectedVersion: await versionOf(actor, ids[key]) })
  }
  const open = async (key: keyof typeof PATIENTS, ...stepIds: string[]) => {
    for (const stepId of stepIds) await exec(patient(PATIENTS[key]), { type: 'open-step', programmeId: ids[key], stepId })
    say(`Invånaren [${caseOf.get(ids[key])}] öppnar ${stepIds.length} steg.`)
  }
  const submit = async (key: keyof typeof PATIENTS, formId: string, level: number, texts?: Record<string, string>) => {
    const f = form(formId)
    await exec(patient(PATIENTS[key]), { type: 'submit-form', programmeId: ids[key], formId, answers: answer(f, level, texts) })
    say(`Invånaren [${caseOf.get(ids[key])}] skickar in "${f.title}".`)
  }
  const closesOn = (day: number) => addDays(FIRST_DAY, day)

  const actions: Action[] = [
    // 1. Självhjälp: lindrig oro, Oro som självhjälp utan uppföljning.
    { day: 0, time: '09:00', run: async () => {
      out('  ── Exempel 1: Självhjälp – lindrig oro, modulen Oro ──')
      await start('oro', 'Självhjälp/Oro', ANNA, [{ moduleId: 'oro', closesOn: closesOn(60) }])
      await printWelcome(engine, patient(PATIENTS.oro), ids.oro)
      await exec(ANNA, { type: 'edit-welcome-text', programmeId: ids.oro, text: `${bundle.programme.welcome.text}\n\nHälsningar från Vårdcentralen Solna. Hör av dig om besvären inte går över.`, expectedVersion: await versionOf(ANNA, ids.oro) })
      say(`${who('hsa-anna')} lägger till mottagningens hälsning i välkomsttexten.`)
      await printWelcome(engine, patient(PATIENTS.oro), ids.oro)
      await printOverview(engine, ANNA, ids.oro)
    } },
    { day: 1, time: '19:30', run: () => open('oro', 'oro-tankar-om-framtiden', 'oro-oro-eller-problemlosning') },
    { day: 2, time: '20:10', run: async () => { await open('oro', 'oro-tank-om-tankar', 'oro-kartlaggning'); await submit('oro', 'oro-kartlaggning-form', 1) } },
    { day: 3, time: '21:00', run: () => open('oro', 'oro-osakerhet') },
    { day: 12, time: '18:45', run: async () => {
      await open('oro', 'oro-som-undvikande', 'oro-losbar-eller-inte', 'oro-orostid', 'oro-orosdagbok')
      await submit('oro', 'oro-orosdagbok-form', 2, { 'nar-orostid': 'Klockan 18 efter middagen', 'vad-oroar': 'Jobbet' })
      await exec(patient(PATIENTS.oro), { type: 'send-message', programmeId: ids.oro, text: 'Orostiden hjälper, tack!' })
      say('Invånaren [Självhjälp/Oro] skriver ett meddelande till sin behandlare.')
    } },
    { day: 13, time: '08:30', run: async () => {
      say(`${who('hsa-anna')} loggar in.`)
      await printList(engine, ANNA, 'list-mine', 'Mina')
      await printTree(engine, ANNA, ids.oro)
      await printEvents(engine, ANNA, ids.oro)
      const assessment = (await engine.query(ANNA, { type: 'events', programmeId: ids.oro })).submissions.find((s) => s.score !== null)
      if (assessment) printSubmission(await engine.openSubmission(ANNA, ids.oro, assessment.submissionId))
      await exec(ANNA, { type: 'mark-messages-read', programmeId: ids.oro })
      await exec(ANNA, { type: 'send-message', programmeId: ids.oro, text: 'Vad bra! Fortsätt i din egen takt.' })
      say(`${who('hsa-anna')} läser meddelandet och svarar.`)
    } },

    // 2. Del i rådgivning: måttlig ångest, Ångest med återbesök.
    { day: 1, time: '10:00', run: async () => {
      out('  ── Exempel 2: Del i rådgivning – måttlig ångest, modulen Ångest och återbesök dag 28 ──')
      await start('angest', 'Rådgivning/Ångest', BO, [{ moduleId: 'angest', closesOn: closesOn(29) }])
    } },
    { day: 2, time: '17:00', run: () => open('angest', 'angest-ett-normalt-larm', 'angest-kroppens-reaktioner', 'angest-tankar-kanslor-handlingar') },
    { day: 4, time: '18:00', run: async () => { await open('angest', 'angest-kartlaggning'); await submit('angest', 'angest-kartlaggning-form', 2) } },
    { day: 9, time: '19:00', run: () => open('angest', 'angest-kurvan', 'angest-undvikande', 'angest-sakerhetsbeteenden', 'angest-panik', 'angest-exponering', 'angest-trappan') },
    { day: 15, time: '20:00', run: async () => {
      await open('angest', 'angest-min-trappa')
      await submit('angest', 'angest-min-trappa-form', 2, { 'mitt-mal': 'Åka buss till jobbet', 'min-trappa': '1. En hållplats 2. Tre hållplatser 3. Hela vägen', 'forsta-ovning': 'En hållplats på söndag' })
      await exec(patient(PATIENTS.angest), { type: 'send-message', programmeId: ids.angest, text: 'Ska jag öva varje dag?' })
      say('Invånaren [Rådgivning/Ångest] skriver en fråga inför återbesöket.')
    } },
    { day: 28, time: '14:00', run: async () => {
      say(`Återbesök: ${who('hsa-bo')} och invånaren går igenom utfallet.`)
      await printOverview(engine, BO, ids.angest)
      await printTree(engine, BO, ids.angest)
      await printEvents(engine, BO, ids.angest)
      for (const s of (await engine.query(BO, { type: 'events', programmeId: ids.angest })).submissions) {
        printSubmission(await engine.openSubmission(BO, ids.angest, s.submissionId))
      }
      await exec(BO, { type: 'mark-messages-read', programmeId: ids.angest })
      await exec(BO, { type: 'send-message', programmeId: ids.angest, text: 'Som vi sa: öva några gånger i veckan.' })
      const download = await engine.query(patient(PATIENTS.angest), { type: 'patient-export', programmeId: ids.angest })
      say(`Invånaren laddar ner sina svar (${download.submissions.length} formulär, ${download.messages.length} meddelanden) innan programmet avslutas.`)
      await exec(BO, { type: 'end-programme', programmeId: ids.angest, reason: 'completed', expectedVersion: await versionOf(BO, ids.angest) })
      say(`${who('hsa-bo')} avslutar programmet: ”Invånaren har slutfört programmet”.`)
      try {
        await engine.query(patient(PATIENTS.angest), { type: 'patient-view', programmeId: ids.angest })
      } catch (error) {
        if (!(error instanceof EngineRefusal)) throw error
        say(`Invånaren loggar in: ”${error.refusal.message}”`)
      }
    } },

    // 3. Psykoedukativ del av psykologisk behandling: Nedstämdhet.
    { day: 2, time: '11:00', run: async () => {
      out('  ── Exempel 3: Del av psykologisk behandling – depression, modulen Nedstämdhet ──')
      await start('nedstamdhet', 'Behandling/Nedstämdhet', CECILIA, [{ moduleId: 'nedstamdhet' }])
    } },
    { day: 3, time: '09:15', run: async () => {
      await exec(patient(PATIENTS.nedstamdhet), { type: 'set-mobile-number', programmeId: ids.nedstamdhet, mobileNumber: '070-174 06 05' })
      await open('nedstamdhet', 'nedstamdhet-valkommen', 'nedstamdhet-vad-ar-nedstamdhet', 'nedstamdhet-spiralen', 'nedstamdhet-kartlaggning')
      await submit('nedstamdhet', 'nedstamdhet-kartlaggning-form', 3)
    } },
    { day: 4, time: '08:30', run: async () => {
      say(`${who('hsa-cecilia')} loggar in; en skattning ligger i formulärets högsta nivå och öppnas först.`)
      await printEvents(engine, CECILIA, ids.nedstamdhet)
      for (const s of (await engine.query(CECILIA, { type: 'events', programmeId: ids.nedstamdhet })).submissions.filter((x) => x.inTopBand && !x.read)) {
        printSubmission(await engine.openSubmission(CECILIA, ids.nedstamdhet, s.submissionId))
      }
      await exec(CECILIA, { type: 'send-message', programmeId: ids.nedstamdhet, text: 'Tack för dina svar. Jag ringer dig i dag för att prata om hur du mår.' })
      say(`${who('hsa-cecilia')} skriver till invånaren och ringer upp samma dag.`)
    } },
    { day: 10, time: '20:00', run: async () => { await open('nedstamdhet', 'nedstamdhet-beteendeaktivering', 'nedstamdhet-registrera'); await submit('nedstamdhet', 'nedstamdhet-registrera-form', 1) } },
    { day: 24, time: '20:00', run: async () => { await open('nedstamdhet', 'nedstamdhet-vad-ar-viktigt', 'nedstamdhet-aktivitetsplan'); await submit('nedstamdhet', 'nedstamdhet-aktivitetsplan-form', 1, { aktiviteter: 'Promenad med grannen', 'forsta-steg': 'Ringa grannen på måndag' }) } },
    { day: 25, time: '08:00', run: async () => {
      say(`${who('hsa-cecilia')} förbereder nästa samtal.`)
      await printOverview(engine, CECILIA, ids.nedstamdhet)
      await printEvents(engine, CECILIA, ids.nedstamdhet)
      for (const s of (await engine.query(CECILIA, { type: 'events', programmeId: ids.nedstamdhet })).submissions.filter((x) => !x.read)) {
        await engine.openSubmission(CECILIA, ids.nedstamdhet, s.submissionId)
      }
    } },
    { day: 45, time: '10:00', run: async () => {
      await exec(INGRID, { type: 'change-responsible', programmeId: ids.nedstamdhet, responsibleUserId: 'hsa-bo', expectedVersion: await versionOf(INGRID, ids.nedstamdhet) })
      say(`${who('hsa-cecilia')} går på ledighet; ${who('hsa-inv')} gör ${who('hsa-bo')} till ansvarig behandlare.`)
    } },
    { day: 92, time: '10:00', run: async () => {
      await exec(BO, { type: 'retain-programme', programmeId: ids.nedstamdhet, until: closesOn(99), expectedVersion: await versionOf(BO, ids.nedstamdhet) })
      say(`${who('hsa-bo')} vidmakthåller programmet till ${closesOn(99)}: invånaren kan bara läsa.`)
      try {
        await exec(patient(PATIENTS.nedstamdhet), { type: 'send-message', programmeId: ids.nedstamdhet, text: 'Hej igen' })
      } catch (error) {
        if (!(error instanceof EngineRefusal)) throw error
        say(`Invånaren försöker skriva: ”${error.refusal.message}”`)
      }
    } },
    { day: 99, time: '09:00', run: async () => {
      await exec(BO, { type: 'end-programme', programmeId: ids.nedstamdhet, reason: 'other-care', expectedVersion: await versionOf(BO, ids.nedstamdhet) })
      say(`${who('hsa-bo')} avslutar programmet: ”Invånaren får annan vård eller behandling”.`)
    } },

    // 4. Komplement till annan behandling: stressrelaterad ohälsa, Oro som komplement.
    { day: 5, time: '13:00', run: async () => {
      out('  ── Exempel 4: Komplement – behandling för stressrelaterad ohälsa, modulen Oro ──')
      await start('stress', 'Komplement/Oro', ANNA, [{ moduleId: 'oro' }])
    } },
    { day: 6, time: '07:30', run: () => open('stress', 'oro-tankar-om-framtiden', 'oro-oro-eller-problemlosning', 'oro-somn') },
    { day: 20, time: '11:00', run: async () => {
      await exec(ANNA, { type: 'hand-over', programmeId: ids.stress, toUnitId: UNITS.sundbyberg, expectedVersion: await versionOf(ANNA, ids.stress) })
      say(`Invånaren flyttar; ${who('hsa-anna')} överlämnar programmet till Vårdcentralen Sundbyberg.`)
      await printList(engine, IRENE, 'list-unit', 'Alla på Vårdcentralen Sundbyberg')
      await exec(IRENE, { type: 'accept-handover', programmeId: ids.stress, responsibleUserId: 'hsa-david', expectedVersion: await versionOf(IRENE, ids.stress) })
      say(`${who('hsa-inv2')} tar emot programmet och utser ${who('hsa-david')} till ansvarig.`)
    } },
    { day: 30, time: '21:00', run: async () => { await open('stress', 'oro-kartlaggning'); await submit('stress', 'oro-kartlaggning-form', 1) } },
    { day: 95, time: '09:00', run: async () => {
      await printOverview(engine, DAVID, ids.stress)
      await exec(DAVID, { type: 'end-programme', programmeId: ids.stress, reason: 'completed', expectedVersion: await versionOf(DAVID, ids.stress) })
      say(`${who('hsa-david')} avslutar programmet.`)
    } },

    // Slutet: avslutade program, export och gallring.
    { day: 90, time: '16:00', run: async () => {
      await exec(ANNA, { type: 'end-programme', programmeId: ids.oro, reason: 'completed', expectedVersion: await versionOf(ANNA, ids.oro) })
      say(`${who('hsa-anna')} har meddelat invånaren och avslutar [Självhjälp/Oro].`)
    } },
    { day: 100, time: '10:00', run: async () => {
      out('  ── Avslutade program, export och gallring ──')
      await printList(engine, DAG, 'list-ended', 'Avslutade på Vårdcentralen Solna')
      const csv = await engine.query(DAG, { type: 'export-ended', format: 'csv' })
      const json = await engine.query(DAG, { type: 'export-ended', format: 'json' })
      say(`${who('hsa-data')} exporterar: ${csv.fileName} (${csv.body.trimEnd().split('\r\n').length - 1} rader), ${json.fileName} (${json.body.length} tecken).`)
      const early = (await engine.query(DAG, { type: 'list-ended' })).map((r) => r.programmeId)
      try {
        await exec(DAG, { type: 'purge-programmes', programmeIds: early })
      } catch (error) {
        if (!(error instanceof EngineRefusal)) throw error
        say(`${who('hsa-data')} försöker gallra: ”${error.refusal.message}”`)
      }
    } },
    { day: LAST_DAY, time: '10:00', run: async () => {
      const solna = (await engine.query(DAG, { type: 'list-ended' })).map((r) => r.programmeId)
      await exec(DAG, { type: 'purge-programmes', programmeIds: solna })
      say(`${who('hsa-data')} gallrar ${solna.length} program.`)
      const sundbyberg = (await engine.query(DORA, { type: 'list-ended' })).map((r) => r.programmeId)
      await exec(DORA, { type: 'purge-programmes', programmeIds: sundbyberg })
      say(`${who('hsa-data2')} gallrar ${sundbyberg.length} program.`)
      await printList(engine, DAG, 'list-ended', 'Avslutade på Vårdcentralen Solna')
    } },
  ]

  for (let day = 0; day <= LAST_DAY; day++) {
    now = at(day, '08:00')
    const run = await engine.deliverDueFlags()
    printFlags(run.delivered)
    for (const failure of run.failed) say(`Flaggan ${failure.flagId} kunde inte levereras; nytt försök vid nästa körning.`)
    for (const action of actions.filter((a) => a.day === day).sort((a, b) => a.time.localeCompare(b.time))) {
      now = at(day, action.time)
      action.run()
    }
  }

  out()
  const audit = await store.listAudit()
  const byAction = new Map<string, number>()
  for (const e of audit) byAction.set(e.action, (byAction.get(e.action) ?? 0) + 1)
  out(`Granskningsloggen: ${audit.length} poster (${audit.filter((e) => e.access === 'read').length} läsningar, ` +
    `${audit.filter((e) => e.outcome === 'refused').length} nekade). Vanligast: ` +
    [...byAction].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([a, n]) => `${a} ${n}`).join(', '))
  out(`Utkorgen: ${(await store.listOutbox()).length} aviseringar kvar (gallrade programs aviseringar är borttagna).`)
  out(`Kvar i databasen efter gallring: ${(await store.listProgrammes({})).length} program.`)
  await engine.close()
  out(`Databasfilen finns kvar för granskning: ${dbPath}`)
}

await main()
