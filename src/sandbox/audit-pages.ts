// The audit pages: the dataadministratör's "Granskning" (the unit's audit log and the log review)
// and the patient's "Vilka vårdenheter har läst mina uppgifter" (the access-log extract). Both
// read through the engine's own queries, which check the role and log the reading.
import type { AccessLogEntry, ReviewFindingKind, SandboxEngine, StoredAuditEntry } from './engine-adapter.ts'
import { calendar, Refused } from './engine-adapter.ts'
import { personnummerText, swedishTime } from './format.ts'
import { html, type Html } from './html.ts'
import { type PatientPerson, PATIENTS, STAFF, type StaffPerson, unitName } from './people.ts'
import type { PageBody } from './staff-pages.ts'

/** What each logged action did, in words a reviewer understands. Unknown codes show as they are. */
const ACTION_LABELS: Record<string, string> = {
  'start-programme': 'Startade program',
  'start-modules': 'Startade moduler',
  'change-module-closing-date': 'Ändrade stängningsdatum',
  'edit-welcome-text': 'Ändrade välkomsttext',
  'open-step': 'Öppnade steg',
  'submit-form': 'Skickade in formulär',
  'send-message': 'Skickade meddelande',
  'mark-messages-read': 'Markerade meddelanden som lästa',
  'mark-submission-read': 'Öppnade inskickat formulär',
  'set-mobile-number': 'Ändrade mobilnummer',
  'change-responsible': 'Bytte ansvarig behandlare',
  'hand-over': 'Överlämnade program',
  'accept-handover': 'Tog emot program',
  'retain-programme': 'Vidmakthöll program',
  'end-programme': 'Avslutade program',
  'grant-role': 'Gav roll',
  'withdraw-role': 'Tog bort roll',
  'set-notification-preferences': 'Ändrade aviseringar',
  'purge-programmes': 'Gallrade program',
  'patient-programmes': 'Läste sina program',
  'patient-view': 'Läste sitt program',
  messages: 'Läste meddelanden',
  'patient-export': 'Hämtade svar',
  'programme-tree': 'Läste programmet',
  overview: 'Läste översikten',
  events: 'Läste Hantera händelser',
  submission: 'Läste inskickat formulär',
  'list-mine': 'Läste listan Mina',
  'list-unit': 'Läste listan Enhetens',
  'list-ended': 'Läste listan Avslutade',
  'export-ended': 'Exporterade avslutade program',
  'unit-roles': 'Läste rollerna',
  'notification-preferences': 'Läste sina aviseringsval',
  'audit-log': 'Läste granskningsloggen',
  'log-review': 'Läste loggranskningen',
  'access-log': 'Läste sin åtkomstlogg',
  'deliver-flag': 'Skickade avisering',
  'create-unit': 'Skapade enheten',
  'update-content': 'Bytte innehållsversion',
  'audit-gap': 'Lucka i loggen',
}

const FINDING_LABELS: Record<ReviewFindingKind, string> = {
  'own-personnummer': 'Eget personnummer',
  'outside-own-list': 'Inte ansvarig behandlare',
  'after-end': 'Efter att programmet avslutats',
}

/** How many log entries the page shows at most (newest first); the rest are counted. */
export const AUDIT_PAGE_ROWS = 300

function actionLabel(entry: StoredAuditEntry): string {
  // The delivery process reads who a patient's notification goes to: a read of its own kind.
  if (entry.action === 'deliver-flag' && entry.access === 'read') return 'Slog upp mottagaren av en avisering'
  return ACTION_LABELS[entry.action] ?? entry.action
}

/** Who acted, by name when the sandbox knows them. */
function actorLabel(entry: StoredAuditEntry): string {
  if (entry.actorKind === 'system') return `Systemet (${entry.actorId ?? 'okänd process'})`
  if (entry.actorKind === 'patient') return 'Invånaren själv'
  return STAFF.find((s) => s.id === entry.actorId)?.name ?? entry.actorId ?? 'okänd'
}

function patientText(patient: string | null): string {
  if (patient === null) return '–'
  const known = PATIENTS.find((p) => p.personnummer.replace('-', '') === patient)
  return known ? `${known.name} (${known.personnummer})` : personnummerText(patient)
}

/** A period from the page's date fields (Stockholm days, `till` inclusive), or a refusal. */
export function auditPeriod(query: URLSearchParams): { from?: string; to?: string; fromDate: string; toDate: string } {
  const fromDate = (query.get('fran') ?? '').trim()
  const toDate = (query.get('till') ?? '').trim()
  for (const value of [fromDate, toDate]) {
    if (value !== '' && !calendar.isLocalDate(value)) throw new Refused('bad-date', 'Skriv datumen som ÅÅÅÅ-MM-DD.')
  }
  return {
    fromDate,
    toDate,
    ...(fromDate ? { from: calendar.startOfLocalDay(fromDate) } : {}),
    ...(toDate ? { to: calendar.startOfLocalDay(calendar.addDays(toDate, 1)) } : {}),
  }
}

function entryRow(entry: StoredAuditEntry, extra: Html = html``): Html {
  return html`<tr data-action="${entry.action}" data-outcome="${entry.outcome}">
    ${extra}<td>${swedishTime(entry.at)}</td><td>${actorLabel(entry)}</td><td>${actionLabel(entry)}</td>
    <td>${entry.access === 'read' ? 'Läsa' : 'Skriva'}</td>
    <td>${entry.outcome === 'ok' ? 'Ja' : html`<span class="unread">Nej</span> <span class="muted small">(${entry.refusalCode ?? ''})</span>`}</td>
    <td>${patientText(entry.patient)}</td></tr>`
}

export async function auditPage(engine: SandboxEngine, person: StaffPerson, query: URLSearchParams): Promise<PageBody> {
  const period = auditPeriod(query)
  const findings = await engine.logReview(person, period)
  const entries = await engine.auditLog(person, period)
  const shown = entries.slice(-AUDIT_PAGE_ROWS).reverse()
  const head = html`<th scope="col">Tid</th><th scope="col">Vem</th><th scope="col">Vad</th><th scope="col">Läsa/skriva</th><th scope="col">Tillåtet</th><th scope="col">Invånare</th>`
  return {
    title: `Granskning – ${unitName(person.unitId)}`,
    body: html`<p>Enhetens logg över vem som har läst och ändrat uppgifter om invånarna, och de poster som loggranskningen tar fram. Att du läser loggen loggas också.</p>
      <form method="get" action="/granskning" class="inline-form">
        <div class="field"><label for="fran">Från och med</label><input type="date" id="fran" name="fran" value="${period.fromDate}"></div>
        <div class="field"><label for="till">Till och med</label><input type="date" id="till" name="till" value="${period.toDate}"></div>
        <button type="submit" class="secondary">Visa perioden</button>
      </form>
      <section aria-labelledby="granskning-rubrik"><h2 id="granskning-rubrik">Loggranskning</h2>
        <p>Åtkomst till eget personnummer, till program där personen inte var ansvarig behandlare, och åtkomst efter att ett program avslutats.</p>
        ${findings.length === 0 ? html`<p data-findings="0">Inget att granska under perioden.</p>` : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Poster att granska"><table data-findings="${findings.length}"><caption>Att granska (${findings.length})</caption>
          <thead><tr><th scope="col">Varför</th>${head}</tr></thead>
          <tbody>${findings.map((f) => entryRow(f.entry, html`<td data-finding="${f.kind}">${FINDING_LABELS[f.kind]}</td>`))}</tbody></table></div>`}
      </section>
      <section aria-labelledby="logg-rubrik"><h2 id="logg-rubrik">Granskningslogg</h2>
        ${entries.length === 0 ? html`<p>Inga poster under perioden.</p>` : html`<p>${entries.length} poster${entries.length > shown.length ? `, de ${shown.length} senaste visas` : ''}. Nyast först.</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Poster i granskningsloggen"><table class="audit-log"><caption>Poster (${shown.length})</caption>
          <thead><tr>${head}</tr></thead>
          <tbody>${shown.map((e) => entryRow(e))}</tbody></table></div>`}
      </section>`,
  }
}

export async function accessLogPage(engine: SandboxEngine, person: PatientPerson): Promise<PageBody> {
  const accesses: AccessLogEntry[] = [...await engine.accessLog(person)].reverse()
  return {
    title: 'Vilka vårdenheter har läst mina uppgifter',
    body: html`<p>Här ser du när en vårdenhet har läst eller ändrat dina uppgifter i PLUS. Du har rätt att få veta det enligt patientdatalagen. Nyast först.</p>
      ${accesses.length === 0 ? html`<p>Ingen vårdenhet har läst dina uppgifter än.</p>` : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Åtkomst till dina uppgifter"><table class="access-log"><caption>Åtkomst till dina uppgifter (${accesses.length})</caption>
        <thead><tr><th scope="col">Tid</th><th scope="col">Vårdenhet</th><th scope="col">Läst eller ändrat</th></tr></thead>
        <tbody>${accesses.map((a) => html`<tr data-unit="${a.unitId}"><td>${swedishTime(a.at)}</td><td>${a.unitName ?? unitName(a.unitId)}</td><td>${a.access === 'read' ? 'Läst' : 'Ändrat'}</td></tr>`)}</tbody></table></div>`}
      <p class="muted small">Uppgifter om enskilda medarbetare visas inte här. Vill du veta mer, kontakta vårdenheten.</p>`,
  }
}
