// The pages of the care unit's staff: the lists, starting a programme, the programme page with
// "Information om momentet", the module tree and the three choices at the bottom, "Hantera
// händelser", one submitted form, the roles of the unit and "Min profil".
import type { SandboxEngine, ProgrammeListRow, SubmissionView } from './engine-adapter.ts'
import { END_REASONS, PURGE_GRACE_DAYS, Refused, ROLE_LABELS, type Role } from './engine-adapter.ts'
import { bandLevelLabel, days, longDate, moduleStatusLabel, personnummerText, shortTime, statusLabel, stepKindLabel, swedishTime } from './format.ts'
import { keyField, versionField } from './form-guard.ts'
import { html, type Html, trusted } from './html.ts'
import { PATIENTS, STAFF, type StaffPerson, staffName, unitName, UNITS } from './people.ts'

export interface PageBody {
  title: string
  body: Html
}

export type ListKind = 'mina' | 'enhetens' | 'avslutade'

const LIST_TITLES: Record<ListKind, string> = { mina: 'Mina', enhetens: 'Enhetens', avslutade: 'Avslutade' }

export function patientLabel(personnummer: string): string {
  const p = PATIENTS.find((x) => x.personnummer.replace('-', '') === personnummer.replace(/\D/g, ''))
  return p ? `${p.name} (${p.personnummer})` : personnummerText(personnummer)
}

function programmeLink(row: ProgrammeListRow): Html {
  return html`<a href="/program/${row.programmeId}">${patientLabel(row.personnummer)}</a>`
}

export async function listPage(engine: SandboxEngine, person: StaffPerson, roles: readonly Role[], which: ListKind): Promise<PageBody> {
  const rows =
    which === 'mina' ? await engine.myProgrammes(person) : which === 'enhetens' ? await engine.unitProgrammes(person) : await engine.endedProgrammes(person)
  const title = `${LIST_TITLES[which]} – ${unitName(person.unitId)}`
  const dataAdmin = which === 'avslutade' && roles.includes('dataadministrator')
  const intro =
    which === 'mina'
      ? 'Program där du är ansvarig behandlare.'
      : which === 'enhetens'
        ? 'Enhetens pågående program, och program som väntar på att tas emot efter en överlämning.'
        : `Avslutade program.${dataAdmin ? ` Ett avslutat program får gallras först ${days(PURGE_GRACE_DAYS)} efter att det avslutades, så att ett misstag hinner upptäckas. Välj de program som ska gallras.` : ' Program där du var ansvarig står i fetstil.'}`
  if (rows.length === 0) return { title, body: html`<p>${intro}</p><p>Inga program här.</p>` }
  // A table may scroll sideways on a phone: the wrapper is a named, focusable region for keyboards.
  const table = html`<div class="table-wrap" tabindex="0" role="region" aria-label="${LIST_TITLES[which]}"><table>
    <caption>${LIST_TITLES[which]} (${rows.length})</caption>
    <thead><tr>${dataAdmin ? html`<th scope="col">Gallra</th><th scope="col">Får gallras från</th>` : ''}<th scope="col">Invånare</th><th scope="col">Status</th><th scope="col">Startat</th><th scope="col">${which === 'avslutade' ? 'Avslutat' : 'Dagar kvar'}</th><th scope="col">Ansvarig</th><th scope="col">Olästa</th></tr></thead>
    <tbody>${rows.map(
      (r) => html`<tr${r.responsibleIsActor ? html` class="unread"` : ''}>
        ${dataAdmin ? purgeCells(engine, r) : ''}
        <th scope="row">${roles.includes('behandlare') || roles.includes('invanaradministrator') ? programmeLink(r) : patientLabel(r.personnummer)}</th>
        <td>${statusLabel[r.status]}${r.pendingHandover ? ' – väntar på mottagning' : ''}</td>
        <td>${longDate(r.startedOn)}</td>
        <td>${which === 'avslutade' ? (r.endedAt ? html`${shortTime(r.endedAt)}${r.endReason ? html`<br><span class="muted">${END_REASONS[r.endReason]}</span>` : ''}` : '–') : days(r.daysLeft)}</td>
        <td>${staffName(r.responsibleUserId)}</td>
        <td>${r.unreadSubmissions + r.unreadMessages > 0 ? html`<span class="unread">${r.unreadSubmissions} formulär, ${r.unreadMessages} meddelanden</span>` : '–'}</td>
      </tr>`,
    )}</tbody></table></div>`
  if (!dataAdmin) return { title, body: html`<p>${intro}</p>${table}` }
  return {
    title,
    body: html`<p>${intro}</p>
      <form method="post" action="/gallra">${table}<button type="submit">Gallra valda moment</button></form>
      <h2>Exportera</h2>
      <p>Hämta enhetens avslutade program med svar och meddelanden innan de gallras.</p>
      <ul class="actions"><li><a href="/export/avslutade.csv" download>Exportera som CSV</a></li><li><a href="/export/avslutade.json" download>Exportera som JSON</a></li></ul>`,
  }
}

/** The dataadministratör's two cells: a checkbox once the grace period is over, and the first day it is. */
function purgeCells(engine: SandboxEngine, r: ProgrammeListRow): Html {
  if (!r.endedAt) return html`<td>–</td><td>–</td>`
  const from = engine.purgeAllowedFrom(r.endedAt)
  const box = engine.mayPurge(r.endedAt)
    ? html`<input type="checkbox" name="program" value="${r.programmeId}" id="gallra-${r.programmeId}" aria-label="Gallra programmet för ${patientLabel(r.personnummer)}">`
    : html`<span class="muted">Inte än</span>`
  return html`<td>${box}</td><td data-purge-from="${from}">${longDate(from)}</td>`
}

export async function purgeConfirmPage(engine: SandboxEngine, person: StaffPerson, ids: string[]): Promise<PageBody> {
  // Only what may be purged today is offered; the engine refuses the rest anyway (purge-too-early).
  const rows = (await engine.endedProgrammes(person)).filter((r) => ids.includes(r.programmeId) && r.endedAt !== null && engine.mayPurge(r.endedAt))
  if (rows.length === 0) throw new Refused('nothing-chosen', 'Inget av de valda programmen får gallras än. Listan visar från vilken dag de får gallras.')
  return {
    title: 'Bekräfta gallring',
    body: html`<p>Du gallrar ${rows.length} ${rows.length === 1 ? 'program' : 'program'}. Allt om dem tas bort: svar, meddelanden och aviseringar. Det går inte att ångra.</p>
      <ul>${rows.map((r) => html`<li>${patientLabel(r.personnummer)}, avslutat ${r.endedAt ? shortTime(r.endedAt) : ''}</li>`)}</ul>
      <form method="post" action="/gallra/bekrafta">
        ${rows.map((r) => html`<input type="hidden" name="program" value="${r.programmeId}">`)}
        <div class="form-buttons"><button type="submit">Ja, gallra</button><a class="button secondary-link" href="/lista/avslutade">Avbryt</a></div>
      </form>`,
  }
}

export function startPage(): PageBody {
  return {
    title: 'Starta nytt moment',
    body: html`<p>Skriv in invånarens personnummer. I provmiljön går bara testpersonnumren att använda:</p>
      <ul>${PATIENTS.map((p) => html`<li>${p.personnummer} – ${p.name}</li>`)}</ul>
      <form method="post" action="/starta" class="inline-form">${keyField()}
        <div class="field"><label for="personnummer">Personnummer</label><input type="text" id="personnummer" name="personnummer" autocomplete="off" inputmode="numeric" placeholder="ÅÅÅÅMMDD-NNNN" required></div>
        <button type="submit">Starta nytt moment</button>
      </form>
      <p class="muted">Programmet startas utan moduler. Du väljer sedan vilka moduler som ska startas.</p>`,
  }
}

async function overviewFacts(engine: SandboxEngine, person: StaffPerson, programmeId: string): Promise<{ html: Html; status: 'active' | 'retained' | 'ended'; pending: boolean; unitId: string; responsibleUserId: string | null; version: Html }> {
  const o = await engine.overview(person, programmeId)
  return {
    responsibleUserId: o.responsibleUserId,
    // Every form on the page sends the version the page was rendered from.
    version: versionField(o.version),
    status: o.status,
    pending: o.pendingHandoverFrom !== null,
    unitId: o.unitId,
    html: html`<section aria-labelledby="info-rubrik"><h2 id="info-rubrik">Information om momentet</h2>
    <dl class="facts-list">
      <dt>Status</dt><dd>${statusLabel[o.status]}${o.retainedUntil ? ` till ${longDate(o.retainedUntil)}` : ''}${o.ended ? ` ${shortTime(o.ended.at)}: ${o.ended.reasonLabel}` : ''}</dd>
      <dt>Startat</dt><dd>${longDate(o.startedOn)} (dag ${o.day})</dd>
      <dt>Dagar kvar</dt><dd>${days(o.daysLeft)}, till ${longDate(o.endsOn)}</dd>
      <dt>Ansvarig behandlare</dt><dd>${staffName(o.responsibleUserId)}</dd>
      <dt>Enhet</dt><dd>${unitName(o.unitId)}${o.pendingHandoverFrom ? ` (överlämnat från ${unitName(o.pendingHandoverFrom)}, väntar på mottagning)` : ''}</dd>
      <dt>Senast aktiv</dt><dd>${o.lastActiveAt ? swedishTime(o.lastActiveAt) : 'Inte än'}</dd>
      <dt>Mobilnummer</dt><dd>${o.mobileNumber ?? 'Inte angivet'}</dd>
      <dt>Innehåll</dt><dd>version ${o.contentVersion}</dd>
    </dl></section>`,
  }
}

function behandlareOptions(unitId: string, selected: string | null): Html {
  return html`${STAFF.filter((s) => s.unitId === unitId && s.role === 'behandlare').map((s) => html`<option value="${s.id}"${s.id === selected ? html` selected` : ''}>${s.name} (${s.title})</option>`)}`
}

export async function programmePage(engine: SandboxEngine, person: StaffPerson, roles: readonly Role[], programmeId: string): Promise<PageBody> {
  const facts = await overviewFacts(engine, person, programmeId)
  const base = `/program/${programmeId}`
  const title = 'Invånarens program'
  if (!roles.includes('behandlare')) {
    // Invånaradministratör: the overview, changing the responsible, receiving a handover.
    const actions = facts.pending
      ? html`<section class="action-box" aria-labelledby="ta-emot"><h2 id="ta-emot">Ta emot överlämnat program</h2>
          <form method="post" action="${base}/ta-emot" class="inline-form">${facts.version}<div class="field"><label for="ansvarig">Ansvarig behandlare</label><select id="ansvarig" name="ansvarig">${behandlareOptions(person.unitId, null)}</select></div><button type="submit">Ta emot</button></form></section>`
      : facts.status === 'ended'
        ? html``
        : html`<section class="action-box" aria-labelledby="byt"><h2 id="byt">Byt ansvarig behandlare</h2>
          <form method="post" action="${base}/ansvarig" class="inline-form">${facts.version}<div class="field"><label for="ansvarig">Ny ansvarig behandlare</label><select id="ansvarig" name="ansvarig">${behandlareOptions(person.unitId, facts.responsibleUserId)}</select></div><button type="submit">Byt ansvarig</button></form></section>`
    return { title, body: html`${facts.html}${actions}` }
  }
  const tree = await engine.tree(person, programmeId)
  const events = await engine.events(person, programmeId)
  const active = facts.status === 'active'
  const started = tree.modules.filter((m) => m.status !== 'upcoming')
  const upcoming = tree.modules.filter((m) => m.status === 'upcoming')
  const welcome =
    tree.welcome.kind === 'default' ? html`<div class="welcome">${trusted(tree.welcome.html)}</div>` : html`<div class="welcome"><p class="pre-line">${tree.welcome.text}</p></div>`
  const moduleTree = started.length === 0
    ? html`<p>Det finns inga aktiva moduler i momentet. Starta en modul under Kommande moduler.</p>`
    : html`<ul class="tree">${started.map((m) => {
        const steps = m.sections.flatMap((s) => s.steps)
        const opened = steps.filter((s) => s.openedAt).length
        const forms = steps.filter((s) => s.form)
        const submitted = forms.filter((s) => s.form?.submittedAt).length
        return html`<li><details>
          <summary><span>${m.title}</span> <span class="muted">${moduleStatusLabel[m.status]}${m.closesOn ? `, stänger ${longDate(m.closesOn)}` : ''} · ${opened}/${steps.length} steg öppnade · ${submitted}/${forms.length} formulär ifyllda</span></summary>
          ${m.sections.map((s) => html`<p class="section-summary">${s.title}</p><ul class="steps">${s.steps.map(
            (st) => html`<li><span>${st.title} <span class="kind">${stepKindLabel[st.kind]}</span></span><span>
              ${st.openedAt ? html`<span class="marker marker-opened">Öppnat ${shortTime(st.openedAt)}</span>` : html`<span class="marker muted">Inte öppnat</span>`}
              ${st.form?.submissionId ? html` <a class="marker marker-submitted" href="${base}/handelser#inskickat-${st.form.submissionId}">Ifyllt ${st.form.submittedAt ? shortTime(st.form.submittedAt) : ''}</a>` : ''}
            </span></li>`,
          )}</ul>`)}
          ${active && m.status === 'open' && !m.removedFromContent ? html`<form method="post" action="${base}/stangningsdatum" class="inline-form module-date">
            <input type="hidden" name="modul" value="${m.moduleId}">${facts.version}
            <div class="field"><label for="stanger-${m.moduleId}">Nytt stängningsdatum för ${m.title}</label><input type="date" id="stanger-${m.moduleId}" name="datum" value="${m.closesOn ?? ''}" required></div>
            <button type="submit" class="secondary">Ändra datum</button></form>` : ''}
        </details></li>`
      })}</ul>`
  const startForm = !active || upcoming.length === 0
    ? html``
    : html`<form method="post" action="${base}/moduler">${facts.version}
        <fieldset class="question"><legend>Välj moduler att starta</legend>
        <div class="options">${upcoming.map((m) => html`<label class="option"><input type="checkbox" name="modul" value="${m.moduleId}"> <span>${m.title}</span></label>`)}</div></fieldset>
        <div class="field"><label for="stanger">Stängningsdatum (valfritt)</label><input type="date" id="stanger" name="datum" aria-describedby="stanger-hjalp"><p class="help" id="stanger-hjalp">Första dagen modulen är stängd för nya svar. Tomt: programmets sista dag.</p></div>
        <button type="submit">Starta modul</button>
      </form>`
  const unread = events.unreadSubmissions
  const body = html`
    <p class="lead">${await patientLabelFromTree(engine, person, programmeId)}</p>
    <ul class="actions">
      <li><a href="${base}/handelser">Hantera händelser${unread > 0 ? ` (${unread} olästa)` : ''}</a></li>
      <li><a href="${base}/meddelanden">Meddelanden${events.messages.unreadFromPatient > 0 ? ` (${events.messages.unreadFromPatient} olästa)` : ''}</a></li>
    </ul>
    ${facts.html}
    <section aria-labelledby="valkommen-rubrik"><h2 id="valkommen-rubrik">Välkomsttext</h2>${welcome}
      ${active ? html`<details class="reviewer"><summary>Redigera välkomsttexten</summary>
        <form method="post" action="${base}/valkomsttext">${facts.version}<div class="field"><label for="valkomst">Välkomsttext (vanlig text)</label><textarea id="valkomst" name="text" rows="8">${tree.welcome.text}</textarea></div><button type="submit">Spara välkomsttexten</button></form></details>` : ''}
    </section>
    <section aria-labelledby="startade-rubrik"><h2 id="startade-rubrik">Startade moduler</h2>
      <p class="muted small"><span class="marker marker-opened">öppnat steg</span> · <span class="marker marker-submitted">ifyllt formulär</span></p>
      ${moduleTree}</section>
    <section aria-labelledby="kommande-rubrik"><h2 id="kommande-rubrik">Kommande moduler</h2>
      ${upcoming.length === 0 ? html`<p>Alla moduler är startade.</p>` : html`<p>${upcoming.map((m) => m.title).join(', ')}</p>`}
      ${startForm}</section>
    ${facts.status === 'ended' ? html`` : html`<section aria-labelledby="val-rubrik"><h2 id="val-rubrik">Avsluta, vidmakthålla eller överlämna</h2>
      <p>Meddela invånaren innan du avslutar, så att hen kan spara det hen vill ha kvar.</p>
      <div class="action-box"><h3>Avsluta</h3><form method="post" action="${base}/avsluta" class="inline-form">${facts.version}${keyField()}
        <div class="field"><label for="orsak">Orsak</label><select id="orsak" name="orsak">${Object.entries(END_REASONS).map(([id, label]) => html`<option value="${id}">${label}</option>`)}</select></div>
        <button type="submit">Avsluta programmet</button></form></div>
      ${active ? html`<div class="action-box"><h3>Vidmakthålla</h3><form method="post" action="${base}/vidmakthall" class="inline-form">${facts.version}
        <div class="field"><label for="till">Invånaren kan läsa till och med dagen före</label><input type="date" id="till" name="datum" required></div>
        <button type="submit" class="secondary">Vidmakthåll</button></form></div>
      <div class="action-box"><h3>Överlämna</h3><form method="post" action="${base}/overlamna" class="inline-form">${facts.version}
        <div class="field"><label for="enhet">Till enhet</label><select id="enhet" name="enhet">${UNITS.filter((u) => u.unitId !== facts.unitId).map((u) => html`<option value="${u.unitId}">${u.name}</option>`)}</select></div>
        <button type="submit" class="secondary">Överlämna</button></form></div>` : ''}
    </section>`}`
  return { title, body }
}

async function patientLabelFromTree(engine: SandboxEngine, person: StaffPerson, programmeId: string): Promise<string> {
  const row = [...await engine.unitProgrammes(person), ...await engine.endedProgrammes(person)].find((r) => r.programmeId === programmeId)
  return row ? patientLabel(row.personnummer) : ''
}

function levelBadge(engine: SandboxEngine, formId: string, bandLabel: string | null): Html {
  const band = engine.band(formId, bandLabel)
  if (!band?.level) return html``
  return html` <span class="level level-${band.level}">${bandLevelLabel[band.level]}</span>`
}

export async function eventsPage(engine: SandboxEngine, person: StaffPerson, programmeId: string): Promise<PageBody> {
  const view = await engine.events(person, programmeId)
  const base = `/program/${programmeId}`
  const list = view.submissions.length === 0
    ? html`<p>Invånaren har inte skickat in några formulär än.</p>`
    : html`<ol class="submission-list">${view.submissions.map(
        (s) => html`<li id="inskickat-${s.submissionId}" class="${s.alerts.length > 0 || s.inTopBand ? 'alerted' : ''}" data-submission="${s.submissionId}" data-read="${s.read ? 'ja' : 'nej'}">
          <h2 class="h3-size">${s.formTitle}</h2>
          <p>${s.read ? html`<span>Läst</span>` : html`<span class="unread">Oläst</span>`} · Inskickat ${swedishTime(s.submittedAt)}</p>
          ${s.score !== null ? html`<p>${s.score} poäng – ${s.bandLabel ?? ''}${levelBadge(engine, s.formId, s.bandLabel)}${s.inTopBand ? html` <span class="alert-mark">Högsta nivån</span>` : ''}</p>` : ''}
          ${s.alerts.length > 0 ? html`<p class="alert-mark">Svar att uppmärksamma:</p><ul>${s.alerts.map((a) => html`<li>${a.prompt}</li>`)}</ul>` : ''}
          <form method="post" action="${base}/handelser/${s.submissionId}/oppna"><button type="submit"${s.read ? html` class="secondary"` : ''}>Öppna ${s.formTitle}</button></form>
        </li>`,
      )}</ol>`
  return {
    title: 'Hantera händelser',
    body: html`<p><a href="${base}">Tillbaka till programmet</a></p>
      <p>${view.submissions.length} formulär, ${view.unreadSubmissions} olästa. Formulär med svar att uppmärksamma och i formulärets högsta nivå visas först.</p>
      <p>Meddelanden: ${view.messages.total}, ${view.messages.unreadFromPatient} olästa från invånaren. <a href="${base}/meddelanden">Gå till meddelandena</a></p>
      ${list}`,
  }
}

export function submissionPage(engine: SandboxEngine, view: SubmissionView, programmeId: string): PageBody {
  const band = engine.band(view.formId, view.bandLabel)
  const answers = [...view.answers].sort((a, b) => Number(b.alert) - Number(a.alert))
  return {
    title: view.formTitle,
    body: html`<p><a href="/program/${programmeId}/handelser">Tillbaka till Hantera händelser</a></p>
      <dl class="facts-list">
        <dt>Inskickat</dt><dd>${swedishTime(view.submittedAt)}</dd>
        <dt>Status</dt><dd>${view.read ? 'Läst' : 'Oläst'}</dd>
        ${view.score !== null ? html`<dt>Poäng</dt><dd>${view.score}${view.scoreRange ? ` av ${view.scoreRange.max}` : ''}</dd>` : ''}
        ${view.bandLabel ? html`<dt>Nivå</dt><dd>${view.bandLabel}${band?.level ? html` <span class="level level-${band.level}">${bandLevelLabel[band.level]}</span>` : ''}${view.inTopBand ? html` <span class="alert-mark">Högsta nivån</span>` : ''}</dd>` : ''}
      </dl>
      ${band ? html`<details class="reviewer"><summary>Det här ser invånaren om nivån</summary>${trusted(band.band.html)}</details>` : ''}
      ${view.alerts.length > 0 ? html`<div class="notice" role="note"><p><strong>Svar att uppmärksamma.</strong> ${view.alerts.length === 1 ? 'Ett svar' : `${view.alerts.length} svar`} ligger över frågans gräns, oavsett totalpoängen. De visas först.</p></div>` : ''}
      <h2>Svar</h2>
      <dl class="answers">${answers.map(
        (a) => html`<div class="${a.alert ? 'alert-answer' : ''}" data-alert="${a.alert ? 'ja' : 'nej'}"><dt>${a.alert ? html`<span class="alert-mark">Att uppmärksamma: </span>` : ''}${a.prompt}${a.removed ? ' (frågan finns inte längre)' : ''}</dt><dd class="pre-line">${a.display}</dd></div>`,
      )}</dl>`,
  }
}

export async function rolesPage(engine: SandboxEngine, person: StaffPerson): Promise<PageBody> {
  const grants = await engine.unitRoles(person)
  const people = STAFF.filter((s) => s.unitId === person.unitId)
  return {
    title: `Roller – ${unitName(person.unitId)}`,
    body: html`<div class="table-wrap" tabindex="0" role="region" aria-label="Roller"><table><caption>Vem har vilken roll</caption>
      <thead><tr><th scope="col">Person</th><th scope="col">Roll</th><th scope="col">Sedan</th><th scope="col">Ta bort</th></tr></thead>
      <tbody>${grants.map(
        (g) => html`<tr><th scope="row">${staffName(g.userId)}</th><td>${ROLE_LABELS[g.role]}</td><td>${shortTime(g.grantedAt)}</td>
          <td><form method="post" action="/roller/ta-bort"><input type="hidden" name="person" value="${g.userId}"><input type="hidden" name="roll" value="${g.role}"><button type="submit" class="secondary" aria-label="Ta bort rollen ${ROLE_LABELS[g.role]} från ${staffName(g.userId)}">Ta bort</button></form></td></tr>`,
      )}</tbody></table></div>
      <h2>Ge en roll</h2>
      <form method="post" action="/roller/ge" class="inline-form">
        <div class="field"><label for="person">Person</label><select id="person" name="person">${people.map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select></div>
        <div class="field"><label for="roll">Roll</label><select id="roll" name="roll">${Object.entries(ROLE_LABELS).map(([id, label]) => html`<option value="${id}">${label}</option>`)}</select></div>
        <button type="submit">Ge rollen</button>
      </form>`,
  }
}

export async function profilePage(engine: SandboxEngine, person: StaffPerson): Promise<PageBody> {
  const prefs = await engine.preferences(person)
  return {
    title: 'Min profil',
    body: html`<p>Välj hur du vill få aviseringar (flaggor) från Stöd och behandling. Väljer du inget visas de bara när du loggar in.</p>
      <form method="post" action="/profil">
        <fieldset class="question"><legend>Aviseringar</legend><div class="options">
          <label class="option"><input type="checkbox" name="epost" value="ja"${prefs.email ? html` checked` : ''}> <span>E-post</span></label>
          <label class="option"><input type="checkbox" name="sms" value="ja"${prefs.sms ? html` checked` : ''}> <span>SMS</span></label>
        </div></fieldset>
        <button type="submit">Spara</button>
      </form>`,
  }
}
