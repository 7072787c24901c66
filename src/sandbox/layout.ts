// The frame of every sandbox page: the "Provmiljö" banner, who you are and the switch, the menu
// for your role, the page, and the side panel with the clock and the outbox.
import type { OutboxItem, Role } from './engine-adapter.ts'
import { ROLE_LABELS } from './engine-adapter.ts'
import { channelLabel, clockFace, shortTime } from './format.ts'
import { html, type Html, join } from './html.ts'
import { PATIENTS, type Person, personById, STAFF, unitName, UNITS } from './people.ts'

/** A message carried over a redirect: what happened, or why it did not. */
export interface Flash {
  kind: 'ok' | 'error'
  text: string
}

/** What every page needs besides its own content. */
export interface PageContext {
  person: Person
  /** The staff member's roles now (empty for a patient). */
  roles: readonly Role[]
  /** The path of the page, for marking the current menu item. */
  path: string
  flash: Flash | null
  now: Date
  outbox: OutboxItem[]
  /** Content problems or notices to show on every page. */
  contentProblems: string[]
  contentNotice: string | null
}

export interface NavItem {
  href: string
  label: string
}

/** The menu for a person: only what their roles may open. */
export function navFor(person: Person, roles: readonly Role[]): NavItem[] {
  if (person.kind === 'patient') return [{ href: '/invanare', label: 'Mitt PLUS' }, { href: '/atkomstlogg', label: 'Vem har läst mina uppgifter' }]
  const items: NavItem[] = []
  const has = (role: Role) => roles.includes(role)
  if (has('behandlare')) items.push({ href: '/lista/mina', label: 'Mina' })
  if (has('behandlare') || has('invanaradministrator')) items.push({ href: '/lista/enhetens', label: 'Enhetens' })
  if (has('behandlare') || has('dataadministrator')) items.push({ href: '/lista/avslutade', label: 'Avslutade' })
  if (has('behandlare')) items.push({ href: '/starta', label: 'Starta nytt moment' })
  if (has('dataadministrator')) items.push({ href: '/granskning', label: 'Granskning' })
  if (has('behorighetsadministrator')) items.push({ href: '/roller', label: 'Roller' })
  items.push({ href: '/profil', label: 'Min profil' })
  return items
}

/** Where a person lands after switching. */
export function homeOf(person: Person, roles: readonly Role[]): string {
  return navFor(person, roles)[0]?.href ?? '/profil'
}

/** "Anna Ek, behandlare på Vårdcentralen Provby". */
export function describePerson(person: Person): string {
  if (person.kind === 'patient') return `${person.name}, invånare (${person.personnummer})`
  return `${person.name}, ${ROLE_LABELS[person.role].toLowerCase()} på ${unitName(person.unitId)}`
}

function whoSwitch(ctx: PageContext): Html {
  const option = (p: Person, label: string) => html`<option value="${p.id}"${ctx.person.id === p.id ? html` selected` : ''}>${label}</option>`
  return html`<form class="who-switch" method="post" action="/du-ar">
    <label for="du-ar">Byt person</label>
    <select id="du-ar" name="person">
      ${UNITS.map(
        (unit) => html`<optgroup label="${unit.name}">${STAFF.filter((s) => s.unitId === unit.unitId).map((s) => option(s, `${s.name} – ${ROLE_LABELS[s.role]} (${s.title})`))}</optgroup>`,
      )}
      <optgroup label="Invånare (testpersonnummer)">${PATIENTS.map((p) => option(p, `${p.name} – ${p.personnummer}`))}</optgroup>
    </select>
    <button type="submit" class="secondary">Byt</button>
  </form>`
}

function clockPanel(ctx: PageContext): Html {
  const face = clockFace(ctx.now)
  return html`<section class="panel" aria-labelledby="klocka-rubrik">
    <h2 id="klocka-rubrik">Klockan</h2>
    <p class="clock"><time datetime="${ctx.now.toISOString()}"><span class="clock-day">${face.day}</span> <span class="clock-time">kl. ${face.time}</span></time></p>
    <p class="muted small">Tiden i provmiljön går bara när du spolar fram. Flaggorna körs för varje dag som går. Aviseringar går bara ut mellan kl. 08.00 och 20.00; klockan står på samma tid varje dag.</p>
    <form method="post" action="/klocka" class="clock-buttons">
      <button type="submit" name="steg" value="1">Spola fram 1 dag</button>
      <button type="submit" name="steg" value="7">Spola fram 7 dagar</button>
      <button type="submit" name="steg" value="nasta">Till nästa flagga</button>
    </form>
    <form method="post" action="/borja-om">
      <button type="submit" class="secondary">Börja om (töm databasen)</button>
    </form>
  </section>`
}

function recipientName(item: OutboxItem): string {
  const person = personById(item.recipientId ?? undefined)
  const who = item.recipient === 'patient' ? 'Invånaren' : 'Behandlaren'
  return person ? `${who} ${person.name}` : who
}

function outboxPanel(ctx: PageContext): Html {
  const items = [...ctx.outbox].reverse()
  return html`<section class="panel" aria-labelledby="utkorg-rubrik">
    <h2 id="utkorg-rubrik">Utkorgen</h2>
    <p class="muted small">Aviseringarna som invånaren och behandlaren skulle få, med tiden de gick ut. Nyast först.</p>
    ${
      items.length === 0
        ? html`<p>Inga aviseringar än.</p>`
        : html`<ol class="outbox" reversed>${items.map(
            (item) => html`<li class="outbox-item outbox-${item.recipient}" data-flag-title="${item.title}">
              <p class="outbox-meta"><time datetime="${item.sentAt ?? item.createdAt}">${shortTime(item.sentAt ?? item.createdAt)}</time>${item.programmeDay !== null ? html` · <span class="outbox-day">programmets dag ${item.programmeDay}</span>` : ''} · ${channelLabel[item.channel]}</p>
              <p class="outbox-to">Till: ${recipientName(item)}</p>
              <p class="outbox-title"><strong>${item.title}</strong></p>
              <p class="outbox-text">${item.text}</p>
            </li>`,
          )}</ol>`
    }
  </section>`
}

/** The whole page. `title` is the h1 and the document title. */
export function page(ctx: PageContext, title: string, body: Html): string {
  const nav = navFor(ctx.person, ctx.roles)
  const current = (href: string) => ctx.path === href || ctx.path.startsWith(`${href}/`)
  const doc = html`<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – PLUS Provkör</title>
<meta name="robots" content="noindex">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/stil/global.css">
<link rel="stylesheet" href="/stil/provkor.css">
</head>
<body>
<a class="skip-link" href="#innehall">Hoppa till innehållet</a>
<header class="site-header">
  <p class="sandbox-banner"><strong>Provmiljö — inga riktiga patientuppgifter</strong></p>
  <div class="wrap wrap-wide header-row">
    <a class="site-name" href="/">PLUS <span>Provkör</span></a>
    <div class="who">
      <p class="who-now">Du är: <strong>${describePerson(ctx.person)}</strong></p>
      ${whoSwitch(ctx)}
    </div>
  </div>
  <nav class="wrap wrap-wide site-nav" aria-label="Huvudmeny">
    <ul>${nav.map((item) => html`<li><a href="${item.href}"${current(item.href) ? html` aria-current="page"` : ''}>${item.label}</a></li>`)}</ul>
  </nav>
</header>
<div class="wrap wrap-wide sandbox-layout">
  <main id="innehall" tabindex="-1">
    ${ctx.contentProblems.length > 0 ? html`<div class="notice" role="note"><p><strong>Innehållet har fel.</strong> Provkör visar det senast fungerande innehållet.</p><ul>${ctx.contentProblems.map((p) => html`<li><code>${p}</code></li>`)}</ul></div>` : ''}
    ${ctx.contentNotice ? html`<div class="notice" role="note"><p>${ctx.contentNotice}</p></div>` : ''}
    ${ctx.flash ? html`<div class="flash flash-${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}"><p>${ctx.flash.text}</p></div>` : ''}
    <h1>${title}</h1>
    ${body}
  </main>
  <aside class="side" aria-label="Klocka och utkorg">
    ${clockPanel(ctx)}
    ${outboxPanel(ctx)}
  </aside>
</div>
<footer class="site-footer"><div class="wrap wrap-wide"><p>PLUS Provkör kör den riktiga programmotorn på en egen databasfil på den här datorn. Den är ett verktyg för att prova innehållet, inte en vårdtjänst.</p></div></footer>
</body>
</html>
`
  return doc.value
}

export { join }
