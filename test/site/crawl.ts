// Visits every page of the site reachable from the start page, in one browser tab, and records
// what the tests judge: console errors, failed requests, axe-core violations, links and their
// targets, the ids on each page (for #fragment links) and the scripts each page loads.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export interface Violation {
  page: string
  rule: string
  impact: string | null
  targets: string[]
  help: string
}

export interface PageFacts {
  status: number
  lang: string
  ids: Set<string>
  /** Module scripts the page runs (JSON data blocks are not scripts). */
  scripts: number
  h1: number
}

export interface CrawlResult {
  pages: Map<string, PageFacts>
  consoleErrors: string[]
  failedRequests: string[]
  violations: Violation[]
  /** Same-origin links and resources: page path → URLs found on it. */
  links: { from: string; url: string }[]
}

/** Runs axe-core on the page as it is now; every rule, best practices included. */
export async function axeViolations(page: Page, label: string): Promise<Violation[]> {
  const present = await page.evaluate(() => 'axe' in window)
  if (!present) await page.evaluate(AXE_SOURCE)
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target.join(' '))) }))
  })
  return results.map((v) => ({ page: label, rule: v.id, impact: v.impact, help: v.help, targets: v.targets }))
}

export async function crawl(page: Page, origin: string, start = '/'): Promise<CrawlResult> {
  const result: CrawlResult = { pages: new Map(), consoleErrors: [], failedRequests: [], violations: [], links: [] }
  let current = start
  page.on('console', (msg) => {
    if (msg.type() === 'error') result.consoleErrors.push(`${current}: ${msg.text()}`)
  })
  page.on('pageerror', (error) => result.consoleErrors.push(`${current}: ${error.message}`))
  page.on('requestfailed', (request) => {
    // Leaving a page aborts what it was still fetching in the background (the favicon); that is
    // the crawler moving on, not a broken resource.
    const reason = request.failure()?.errorText
    if (reason !== 'net::ERR_ABORTED') result.failedRequests.push(`${current}: ${request.url()} (${reason})`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400) result.failedRequests.push(`${current}: ${response.url()} (${response.status()})`)
  })

  const queue = [start]
  const queued = new Set(queue)
  while (queue.length > 0) {
    current = queue.shift() as string
    const response = await page.goto(origin + current, { waitUntil: 'load' })
    const facts = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      scripts: document.querySelectorAll('script:not([type="application/json"])').length,
      h1: document.querySelectorAll('h1').length,
      urls: [
        ...[...document.querySelectorAll<HTMLAnchorElement>('a[href]')].map((a) => a.href),
        ...[...document.querySelectorAll<HTMLElement>('img[src], source[src], track[src], script[src]')].map((e) => (e as HTMLImageElement).src),
        ...[...document.querySelectorAll<HTMLLinkElement>('link[href]')].map((l) => l.href),
        ...[...document.querySelectorAll<HTMLVideoElement>('video[poster]')].map((v) => v.poster),
      ],
    }))
    result.pages.set(current, { status: response?.status() ?? 0, lang: facts.lang, ids: new Set(facts.ids), scripts: facts.scripts, h1: facts.h1 })
    result.violations.push(...(await axeViolations(page, current)))
    for (const href of facts.urls) {
      const url = new URL(href)
      if (url.origin !== origin) continue
      result.links.push({ from: current, url: url.pathname + url.search + url.hash })
      const isPage = url.pathname.endsWith('/') || !/\.[a-z0-9]+$/i.test(url.pathname)
      if (isPage && !queued.has(url.pathname)) {
        queued.add(url.pathname)
        queue.push(url.pathname)
      }
    }
  }
  return result
}
