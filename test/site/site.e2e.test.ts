// End-to-end tests of the preview site in a real browser (Debian's Chromium via playwright-core).
// The site is built first with the steps of `npm run build` (bundle, Astro, Pagefind) into a
// temporary folder, so concurrent test runs in a shared checkout never empty each other's site;
// PLUS_E2E_NO_BUILD=1 tests the existing dist/site instead. It is served as a host would.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { loadBundle } from '../../src/bundle/load.ts'
import { stepHash } from '../../src/quality/content-hash.ts'
import type { FilmBlock, FormBlock, Module, PlusBundle, Step } from '../../src/types/bundle.generated.ts'
import { launchBrowser } from './browser.ts'
import { axeViolations, crawl, type CrawlResult } from './crawl.ts'
import { ROOT, run, start } from './run.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

let out: string | null = null
/** What the released bundle made for the tests differs in (null when testing an existing site). */
let release: { version: string; newStep: Step; changedStep: Step; removedStepId: string; module: Module } | null = null
/** Steps given a reviewer's sign-off in the built bundle: one as it is, one with an older hash. */
let signedOff: { module: Module; current: Step; changed: Step } | null = null
let SITE = path.join(ROOT, 'dist/site')
let BUNDLE = path.join(ROOT, 'dist/bundle')
let bundle: PlusBundle
let server: StaticServer
let browser: Browser
let context: BrowserContext
let page: Page
let site: CrawlResult

const modules = () => [...bundle.programme.modules].sort((a, b) => a.order - b.order)
const steps = (module: Module) => module.sections.flatMap((s) => s.steps)
const stepPath = (module: Module, step: Step) => `/moduler/${module.id}/${step.id}/`
const clinicianPath = (module: Module, step: Step) => `/behandlare/${module.id}/${step.id}/`
function findStep(predicate: (step: Step) => boolean): { module: Module; step: Step } {
  for (const module of modules()) for (const step of steps(module)) if (predicate(step)) return { module, step }
  throw new Error('no such step in the bundle')
}

beforeAll(async () => {
  if (!process.env.PLUS_E2E_NO_BUILD) {
    out = await mkdtemp(path.join(tmpdir(), 'plus-site-'))
    BUNDLE = path.join(out, 'bundle')
    SITE = path.join(out, 'site')
    const RELEASED = path.join(out, 'released')
    const env = { PLUS_BUNDLE_DIR: BUNDLE, PLUS_SITE_DIR: SITE, PLUS_RELEASED_DIR: RELEASED, ASTRO_TELEMETRY_DISABLED: '1' }
    for (const [command, ...args] of [
      ['node', 'scripts/plus.ts', 'build', '--out', BUNDLE],
      ['release'],
      ['npx', 'astro', 'build'],
      ['npx', 'pagefind', '--site', SITE],
    ] as [string, ...string[]][]) {
      if (command === 'release') {
        release = await writeReleased(await loadBundle(BUNDLE), RELEASED)
        signedOff = await signOff(BUNDLE)
        continue
      }
      const step = await run(command, args, env)
      if (step.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${step.output}`)
    }
  }
  bundle = await loadBundle(BUNDLE)
  server = await serveStatic(SITE)
  browser = await launchBrowser()
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' })
  page = await context.newPage()
  site = await crawl(page, server.origin)
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (out) await rm(out, { recursive: true, force: true })
})

describe('npm run build', () => {
  it('builds the bundle, then the site, then the search index, stopping at the first failure', async () => {
    const { scripts } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(scripts.build).toMatch(/^node (--\S+ )*scripts\/plus\.ts build && (\S+=\S+ )*astro build && pagefind --site dist\/site$/)
  })
})

describe('every page', () => {
  it('is reached from the start page: start, timeline, quality report, search, changes, each module and step in both views, and the print views', () => {
    const expected = ['/', '/tidslinje/', '/kvalitet/', '/sok/', '/andringar/']
    for (const module of modules()) {
      expected.push(`/moduler/${module.id}/`, `/behandlare/${module.id}/`, `/utskrift/${module.id}/`)
      for (const step of steps(module)) expected.push(stepPath(module, step), clinicianPath(module, step))
    }
    const missing = expected.filter((p) => !site.pages.has(p))
    expect(missing).toEqual([])
    expect(site.pages.size).toBeGreaterThanOrEqual(expected.length)
  })

  it('loads with status 200, lang="sv" and one h1', () => {
    const wrong = [...site.pages].filter(([, f]) => f.status !== 200 || f.lang !== 'sv' || f.h1 !== 1).map(([p, f]) => `${p}: ${f.status} ${f.lang} h1×${f.h1}`)
    expect(wrong).toEqual([])
  })

  it('logs no console errors and makes no failing requests', () => {
    expect(site.consoleErrors).toEqual([])
    expect(site.failedRequests).toEqual([])
  })

  it('has no broken links: every link and resource answers, every #fragment exists', async () => {
    const broken: string[] = []
    const checked = new Map<string, number>()
    for (const { from, url } of site.links) {
      const [withoutHash, hash] = url.split('#') as [string, string | undefined]
      const pathname = withoutHash.split('?')[0] as string
      const facts = site.pages.get(pathname)
      if (!facts) {
        if (!checked.has(pathname)) checked.set(pathname, (await fetch(server.origin + pathname, { method: 'HEAD' })).status)
        if (checked.get(pathname) !== 200) broken.push(`${from} → ${url} (${checked.get(pathname)})`)
      } else if (facts.status !== 200) broken.push(`${from} → ${url} (${facts.status})`)
      if (hash && facts && !facts.ids.has(decodeURIComponent(hash))) broken.push(`${from} → ${url} (no element #${hash})`)
    }
    expect(broken).toEqual([])
  })

  it('has zero axe-core violations (WCAG 2.1 AA and best practices)', () => {
    expect(site.violations).toEqual([])
  })

  it('runs scripts only where a page needs them: forms, search, the timeline and the print button', () => {
    const formSteps = new Set<string>()
    for (const module of modules()) for (const step of steps(module)) if (step.kind === 'form') formSteps.add(stepPath(module, step)).add(clinicianPath(module, step))
    const unexpected = [...site.pages]
      .filter(([p, f]) => f.scripts > 0 && !formSteps.has(p) && !['/sok/', '/tidslinje/'].includes(p) && !p.startsWith('/utskrift/'))
      .map(([p]) => p)
    expect(unexpected).toEqual([])
  })
})

describe('keyboard', () => {
  it('reaches the skip link first and shows where focus is on every focusable element', async () => {
    const { module, step } = findStep((s) => s.kind === 'form')
    for (const target of ['/', `/moduler/${module.id}/`, stepPath(module, step)]) {
      await page.goto(server.origin + target)
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link')
      const invisible: string[] = []
      for (let i = 0; i < 40; i++) {
        const focus = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null
          if (!el || el === document.body) return null
          const style = getComputedStyle(el)
          return { what: `${el.tagName.toLowerCase()} ${el.textContent?.trim().slice(0, 30)}`, visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 }
        })
        if (focus && !focus.visible) invisible.push(`${target}: ${focus.what}`)
        await page.keyboard.press('Tab')
      }
      expect(invisible).toEqual([])
    }
  })

  it('opens and closes a section of the module tree with the keyboard', async () => {
    const module = modules()[0] as Module
    await page.goto(server.origin + `/behandlare/${module.id}/`)
    const first = page.locator('.tree details').first()
    expect(await first.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
    await page.locator('.tree summary').first().focus()
    await page.keyboard.press('Enter')
    expect(await first.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    await page.keyboard.press('Space')
    expect(await first.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
  })
})

describe('forms', () => {
  it('scores a filled-in assessment with the shared scoring code and shows its band', async () => {
    const { module, step } = findStep((s) => s.blocks.some((b) => b.type === 'form' && b.scoring !== null))
    const form = step.blocks.find((b): b is FormBlock => b.type === 'form' && b.scoring !== null) as FormBlock
    await page.goto(server.origin + stepPath(module, step))
    // Answer each question with its second-highest option, by keyboard-free clicks on the labels.
    let expected = 0
    for (const question of form.questions) {
      const sorted = [...question.options].sort((a, b) => (a.value ?? 0) - (b.value ?? 0))
      const option = sorted[Math.max(0, sorted.length - 2)]
      if (!option) continue
      expected += option.value ?? 0
      await page.locator(`#${form.id} input[name="${question.id}"][value="${option.id}"]`).check()
    }
    const band = form.scoring?.bands.find((b) => expected >= b.min && expected <= b.max)
    expect(band).toBeDefined()
    await page.locator(`#${form.id} button[type="submit"]`).click()
    const result = page.locator(`#${form.id} [data-result]`)
    await expect.poll(() => result.isVisible()).toBe(true)
    const text = await result.innerText()
    expect(text).toContain(`${expected} poäng av ${form.scoring?.max}`)
    expect(text).toContain(band?.label)
    expect(text).toContain((band?.text ?? '').split('\n')[0]?.slice(0, 40))
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-result'))).toBe(true)
    expect(await axeViolations(page, 'form with result')).toEqual([])
  })

  it('on an alert answer, tells the patient where to turn now, and only the clinician view says it is flagged', async () => {
    const { module, step } = findStep((s) => s.blocks.some((b) => b.type === 'form' && b.questions.some((q) => q.alertFrom !== null)))
    const form = step.blocks.find((b): b is FormBlock => b.type === 'form' && b.questions.some((q) => q.alertFrom !== null)) as FormBlock
    const alerted = form.questions.find((q) => q.alertFrom !== null)!
    const answer = async () => {
      // The lowest option everywhere, except the alerting question, answered at its alert value.
      for (const question of form.questions) {
        const option =
          question.alertFrom !== null
            ? question.options.find((o) => o.value === question.alertFrom)
            : [...question.options].sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0]
        if (option) await page.locator(`#${form.id} input[name="${question.id}"][value="${option.id}"]`).check()
      }
      await page.locator(`#${form.id} button[type="submit"]`).click()
      await expect.poll(() => page.locator(`#${form.id} [data-result]`).isVisible()).toBe(true)
    }

    // The patient: the result leads with what to do now, and says nothing about flagging.
    await page.goto(server.origin + stepPath(module, step))
    await answer()
    const result = page.locator(`#${form.id} [data-result]`)
    expect(await result.locator('.result-box').getAttribute('data-level')).toBe('urgent')
    expect(await result.locator('.result-box > :first-child').getAttribute('class')).toBe('help-now')
    expect(await result.locator('.help-now a[href^="tel:"]').count()).toBeGreaterThan(0)
    expect(await result.innerText()).toContain(form.scoring!.bands[0]!.label)
    expect((await result.innerText()).toLowerCase()).not.toContain('behandlare')
    expect(await page.locator('[data-clinician-only], [data-events-preview], .reviewer-note, details.reviewer').count()).toBe(0)
    expect(await axeViolations(page, 'form with alert, patient view')).toEqual([])

    // The clinician view: the question is marked, and "Hantera händelser" lists the alert.
    await page.goto(server.origin + clinicianPath(module, step))
    expect(await page.locator(`#${form.id} [data-question="${alerted.id}"] .alert-marker`).count()).toBe(1)
    await answer()
    const events = page.locator(`#${form.id} [data-events-preview]`)
    await expect.poll(() => events.innerText()).toContain(alerted.prompt)
    expect(await events.locator('[data-marker="alert"]').count()).toBe(1)
    expect(await axeViolations(page, 'form with alert, clinician view')).toEqual([])
  })

  it('never styles a result as a success: an urgent band leads with the help numbers, in a calm style that is not green', async () => {
    // A self-assessment whose highest band is urgent and gives 112 as a link, and whose lowest is not urgent.
    const fits = (b: Step['blocks'][number]): b is FormBlock => {
      if (b.type !== 'form' || !b.scoring) return false
      const bands = [...b.scoring.bands].sort((x, y) => x.min - y.min)
      return bands.at(-1)!.level === 'urgent' && bands.at(-1)!.html.includes('href="tel:112"') && bands[0]!.level !== 'urgent'
    }
    const { module, step } = findStep((s) => s.blocks.some(fits))
    const form = step.blocks.find(fits) as FormBlock
    await page.goto(server.origin + stepPath(module, step))
    const styles: Record<string, { background: string; border: string }> = {}
    for (const pick of ['lowest', 'highest'] as const) {
      await page.locator(`#${form.id} button[type="reset"]`).click()
      for (const question of form.questions) {
        const sorted = [...question.options].sort((a, b) => (a.value ?? 0) - (b.value ?? 0))
        const option = pick === 'lowest' ? sorted[0] : sorted.at(-1)
        if (option) await page.locator(`#${form.id} input[name="${question.id}"][value="${option.id}"]`).check()
      }
      await page.locator(`#${form.id} button[type="submit"]`).click()
      const box = page.locator(`#${form.id} [data-result] .result-box`)
      await expect.poll(() => box.count()).toBe(1)
      const level = (await box.getAttribute('data-level')) as string
      styles[`${pick} (${level})`] = await box.evaluate((el) => {
        const style = getComputedStyle(el)
        return { background: style.backgroundColor, border: style.borderLeftColor }
      })
      if (pick === 'highest') {
        expect(level).toBe('urgent')
        // What to do now comes first, with the phone numbers as links, before the score.
        const order = await box.evaluate((el) => [...el.querySelectorAll('.help-now, .score, a[href^="tel:"]')].map((e) => (e.matches('.score') ? 'score' : e.matches('.help-now') ? 'help' : 'tel')))
        expect(order[0]).toBe('help')
        expect(order.indexOf('tel')).toBeGreaterThan(0)
        expect(order.indexOf('tel')).toBeLessThan(order.indexOf('score'))
        const numbers = await box.locator('.help-now a[href^="tel:"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
        expect(numbers).toEqual(expect.arrayContaining(['tel:112']))
        expect(await axeViolations(page, 'urgent result')).toEqual([])
      }
    }
    // No result is green (the colour of success), whatever its level.
    for (const [which, colours] of Object.entries(styles)) {
      for (const colour of [colours.background, colours.border]) expect(isGreen(colour), `${which}: ${colour}`).toBe(false)
    }
    expect(new Set(Object.values(styles).map((c) => c.border)).size).toBe(Object.keys(styles).length)
  })

  it('lists the unanswered required questions instead of a score', async () => {
    const { module, step } = findStep((s) => s.blocks.some((b) => b.type === 'form' && b.scoring !== null))
    const form = step.blocks.find((b): b is FormBlock => b.type === 'form') as FormBlock
    await page.goto(server.origin + stepPath(module, step))
    await page.locator(`#${form.id} button[type="submit"]`).click()
    const required = form.questions.filter((q) => q.required).length
    const result = page.locator(`#${form.id} [data-result]`)
    await expect.poll(() => result.locator('li').count()).toBe(required)
    expect(await page.locator(`#${form.id} [aria-invalid="true"]`).count()).toBeGreaterThan(0)
    expect(await axeViolations(page, 'form with errors')).toEqual([])
  })

  it('checks an exercise without scoring it', async () => {
    const { module, step } = findStep((s) => s.blocks.some((b) => b.type === 'form' && b.scoring === null && b.questions.some((q) => q.type === 'number' && q.max !== null)))
    const form = step.blocks.find((b): b is FormBlock => b.type === 'form') as FormBlock
    const number = form.questions.find((q) => q.type === 'number' && q.max !== null)
    await page.goto(server.origin + stepPath(module, step))
    await page.locator(`#${form.id} input[name="${number?.id}"]`).fill(String((number?.max ?? 0) + 1))
    await page.locator(`#${form.id} button[type="submit"]`).click()
    await expect.poll(() => page.locator(`#${form.id} [data-result]`).innerText()).toContain(`${number?.max} eller mindre`)
  })
})

describe('films', () => {
  it('show the player with Swedish captions on, or the poster and a note while the video is pending', async () => {
    for (const module of modules()) {
      for (const step of steps(module)) {
        for (const film of step.blocks.filter((b): b is FilmBlock => b.type === 'film')) {
          await page.goto(server.origin + stepPath(module, step))
          const section = page.locator(`#${film.id}`)
          if (film.video === null) {
            expect(await section.locator('video').count()).toBe(0)
            expect(await section.locator(`img[src="/${film.poster.path}"]`).isVisible()).toBe(true)
            expect(await section.innerText()).toContain('Filmen är inte klar än')
          } else {
            const track = section.locator('video track')
            expect(await track.getAttribute('srclang')).toBe('sv')
            expect(await track.getAttribute('default')).not.toBeNull()
          }
          const captions = await fetch(`${server.origin}/${film.captions.file.path}`)
          expect((await captions.text()).startsWith('WEBVTT')).toBe(true)
          const transcript = section.locator('details.transcript')
          expect(await transcript.locator('div').isVisible()).toBe(false)
          await transcript.locator('summary').click()
          expect(await transcript.innerText()).toContain(film.transcript.text.slice(0, 30))
        }
      }
    }
  })
})

describe('print view', () => {
  it('holds the whole module, hides the navigation on paper and prints to PDF', async () => {
    const module = modules()[0] as Module
    await page.goto(server.origin + `/utskrift/${module.id}/`)
    expect(await page.locator('article.print-step').count()).toBe(steps(module).length)
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.site-header').isVisible()).toBe(false)
    expect(await page.locator('.print-help').isVisible()).toBe(false)
    expect(await page.locator('h1').isVisible()).toBe(true)
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF')
    await page.emulateMedia({ media: 'screen' })
  })

  it('numbers every printed page, marks every page of a draft "Utkast", and shows each answer\'s points', async () => {
    const module = modules().find((m) => m.review.status !== 'approved' && steps(m).some((s) => s.blocks.some((b) => b.type === 'form' && b.scoring !== null)))
    expect(module, 'a draft module with a self-assessment').toBeDefined()
    await page.goto(server.origin + `/utskrift/${module!.id}/`)
    // The headings go down one level at a time from the page's one h1.
    const levels = await page.locator('main :is(h1, h2, h3, h4, h5, h6)').evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])))
    expect(levels[0]).toBe(1)
    expect(levels.filter((level, i) => i > 0 && level > (levels[i - 1] as number) + 1)).toEqual([])
    const pdfFile = path.join(out ?? tmpdir(), `print-${module!.id}.pdf`)
    await page.emulateMedia({ media: 'print' })
    await writeFile(pdfFile, await page.pdf({ format: 'A4' }))
    await page.emulateMedia({ media: 'screen' })
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', pdfFile, '-'])
    const pages = stdout.split('\f').filter((p) => p.trim() !== '')
    expect(pages.length).toBeGreaterThan(1)
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(`Sida ${i + 1} av ${pages.length}`)
      expect(text, `page ${i + 1}`).toContain('Utkast – inte granskat')
    })
    const form = steps(module!).flatMap((s) => s.blocks).find((b): b is FormBlock => b.type === 'form' && b.scoring !== null)!
    for (const option of form.questions[0]!.options) expect(stdout).toContain(`${option.label} (${option.value} poäng)`)
  })
})

describe('search', () => {
  it('finds a step by a word in its text', async () => {
    const { module, step } = findStep((s) => s.kind === 'text' && s.blocks.some((b) => b.type === 'text'))
    await page.goto(server.origin + '/sok/?q=' + encodeURIComponent(step.title))
    const results = page.locator('[data-search-results]')
    await expect.poll(() => results.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await results.locator(`a[href="${stepPath(module, step)}"]`).count()).toBe(1)
    expect(await axeViolations(page, 'search results')).toEqual([])
  })

  it('lists every hit it counts, page by page, and can be narrowed to one module', async () => {
    const status = page.locator('[data-search-status]')
    const results = page.locator('[data-search-results]')
    const listed = async (query: string): Promise<{ count: number; urls: string[] }> => {
      await page.goto(server.origin + '/sok/?' + query)
      await expect.poll(() => status.innerText(), { timeout: 10_000 }).toMatch(/matchar/)
      const count = Number(/^(\d+) steg/.exec(await status.innerText())?.[1] ?? '0')
      const urls: string[] = []
      const pages = Math.max(1, await page.locator('[data-search-pages] a').count())
      for (let n = 1; n <= pages; n++) {
        if (n > 1) {
          await page.locator('[data-search-pages] a', { hasText: `Sida ${n}` }).click()
          await expect.poll(() => page.locator('[data-search-pages] a[aria-current="page"]').innerText()).toBe(`Sida ${n}`)
        }
        urls.push(...(await results.locator('h2 a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname))))
      }
      return { count, urls }
    }
    // A common word: more hits than fit on one page.
    const all = await listed('q=du')
    expect(all.count).toBeGreaterThan(20)
    expect(all.urls.length).toBe(all.count)
    expect(new Set(all.urls).size).toBe(all.count)
    const module = modules()[1] as Module
    const one = await listed(`q=du&modul=${encodeURIComponent(module.title)}`)
    expect(one.count).toBeGreaterThan(0)
    expect(one.urls.length).toBe(one.count)
    expect(one.urls.every((u) => u.startsWith(`/moduler/${module.id}/`))).toBe(true)
    expect(one.count).toBeLessThan(all.count)
    expect(await axeViolations(page, 'search, narrowed')).toEqual([])
  })
})

describe('timeline', () => {
  it('shows the day each flag fires and answers for a chosen closing date', async () => {
    await page.goto(server.origin + '/tidslinje/')
    const table = await page.locator('table').first().innerText()
    for (const flag of bundle.programme.flags) expect(table).toContain(flag.title)
    const closing = bundle.programme.flags.find((f) => f.trigger === 'module-closing')
    if (closing) {
      await page.locator('#prova-datum').fill(await page.locator('#prova-datum').getAttribute('max') as string)
      await page.locator('#prova-datum').dispatchEvent('change')
      const day = bundle.programme.durationDays - closing.days
      await expect.poll(() => page.locator('[data-closing-answer]').innerText()).toContain(`skickas dag ${day}`)
    }
  })

  it('labels every event of the day chart in a row of its own, so none hides another at any width', async () => {
    const ending = bundle.programme.flags.find((f) => f.trigger === 'programme-ending' && f.recipient === 'clinician')
    expect(ending).toBeDefined()
    for (const width of [320, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 })
      await page.goto(server.origin + '/tidslinje/')
      const rows = page.locator('.day-chart li')
      const boxes = await rows.evaluateAll((lis) => lis.map((li) => { const r = li.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, text: (li as HTMLElement).innerText } }))
      for (let i = 1; i < boxes.length; i++) expect(boxes[i]!.top, `${width}px: row ${i + 1}`).toBeGreaterThanOrEqual(boxes[i - 1]!.bottom - 0.5)
      const row = rows.filter({ hasText: ending!.title })
      expect(await row.count()).toBe(1)
      expect(await row.innerText()).toContain(`Dag ${bundle.programme.durationDays - ending!.days}`)
      const dot = row.locator('.dot')
      expect(await dot.isVisible()).toBe(true)
      // The dot lies within its lane.
      const [lane, mark] = await Promise.all([row.locator('.lane').boundingBox(), dot.boundingBox()])
      expect(mark!.x + mark!.width / 2).toBeLessThanOrEqual(lane!.x + lane!.width + 1)
    }
    await page.setViewportSize({ width: 390, height: 844 })
  })
})

describe('patient and clinician views', () => {
  it('patient pages hold nothing for the clinician: no tree, no markers, no reviewer notes', async () => {
    const leaks: string[] = []
    for (const module of modules()) {
      for (const pagePath of [`/moduler/${module.id}/`, ...steps(module).map((s) => stepPath(module, s))]) {
        const html = await readFile(path.join(SITE, pagePath, 'index.html'), 'utf8')
        for (const marker of ['data-clinician-only', 'data-events-preview', 'class="tree"', 'reviewer-note', 'För granskare', 'För behandlaren', 'alert-marker']) {
          if (html.includes(marker)) leaks.push(`${pagePath}: ${marker}`)
        }
      }
    }
    expect(leaks).toEqual([])
  })

  it('switches between the views with plain links, on module and step pages', async () => {
    const module = modules()[0] as Module
    const step = steps(module)[0] as Step
    for (const [patientPath, clinicianPath_] of [[`/moduler/${module.id}/`, `/behandlare/${module.id}/`], [stepPath(module, step), clinicianPath(module, step)]] as const) {
      await page.goto(server.origin + patientPath)
      const switcher = page.locator('nav.view-switch')
      expect(await switcher.locator('a[aria-current="page"]').innerText()).toContain('invånare')
      await switcher.locator('a', { hasText: 'behandlare' }).click()
      expect(new URL(page.url()).pathname).toBe(clinicianPath_)
      expect(await page.locator('nav.view-switch a[aria-current="page"]').innerText()).toContain('behandlare')
    }
    // The clinician's module page is the tree with markers for alerts and band levels.
    const withAlert = modules().find((m) => steps(m).some((s) => s.blocks.some((b) => b.type === 'form' && b.questions.some((q) => q.alertFrom !== null))))!
    await page.goto(server.origin + `/behandlare/${withAlert.id}/`)
    expect(await page.locator('.tree .marker-alert').count()).toBeGreaterThan(0)
    expect(await page.locator('.tree .markers').first().innerText()).toMatch(/poäng, nivåer: .*(akut|uppmärksamhet|information)/)
  })

  it('on a phone, the step heading is on the first screen: the preview\'s own strip stays small', async () => {
    for (const module of modules()) {
      const step = steps(module)[1] as Step
      await page.goto(server.origin + stepPath(module, step))
      const h1 = await page.locator('h1').boundingBox()
      expect(h1!.y + h1!.height, `${stepPath(module, step)}`).toBeLessThan(844 * 0.5)
    }
  })
})

describe('review per step', () => {
  it.skipIf(!!process.env.PLUS_E2E_NO_BUILD)('shows each step\'s sign-off, whether it changed since, its content hash and its source file and line', async () => {
    const { module, current, changed } = signedOff!
    await page.goto(server.origin + `/behandlare/${module.id}/`)
    const row = (step: Step) => page.locator('.tree .steps li').filter({ has: page.locator(`a[href="${clinicianPath(module, step)}"]`) })
    expect(await row(current).locator('.signoff').innerText()).toBe('Granskat')
    expect(await row(changed).locator('.signoff').innerText()).toBe('Ändrat efter granskning')

    await page.goto(server.origin + clinicianPath(module, changed))
    const facts = page.locator('.step-facts')
    expect(await facts.locator('[data-signoff]').getAttribute('data-signoff')).toBe('changed')
    expect(await facts.innerText()).toContain('Anna Berg, leg. psykolog')
    expect(await facts.locator('code.hash').innerText()).toBe(stepHash(changed))
    expect(await facts.innerText()).toContain(`${changed.source.file}:${changed.source.line}`)
    const editor = await facts.locator('a', { hasText: 'öppna i redigeraren' }).getAttribute('href')
    expect(editor).toMatch(new RegExp(`^vscode://file/.*${changed.source.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${changed.source.line}$`))
    await page.goto(server.origin + clinicianPath(module, current))
    expect(await page.locator('.step-facts [data-signoff]').getAttribute('data-signoff')).toBe('current')
  })
})

describe('changes since the last release', () => {
  it.skipIf(!!process.env.PLUS_E2E_NO_BUILD)('badges new, changed and removed steps on the start page and in the module tree, and lists the changes with links', async () => {
    const r = release!
    await page.goto(server.origin + '/')
    const card = page.locator('.module-card').filter({ has: page.locator(`a[href="/moduler/${r.module.id}/"]`) })
    expect(await card.locator('.change').allInnerTexts()).toEqual(['Ny: 1 steg', 'Ändrad: 1 steg', 'Borttagen: 1 steg'])
    expect(await page.locator('.change').count()).toBe(3)

    await page.goto(server.origin + `/behandlare/${r.module.id}/`)
    const row = (step: Step) => page.locator('.tree .steps li').filter({ has: page.locator(`a[href="${clinicianPath(r.module, step)}"]`) })
    expect(await row(r.newStep).locator('.change').innerText()).toBe('Ny')
    expect(await row(r.changedStep).locator('.change').innerText()).toBe('Ändrad')
    expect(await page.locator('.removed-steps').innerText()).toContain('Ett steg som har tagits bort')
    expect(await page.locator('.tree .change').count()).toBe(2)

    await page.goto(server.origin + '/andringar/')
    expect(await page.locator('.lead').innerText()).toContain(`${r.version} → ${bundle.programme.version}`)
    expect(await page.locator(`.change-list a[href="${clinicianPath(r.module, r.newStep)}"]`).count()).toBe(1)
    expect(await page.locator(`.change-list a[href="${clinicianPath(r.module, r.changedStep)}"]`).count()).toBeGreaterThan(0)
    expect(await page.locator('.change-list').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(r.removedStepId)]))

    await page.goto(server.origin + clinicianPath(r.module, r.changedStep))
    await page.locator('details.word-diff summary').click()
    expect(await page.locator('details.word-diff del').first().innerText()).toContain('Tidigare inledning.')
    expect(await axeViolations(page, 'word diff')).toEqual([])
  })
})

describe('page weight', () => {
  it('keeps a typical text step light: HTML and CSS only', async () => {
    const weights: { raw: number; gzip: number }[] = []
    for (const module of modules()) {
      for (const step of steps(module).filter((s) => s.kind === 'text')) {
        const html = await readFile(path.join(SITE, stepPath(module, step), 'index.html'))
        const assets = [...html.toString().matchAll(/(?:href|src)="(\/_astro\/[^"]+\.(?:css|js))"/g)].map((m) => m[1] as string)
        const files = [html, ...(await Promise.all(assets.map((a) => readFile(path.join(SITE, a)))))]
        weights.push({ raw: files.reduce((n, f) => n + f.length, 0), gzip: files.reduce((n, f) => n + gzipSync(f).length, 0) })
      }
    }
    weights.sort((a, b) => a.raw - b.raw)
    const median = weights[Math.floor(weights.length / 2)] as { raw: number; gzip: number }
    console.info(`typical text step page: ${median.raw} bytes HTML+CSS (${median.gzip} gzipped), no JavaScript`)
    expect(median.raw).toBeLessThan(40_000)
  })
})

describe('development server', () => {
  // `npm run dev` on a copy of the content, so the test can break and fix it.
  let dir: string
  let dev: ReturnType<typeof start>
  let origin: string
  let devPage: Page

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plus-dev-'))
    await cp(path.join(ROOT, 'content'), path.join(dir, 'content'), { recursive: true })
    const port = await freePort()
    origin = `http://127.0.0.1:${port}`
    dev = start('npm', ['run', 'dev', '--', '--port', String(port), '--host', '127.0.0.1'], {
      PLUS_CONTENT_DIR: path.join(dir, 'content'),
      PLUS_BUNDLE_DIR: path.join(dir, 'bundle'),
      PLUS_RELEASED_DIR: path.join(dir, 'released'),
      FORCE_COLOR: '0',
    })
    await waitFor(async () => (await fetch(origin + '/').then((r) => r.status, () => 0)) === 200, 60_000, () => dev.output())
    devPage = await context.newPage()
  }, 90_000)

  afterAll(async () => {
    // A page caught in a reload can take its time to close; the server is stopped regardless.
    await Promise.race([devPage?.close().catch(() => null), new Promise((resolve) => setTimeout(resolve, 5_000))])
    await dev?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  }, 30_000)

  it('rebuilds on save, shows content errors with file:line:column in the browser and the terminal, and recovers', async () => {
    const module = modules()[0] as Module
    const step = steps(module)[0] as Step
    const file = path.join(dir, 'content', step.source.file)
    const original = await readFile(file, 'utf8')
    // The first visit may be reloaded once while Vite optimises dependencies; wait until it settles.
    await expect
      .poll(async () => {
        await devPage.goto(`${origin}${stepPath(module, step)}`).catch(() => null)
        return devPage.locator('h1').innerText().catch(() => '')
      }, { timeout: 30_000 })
      .toBe(step.title)

    // A save that changes a title reloads the open page with the new text.
    await writeFile(file, original.replace(`title="${step.title}"`, `title="${step.title} (ändrad)"`))
    await expect.poll(() => devPage.locator('h1').innerText(), { timeout: 20_000 }).toBe(`${step.title} (ändrad)`)

    // A broken link right under the step's opening line: the page turns into the error list.
    const lines = original.split('\n')
    lines.splice(step.source.line, 0, 'Se [steget](#finns-inte).')
    await writeFile(file, lines.join('\n'))
    const where = `${step.source.file}:${step.source.line + 1}:4`
    const errors = devPage.locator('[data-plus-content-errors]')
    await expect.poll(() => errors.count(), { timeout: 20_000 }).toBe(1)
    const shown = await errors.innerText()
    expect(shown).toContain(where)
    expect(shown).toContain('PLUS308')
    await quiet(() => dev.output())
    await expect.poll(() => errors.count(), { timeout: 20_000 }).toBe(1)
    expect(await axeViolations(devPage, 'dev error page')).toEqual([])
    await expect.poll(() => dev.output(), { timeout: 5_000 }).toContain(where)

    // Fixing it brings the page back; a new step is served at once.
    await writeFile(file, `${original.trimEnd()}\n\n::::step{#dev-test-nytt-steg title="Ett nytt steg"}\nText.\n::::\n`)
    await expect.poll(() => devPage.locator('h1').innerText(), { timeout: 20_000 }).toBe(step.title)
    const added = await fetch(`${origin}/moduler/${module.id}/dev-test-nytt-steg/`, { headers: { accept: 'text/html' } })
    expect(added.status).toBe(200)
    expect(await added.text()).toContain('Ett nytt steg')
  }, 90_000)

  it('without a released bundle, says there is nothing to compare with and shows no change badges', async () => {
    const html = await fetch(`${origin}/`, { headers: { accept: 'text/html' } }).then((r) => r.text())
    expect(html).toContain('ingen tidigare release')
    expect(html).not.toMatch(/class="change change-/)
    const tree = await fetch(`${origin}/behandlare/${modules()[0]!.id}/`, { headers: { accept: 'text/html' } }).then((r) => r.text())
    expect(tree).toContain('class="tree"')
    expect(tree).not.toMatch(/class="change change-/)
  })

  it('shows a delivered film as a player with its poster and Swedish captions on by default', async () => {
    // No film is delivered yet in the content: deliver one in the copy (the compiler checks the
    // file exists, not that it plays; preload="none" keeps the browser from fetching it).
    const { module, step } = findStep((s) => s.blocks.some((b) => b.type === 'film'))
    const film = step.blocks.find((b): b is FilmBlock => b.type === 'film') as FilmBlock
    const file = path.join(dir, 'content', step.source.file)
    // Leave the open dev page, whose reload after the save would cut the next navigation short.
    await devPage.goto('about:blank')
    await writeFile(path.join(path.dirname(file), 'media', 'dev-test.mp4'), Buffer.alloc(1024))
    const text = await readFile(file, 'utf8')
    expect(text).toContain(`{#${film.id} `)
    await writeFile(file, text.replace(`{#${film.id} `, `{#${film.id} src="media/dev-test.mp4" `))
    // Wait for the rebuild before opening the page.
    const html = () => fetch(`${origin}${stepPath(module, step)}`, { headers: { accept: 'text/html' } }).then((r) => r.text())
    await expect.poll(html, { timeout: 20_000 }).toContain('<video')
    // The video and the text were saved separately, so the dev server may rebuild (and reload
    // open pages) more than once: wait until it has been quiet before opening the page.
    await quiet(() => dev.output())
    await devPage.goto(`${origin}${stepPath(module, step)}`)
    const video = devPage.locator(`#${film.id} video`)
    await expect.poll(() => video.count(), { timeout: 20_000 }).toBe(1)
    expect(await video.getAttribute('poster')).toBe(`/${film.poster.path}`)
    expect(await video.locator('source').getAttribute('type')).toBe('video/mp4')
    const track = video.locator('track')
    expect(await track.getAttribute('kind')).toBe('captions')
    expect(await track.getAttribute('srclang')).toBe('sv')
    expect(await track.getAttribute('default')).not.toBeNull()
    const captions = await fetch(`${origin}/${film.captions.file.path}`)
    expect(captions.headers.get('content-type')).toContain('text/vtt')
    // The dev server may reload the page once more (the video and the text were saved separately).
    await expect.poll(() => devPage.locator(`#${film.id} details.transcript`).count(), { timeout: 20_000 }).toBe(1)
    expect(await axeViolations(devPage, 'film with video')).toEqual([])
  }, 60_000)
})

/** True for an rgb() colour whose hue lies among the greens and that is not near grey. */
function isGreen(colour: string): boolean {
  const [r, g, b] = (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number) as [number, number, number]
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  if (max === 0 || (max - min) / max < 0.15) return false
  return g === max && g - Math.max(r, b) > 10
}

/** Signs off two steps of the last module in the bundle: one as it is, one as it was before an edit. */
async function signOff(dir: string): Promise<NonNullable<typeof signedOff>> {
  const bundle = await loadBundle(dir)
  const module = [...bundle.programme.modules].sort((a, b) => a.order - b.order).at(-1) as Module
  const [current, changed] = module.sections[0]!.steps as [Step, Step]
  current.signoff = { reviewer: 'Anna Berg, leg. psykolog', date: '2025-11-20', hash: stepHash(current) }
  changed.signoff = { reviewer: 'Anna Berg, leg. psykolog', date: '2025-11-20', hash: stepHash({ ...changed, title: `${changed.title} (före ändringen)` }) }
  await writeFile(path.join(dir, 'plus.json'), JSON.stringify(bundle))
  return { module, current, changed }
}

/**
 * A released bundle for the tests, from the one just built: the first module's second step did
 * not exist yet (so it is new), its first step had other text (changed), and a step that is no
 * longer there (removed).
 */
async function writeReleased(current: PlusBundle, dir: string): Promise<NonNullable<typeof release>> {
  const released = structuredClone(current)
  released.programme.version = '0.9.0'
  const module = [...released.programme.modules].sort((a, b) => a.order - b.order)[0] as Module
  const section = module.sections[0]!
  const newStep = section.steps.splice(1, 1)[0] as Step
  const changed = section.steps[0] as Step
  const text = changed.blocks.find((b) => b.type === 'text')
  if (text?.type !== 'text') throw new Error('the first step of the first module has no text block')
  text.html = text.html.replace('<p>', '<p>Tidigare inledning. ')
  text.text = `Tidigare inledning. ${text.text}`
  const removed: Step = { ...structuredClone(changed), id: 'e2e-borttaget-steg', title: 'Ett steg som har tagits bort' }
  section.steps.push(removed)
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'plus.json'), JSON.stringify(released))
  const currentModule = current.programme.modules.find((m) => m.id === module.id) as Module
  return { version: '0.9.0', newStep, changedStep: changed, removedStepId: removed.id, module: currentModule }
}

/** Resolves once `output()` has not grown for `quietMs` (the dev server has stopped rebuilding). */
async function quiet(output: () => string, quietMs = 1_500, timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  let length = output().length
  let since = Date.now()
  while (Date.now() - start < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = output().length
    if (now !== length) {
      length = now
      since = Date.now()
    } else if (Date.now() - since >= quietMs) return
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

async function waitFor(condition: () => Promise<boolean>, timeout: number, context: () => string): Promise<void> {
  const until = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out; output so far:\n${context()}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
