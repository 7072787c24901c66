// The patient's pages: their programmes, the welcome text with the started modules, a step
// (opening it records it), forms, messages (shared with the behandlare) and their own answers.
import type { MessageView, PatientView, SandboxEngine } from './engine-adapter.ts'
import { calendar, NOT_FOUND_MESSAGE, Refused } from './engine-adapter.ts'
import { keyField } from './form-guard.ts'
import { longDate, shortTime, swedishTime } from './format.ts'
import { html, type Html, trusted } from './html.ts'
import type { Person, PatientPerson } from './people.ts'
import { staffName } from './people.ts'
import type { PageBody } from './staff-pages.ts'
import { type FormState, renderBlocks } from './step-render.ts'
import type { Answers } from '../scoring/index.ts'
import type { FormBlock, Step } from '../types/bundle.generated.ts'

export async function patientHome(engine: SandboxEngine, person: PatientPerson): Promise<PageBody | { redirect: string }> {
  const programmes = await engine.patientProgrammes(person)
  if (programmes.length === 1 && programmes[0]) return { redirect: `/invanare/${programmes[0].programmeId}` }
  if (programmes.length === 0) {
    return { title: 'Mitt PLUS', body: html`<p>Du har inget PLUS-program just nu. Om du har haft ett har det avslutats, och då går det inte längre att öppna.</p>` }
  }
  return {
    title: 'Mitt PLUS',
    body: html`<ul>${programmes.map((p) => html`<li><a href="/invanare/${p.programmeId}">${p.title}</a>, startat ${longDate(p.startedOn)}${p.readOnly ? ' (bara läsa)' : ''}</li>`)}</ul>`,
  }
}

function readOnlyNotice(view: PatientView): Html {
  if (!view.readOnly) return html``
  return html`<div class="notice" role="note"><p>Programmet är avslutat för nya svar. Du kan läsa innehållet och dina svar${view.readableUntil ? ` till och med ${longDate(calendar.addDays(view.readableUntil, -1))}` : ''}. Spara det du vill ha kvar under <a href="/invanare/${view.programmeId}/mina-svar">Mina svar</a>.</p></div>`
}

export async function patientProgrammePage(engine: SandboxEngine, person: PatientPerson, programmeId: string): Promise<PageBody> {
  const view = await engine.patientView(person, programmeId)
  const base = `/invanare/${programmeId}`
  const welcome =
    view.welcome.kind === 'default' ? html`<div class="welcome">${trusted(view.welcome.html)}</div>` : html`<div class="welcome"><p class="pre-line">${view.welcome.text}</p></div>`
  const modules =
    view.modules.length === 0
      ? html`<p>Din behandlare har inte startat någon modul än.</p>`
      : html`<ul class="tree">${view.modules.map(
          (m) => html`<li><details open><summary><span>${m.title}</span> <span class="muted">${m.status === 'closed' ? 'stängd för nya svar' : m.closesOn ? `öppen till ${longDate(calendar.addDays(m.closesOn, -1))}` : ''}</span></summary>
            ${m.sections.map((s) => html`<p class="section-summary">${s.title}</p><ul class="steps">${s.steps.map(
              (st) => html`<li><a href="${base}/steg/${st.stepId}">${st.title}</a><span>${st.form?.submittedAt ? html`<span class="marker marker-submitted">Inskickat</span>` : st.openedAt ? html`<span class="marker marker-opened">Läst</span>` : ''}</span></li>`,
            )}</ul>`)}
          </details></li>`,
        )}</ul>`
  return {
    title: view.title,
    body: html`${readOnlyNotice(view)}
      ${welcome}
      <ul class="actions">
        <li><a href="${base}/meddelanden">Meddelanden${view.unreadMessages > 0 ? ` (${view.unreadMessages} olästa)` : ''}</a></li>
        <li><a href="${base}/mina-svar">Mina svar</a></li>
      </ul>
      <h2>Startade moduler</h2>
      ${modules}
      ${view.readOnly ? '' : html`<h2>Mobilnummer</h2>
      <p>Om du anger ditt mobilnummer kan din behandlare se det.</p>
      <form method="post" action="${base}/mobil" class="inline-form"><div class="field"><label for="mobil">Mobilnummer</label><input type="tel" id="mobil" name="mobil" autocomplete="tel"></div><button type="submit" class="secondary">Spara mobilnumret</button></form>`}`,
  }
}

/** What the step page needs to show one of its forms after a refused submit. */
export interface FormRetry {
  formId: string
  values: Answers
  errors: Record<string, string>
}

export async function patientStepPage(engine: SandboxEngine, person: PatientPerson, programmeId: string, stepId: string, retry: FormRetry | null, record: boolean): Promise<PageBody> {
  // Opening the page is opening the step: the engine records the first time.
  if (record) await engine.openStep(person, programmeId, stepId)
  const view = await engine.patientView(person, programmeId)
  const base = `/invanare/${programmeId}`
  const module = view.modules.find((m) => m.sections.some((s) => s.steps.some((st) => st.stepId === stepId)))
  const step = findStep(engine, stepId)
  // A step of no started module answers as anything else out of reach does.
  if (!module || !step) throw new Refused('not-found', NOT_FOUND_MESSAGE)
  const stepViews = module.sections.flatMap((s) => s.steps)
  const index = stepViews.findIndex((s) => s.stepId === stepId)
  const prev = stepViews[index - 1]
  const next = stepViews[index + 1]
  // The step's submitted answers, read before the page is rendered (rendering is synchronous).
  const submitted = stepViews[index]?.form?.submittedAt ? await engine.patientExport(person, programmeId) : null
  const forms = (form: FormBlock): FormState => {
    const sv = stepViews[index]
    if (submitted !== null && sv?.form?.formId === form.id && sv.form.submittedAt) {
      const submission = submitted.submissions.find((s) => s.submittedAt === sv.form?.submittedAt && s.formTitle === sv.form?.title)
      const band = submission?.bandLabel ? engine.band(form.id, submission.bandLabel) : null
      return {
        kind: 'submitted',
        submittedAt: sv.form.submittedAt,
        answers: submission?.answers.map((a) => ({ prompt: a.prompt, display: a.display })) ?? [],
        score: submission?.score ?? null,
        scoreMax: form.scoring?.max ?? null,
        band: band ? { label: band.band.label, html: band.band.html, level: band.level } : null,
      }
    }
    if (view.readOnly) return { kind: 'closed', reason: 'Programmet går bara att läsa nu. Formuläret kan inte skickas in.' }
    if (module.status === 'closed') return { kind: 'closed', reason: 'Modulen är stängd. Det går att läsa den men inte skicka in formulär.' }
    const values = retry?.formId === form.id ? retry.values : {}
    const errors = retry?.formId === form.id ? retry.errors : {}
    // A fresh idempotency key per rendered form: sending this page twice stores one submission.
    return { kind: 'open', action: `${base}/formular/${form.id}`, values, errors, hidden: keyField() }
  }
  const resolve = (id: string): string | null => {
    const target = findStep(engine, id) ? id : stepOfElement(engine, id)
    if (!target) return null
    return `${base}/steg/${target}${target === id ? '' : `#${id}`}`
  }
  return {
    title: step.title,
    body: html`<p class="kicker">Modul: <a href="${base}">${module.title}</a></p>
      ${readOnlyNotice(view)}
      ${renderBlocks(step, { resolve, forms, swedishTime })}
      <nav class="step-nav" aria-label="Steg i modulen">
        ${prev ? html`<a class="prev" href="${base}/steg/${prev.stepId}"><span>Föregående</span><strong>${prev.title}</strong></a>` : ''}
        ${next ? html`<a class="next" href="${base}/steg/${next.stepId}"><span>Nästa</span><strong>${next.title}</strong></a>` : ''}
      </nav>`,
  }
}

function findStep(engine: SandboxEngine, stepId: string): Step | null {
  for (const module of engine.bundle.programme.modules) for (const section of module.sections) for (const step of section.steps) if (step.id === stepId) return step
  return null
}

function stepOfElement(engine: SandboxEngine, id: string): string | null {
  for (const module of engine.bundle.programme.modules) {
    for (const section of module.sections) {
      if (section.id === id) return section.steps[0]?.id ?? null
      for (const step of section.steps) {
        for (const block of step.blocks) if ('id' in block && block.id === id) return step.id
      }
    }
  }
  return null
}

export async function messagesPage(engine: SandboxEngine, person: Person, programmeId: string, back: string): Promise<PageBody> {
  const thread: MessageView[] = await engine.messages(person, programmeId)
  const other: MessageView['from'] = person.kind === 'patient' ? 'clinician' : 'patient'
  const unread = thread.filter((m) => m.from === other && m.readAt === null).length
  const action = person.kind === 'patient' ? `/invanare/${programmeId}/meddelanden` : `/program/${programmeId}/meddelanden`
  return {
    title: 'Meddelanden',
    body: html`<p><a href="${back}">Tillbaka</a></p>
      ${thread.length === 0 ? html`<p>Inga meddelanden än.</p>` : html`<ol class="thread">${thread.map(
        (m) => html`<li class="from-${m.from}"><p class="muted small">${m.from === 'patient' ? 'Invånaren' : `Behandlare ${staffName(m.authorUserId)}`} · ${shortTime(m.sentAt)}${m.from === other && m.readAt === null ? html` · <span class="unread">Oläst</span>` : ''}</p><p class="pre-line">${m.text}</p></li>`,
      )}</ol>`}
      ${unread > 0 ? html`<form method="post" action="${action}/last"><button type="submit" class="secondary">Markera som lästa</button></form>` : ''}
      <h2>Skriv ett meddelande</h2>
      <form method="post" action="${action}">${keyField()}<div class="field"><label for="meddelande">Meddelande</label><textarea id="meddelande" name="text" rows="4" required></textarea></div><button type="submit">Skicka</button></form>`,
  }
}

export async function myAnswersPage(engine: SandboxEngine, person: PatientPerson, programmeId: string): Promise<PageBody> {
  const data = await engine.patientExport(person, programmeId)
  const base = `/invanare/${programmeId}`
  return {
    title: 'Mina svar',
    body: html`<p><a href="${base}">Tillbaka</a></p>
      <p>Här är allt du har skickat in och alla meddelanden. Spara eller skriv ut det du vill ha kvar: när programmet avslutas går det inte att öppna längre.</p>
      <p><a href="${base}/mina-svar.json" download>Ladda ner som fil (JSON)</a></p>
      ${data.submissions.length === 0 ? html`<p>Du har inte skickat in något formulär än.</p>` : data.submissions.map(
        (s) => html`<section><h2>${s.formTitle}</h2><p class="muted">Inskickat ${swedishTime(s.submittedAt)}${s.score !== null ? ` · ${s.score} poäng${s.bandLabel ? `, ${s.bandLabel}` : ''}` : ''}</p>
          <dl class="answers">${s.answers.map((a) => html`<dt>${a.prompt}</dt><dd class="pre-line">${a.display}</dd>`)}</dl></section>`,
      )}
      <h2>Meddelanden</h2>
      ${data.messages.length === 0 ? html`<p>Inga meddelanden.</p>` : html`<ol class="thread">${data.messages.map((m) => html`<li class="from-${m.from}"><p class="muted small">${m.from === 'patient' ? 'Du' : 'Behandlaren'} · ${shortTime(m.sentAt)}</p><p class="pre-line">${m.text}</p></li>`)}</ol>`}`,
  }
}
