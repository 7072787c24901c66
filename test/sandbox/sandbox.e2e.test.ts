// The guide's first usage example (self-help for mild worry, module Oro) played through Provkör
// in a real browser at phone width: Debian's Chromium via playwright-core, axe-core on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchBrowser } from '../site/browser.ts'
import { axeViolations, type Violation } from '../site/crawl.ts'
import { openTestSandbox, removeTestBundle, START, type TestSandbox } from './harness.ts'

let t: TestSandbox
let browser: Browser
let context: BrowserContext
let page: Page
const violations: Violation[] = []
const pageErrors: string[] = []

beforeAll(async () => {
  t = await openTestSandbox()
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm', javaScriptEnabled: true })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  // Refused pages answer 403 on purpose; any other failing resource (a style, an image) is an error.
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') pageErrors.push(`${r.status()} ${new URL(r.url()).pathname}`)
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await t?.close()
  await removeTestBundle()
})

/** Checks the page as it is now with axe-core and remembers any violation with the page's path. */
async function audit(label: string): Promise<void> {
  violations.push(...(await axeViolations(page, `${label} ${new URL(page.url()).pathname}`)))
  // Phone width: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, `${label} is wider than the phone`).toBeLessThanOrEqual(0)
}

async function become(personId: string): Promise<void> {
  await page.selectOption('#du-ar', personId)
  await page.getByRole('button', { name: 'Byt', exact: true }).click()
  await page.waitForLoadState('load')
}

const outboxTitles = () => page.locator('.outbox-item .outbox-title').allTextContents()

describe('the first usage example of the guide, through the sandbox', () => {
  let programmeId = ''
  let programmePath = ''

  it('a behandlare starts a programme with Oro for a test patient', async () => {
    await page.goto(`${t.origin}/`)
    await expect.poll(() => page.locator('h1').textContent()).toContain('Mina')
    await expect.poll(() => page.locator('.sandbox-banner').textContent()).toContain('Provmiljö — inga riktiga patientuppgifter')
    await audit('Mina, empty')
    await page.getByRole('link', { name: 'Starta nytt moment' }).click()
    await audit('start')
    await page.getByLabel('Personnummer').fill('19121212-1212')
    await page.getByRole('button', { name: 'Starta nytt moment' }).click()
    await page.waitForURL(/\/program\/[A-Za-z0-9-]+$/)
    programmePath = new URL(page.url()).pathname
    programmeId = programmePath.split('/').pop() ?? ''
    await audit('programme, no modules')
    expect(await outboxTitles()).toEqual(['Startat moment'])
    await page.getByRole('checkbox', { name: 'Oro' }).check()
    await page.getByRole('button', { name: 'Starta modul' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('.flash-ok').textContent()).toContain('Modulerna är startade')
    await audit('programme with Oro')
  })

  it('the patient opens steps and submits the self-assessment with high answers', async () => {
    await become('tolvan')
    expect(new URL(page.url()).pathname).toBe(`/invanare/${programmeId}`)
    await audit('patient start')
    await page.getByRole('link', { name: 'Oro är tankar om det som kan hända' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Oro är tankar om det som kan hända')
    await audit('patient text step')
    await page.getByRole('link', { name: /Oro eller problemlösning/ }).click()
    await page.getByRole('link', { name: /Tänk om-tankar/ }).click()
    await page.getByRole('link', { name: /Hur mycket påverkar oron dig/ }).click()
    await audit('patient form step')
    // Sending it empty: the shared scoring code names each question, nothing is stored.
    await page.getByRole('button', { name: 'Skicka in' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('.error-summary li').count()).toBeGreaterThan(0)
    await audit('patient form with errors')
    for (const fieldset of await page.locator('fieldset.question').all()) {
      await fieldset.getByRole('radio', { name: 'Nästan hela tiden' }).check()
    }
    await page.getByRole('button', { name: 'Skicka in' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('.result-box').textContent()).toContain('Du skickade in formuläret')
    await audit('patient form submitted')
    // A later, unscored exercise: newer, but it must not come before the alerted one.
    await page.goto(`${t.origin}/invanare/${programmeId}/steg/oro-orosdagbok`)
    for (const q of await page.locator('.question').all()) {
      const radios = q.getByRole('radio')
      const boxes = q.getByRole('checkbox')
      if ((await radios.count()) > 0) await radios.first().check()
      else if ((await boxes.count()) > 0) await boxes.first().check()
      else if ((await q.locator('textarea').count()) > 0) await q.locator('textarea').fill('Jobbet')
      else {
        const input = q.locator('input[type=number]')
        await input.fill((await input.getAttribute('min')) ?? '1')
      }
    }
    await page.getByRole('button', { name: 'Skicka in' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('.result-box').count()).toBe(1)
  })

  it('the behandlare sees the alerted submission first in "Hantera händelser" and opens it; it becomes read', async () => {
    await become('anna')
    await page.goto(`${t.origin}${programmePath}`)
    await expect.poll(() => page.locator('.marker-opened').count()).toBeGreaterThanOrEqual(4)
    await page.getByRole('link', { name: /Hantera händelser/ }).click()
    await audit('Hantera händelser')
    const first = page.locator('.submission-list > li').first()
    expect(await first.getAttribute('class')).toContain('alerted')
    expect(await first.getAttribute('data-read')).toBe('nej')
    expect(await first.locator('h2').textContent()).toBe('Kartläggning av oro')
    expect(await page.locator('.submission-list > li').count()).toBe(2)
    await first.getByRole('button', { name: /Öppna/ }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('h1').textContent()).toBe('Kartläggning av oro')
    await audit('submission')
    await page.getByRole('link', { name: 'Tillbaka till Hantera händelser' }).click()
    expect(await page.locator('.submission-list > li').first().getAttribute('data-read')).toBe('ja')
  })

  it('7 whole days without activity: the reminder appears in the outbox on the 8th morning, exactly once', async () => {
    await page.getByRole('button', { name: 'Spola fram 7 dagar' }).click()
    await page.waitForLoadState('load')
    const reminders = () => page.locator('.outbox-item[data-flag-title="Påminnelse om startat moment"]').count()
    expect(await reminders()).toBe(0)
    await audit('after 7 days')
    await page.getByRole('button', { name: 'Spola fram 1 dag' }).click()
    await page.waitForLoadState('load')
    expect(await reminders()).toBe(1)
    expect(await page.locator('.outbox-item').first().locator('.outbox-to').textContent()).toContain('Tolvan Tolvansson')
    await page.getByRole('button', { name: 'Spola fram 1 dag' }).click()
    await page.waitForLoadState('load')
    expect(await reminders()).toBe(1)
  })

  it('on to day 89: the module warning and then the clinician\'s flag appear', async () => {
    await page.getByRole('button', { name: 'Till nästa flagga' }).click()
    await page.waitForLoadState('load')
    expect((await outboxTitles())[0]).toBe('Modul i PLUS avslutas om tre dagar')
    await page.getByRole('button', { name: 'Till nästa flagga' }).click()
    await page.waitForLoadState('load')
    const newest = page.locator('.outbox-item').first()
    expect(await newest.locator('.outbox-title').textContent()).toBe('PLUS snart slut')
    expect(await newest.locator('.outbox-to').textContent()).toContain('Anna Ek')
    const shown = new Date((await page.locator('.clock time').getAttribute('datetime')) ?? '')
    expect(Math.round((shown.getTime() - START.getTime()) / 86_400_000)).toBe(89)
    expect(await newest.locator('time').getAttribute('datetime')).toBe(shown.toISOString())
    await audit('day 89')
  })

  it('the behandlare ends the programme, and the patient can no longer open it', async () => {
    await page.goto(`${t.origin}${programmePath}`)
    await page.getByLabel('Orsak').selectOption('completed')
    await page.getByRole('button', { name: 'Avsluta programmet' }).click()
    await page.waitForLoadState('load')
    expect(new URL(page.url()).pathname).toBe('/lista/avslutade')
    await audit('Avslutade')
    await become('tolvan')
    expect(await page.locator('main').textContent()).toContain('Du har inget PLUS-program just nu')
    await audit('patient after the end')
    const response = await page.goto(`${t.origin}/invanare/${programmeId}/steg/oro-tankar-om-framtiden`)
    expect(response?.status()).toBe(403)
    expect(await page.locator('main [role=alert]').textContent()).toContain('Du har inte längre tillgång till programmet')
    await audit('patient refused')
  })

  it('the dataadministratör sees when it may be purged, waits out the grace period, and purges it; it is gone from every list', async () => {
    await become('dag')
    await audit('dataadministratör')
    expect(await page.getByRole('checkbox', { name: /Gallra programmet/ }).count()).toBe(0)
    expect(await page.locator('[data-purge-from]').count()).toBe(1)
    const from = (await page.locator('[data-purge-from]').getAttribute('data-purge-from')) ?? ''
    // Ended today (day 89 or later): purgeable 30 days on.
    for (const step of ['Spola fram 7 dagar', 'Spola fram 7 dagar', 'Spola fram 7 dagar', 'Spola fram 7 dagar', 'Spola fram 1 dag', 'Spola fram 1 dag']) {
      await page.getByRole('button', { name: step }).click()
      await page.waitForLoadState('load')
    }
    await page.goto(`${t.origin}/lista/avslutade`)
    const today = new Date((await page.locator('.clock time').getAttribute('datetime')) ?? '').toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' })
    expect(today).toBe(from)
    await page.getByRole('checkbox', { name: /Gallra programmet/ }).check()
    await page.getByRole('button', { name: 'Gallra valda moment' }).click()
    await page.waitForLoadState('load')
    await audit('confirm purge')
    await page.getByRole('button', { name: 'Ja, gallra' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('main').textContent()).toContain('Inga program här')
    await become('anna')
    await page.goto(`${t.origin}/lista/avslutade`)
    expect(await page.locator('main').textContent()).toContain('Inga program här')
  })

  it('the dataadministratör reads the audit log and the review; the patient reads which units accessed their data', async () => {
    await become('dag')
    await page.getByRole('link', { name: 'Granskning' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('h1').textContent()).toContain('Granskning')
    expect(await page.locator('table.audit-log tbody tr').count()).toBeGreaterThan(0)
    await audit('Granskning')
    await become('tolvan')
    await page.getByRole('link', { name: 'Vem har läst mina uppgifter' }).click()
    await page.waitForLoadState('load')
    expect(await page.locator('h1').textContent()).toBe('Vilka vårdenheter har läst mina uppgifter')
    expect(await page.locator('table.access-log tbody tr').count()).toBeGreaterThan(0)
    await audit('access log')
    await become('anna')
  })

  it('works by keyboard: the skip link comes first and the clock buttons answer to Enter', async () => {
    await page.goto(`${t.origin}/lista/mina`)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Hoppa till innehållet')
    await page.locator('button', { hasText: 'Spola fram 1 dag' }).focus()
    const before = await page.locator('.clock time').getAttribute('datetime')
    await page.keyboard.press('Enter')
    // Wait for the new page itself: 'load' of the old one may still count before the post leaves.
    await expect.poll(() => page.locator('.clock time').getAttribute('datetime'), { timeout: 15_000 }).not.toBe(before)
  })

  it('every page visited had zero axe-core violations and no script errors', () => {
    expect(violations).toEqual([])
    expect(pageErrors).toEqual([])
  })
})

describe('the other roles', () => {
  it('have zero axe-core violations on their pages too', { timeout: 90_000 }, async () => {
    await become('anna')
    await page.goto(`${t.origin}/starta`)
    await page.getByLabel('Personnummer').fill('19121212-1220')
    await page.getByRole('button', { name: 'Starta nytt moment' }).click()
    await page.waitForURL(/\/program\/[A-Za-z0-9-]+$/)
    const id = new URL(page.url()).pathname.split('/').pop() ?? ''
    await page.getByRole('checkbox', { name: 'Ångest' }).check()
    await page.getByRole('button', { name: 'Starta modul' }).click()
    await page.waitForLoadState('load')
    for (const [person, path] of [
      ['greta', `/invanare/${id}/meddelanden`],
      ['greta', `/invanare/${id}/mina-svar`],
      ['anna', `/program/${id}/meddelanden`],
      ['anna', `/program/${id}/handelser`],
      ['ingrid', `/program/${id}`],
      ['maria', '/roller'],
      ['ingrid', '/lista/enhetens'],
      ['anna', '/profil'],
      ['dag', '/granskning?fran=2026-01-01&till=2026-01-31'],
      ['sven', '/atkomstlogg'],
      ['anna', '/finns-inte'],
    ] as const) {
      await become(person)
      await page.goto(`${t.origin}${path}`)
      await audit(person)
    }
    expect(violations).toEqual([])
  })
})
