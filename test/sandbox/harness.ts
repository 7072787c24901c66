// A sandbox for tests: a bundle built once into a temporary folder, a fresh database per
// sandbox, a fixed start (Monday 12 January 2026, 09:00 in Stockholm), the server on a free port,
// and a small HTTP client that keeps cookies and does not follow redirects.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Sandbox } from '../../src/sandbox/app.ts'
import { loadOrBuildBundle } from '../../src/sandbox/content-source.ts'
import { startServer } from '../../src/sandbox/server.ts'
import type { PlusBundle } from '../../src/types/bundle.generated.ts'
import { ROOT } from '../site/run.ts'

export const START = new Date('2026-01-12T08:00:00.000Z')

export interface TestSandbox {
  /** Replaceable by a test that restarts the sandbox on the same file; close() closes the current one. */
  sandbox: Sandbox
  origin: string
  dbPath: string
  bundle: PlusBundle
  close: () => Promise<void>
}

let shared: Promise<{ dir: string; bundleDir: string; bundle: PlusBundle }> | null = null

/** The bundle, built from content/ once per test file into a temporary folder. */
export function testBundle(): Promise<{ dir: string; bundleDir: string; bundle: PlusBundle }> {
  shared ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'plus-sandbox-'))
    const bundleDir = path.join(dir, 'bundle')
    const bundle = await loadOrBuildBundle({ contentDir: path.join(ROOT, 'content'), bundleDir })
    return { dir, bundleDir, bundle }
  })()
  return shared
}

export async function openTestSandbox(): Promise<TestSandbox> {
  const { bundle, bundleDir } = await testBundle()
  const dir = await mkdtemp(path.join(tmpdir(), 'plus-sandbox-db-'))
  const dbPath = path.join(dir, '.plus', 'sandbox.db')
  const sandbox = await Sandbox.open({ dbPath, bundle, start: START, persistClock: false })
  const server = await startServer(sandbox, { globalCss: path.join(ROOT, 'site/styles/global.css'), favicon: path.join(ROOT, 'site/public/favicon.svg'), bundleDir }, 0)
  const result: TestSandbox = {
    sandbox,
    origin: server.origin,
    dbPath,
    bundle,
    close: async () => {
      await server.close()
      await result.sandbox.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return result
}

export async function removeTestBundle(): Promise<void> {
  if (!shared) return
  const { dir } = await shared
  await rm(dir, { recursive: true, force: true })
  shared = null
}

export interface Reply {
  status: number
  location: string | null
  text: string
}

/** One browser-less visitor: keeps its cookies, sends forms as a browser would. */
export function client(origin: string) {
  const jar = new Map<string, string>()
  const remember = (res: Response) => {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i)
      const value = pair.slice(i + 1)
      if (/Max-Age=0/.test(cookie) || value === '') jar.delete(name)
      else jar.set(name, value)
    }
  }
  const headers = () => ({ cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') })
  const reply = async (res: Response): Promise<Reply> => {
    remember(res)
    return { status: res.status, location: res.headers.get('location'), text: await res.text() }
  }
  return {
    async get(path: string): Promise<Reply> {
      return reply(await fetch(origin + path, { headers: headers(), redirect: 'manual' }))
    },
    async post(path: string, fields: Record<string, string | string[]> = {}): Promise<Reply> {
      const body = new URLSearchParams()
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
      return reply(await fetch(origin + path, { method: 'POST', body, headers: { ...headers(), 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' }))
    },
    /** POST, then GET where it redirects to (as a browser does after 303). */
    async submit(path: string, fields: Record<string, string | string[]> = {}): Promise<Reply> {
      let reply = await this.post(path, fields)
      for (let hops = 0; hops < 3 && reply.status === 303 && reply.location; hops++) reply = await this.get(reply.location)
      return reply
    },
    /**
     * Fills in a form as a browser would: GETs `page`, takes the hidden fields (programme version,
     * idempotency key) of the form posting to `action`, adds `fields` and posts. Returns the post's
     * reply and the hidden fields it sent, so a test can send the same rendered form again.
     */
    async postForm(page: string, action: string, fields: Record<string, string | string[]> = {}): Promise<Reply & { hidden: Record<string, string> }> {
      const shown = await this.get(page)
      if (shown.status !== 200) throw new Error(`GET ${page} answered ${shown.status}`)
      const hidden = hiddenFields(shown.text, action)
      return { ...(await this.post(action, { ...hidden, ...fields })), hidden }
    },
    /** postForm, then GET where it redirects to. */
    async submitForm(page: string, action: string, fields: Record<string, string | string[]> = {}): Promise<Reply> {
      let reply: Reply = await this.postForm(page, action, fields)
      for (let hops = 0; hops < 3 && reply.status === 303 && reply.location; hops++) reply = await this.get(reply.location)
      return reply
    },
    async as(personId: string): Promise<Reply> {
      return this.submit('/du-ar', { person: personId })
    },
  }
}

/** The hidden inputs of the (first) form on a page that posts to `action`; throws when there is none. */
export function hiddenFields(pageHtml: string, action: string): Record<string, string> {
  const forms = [...pageHtml.matchAll(/<form\b[^>]*\baction="([^"]*)"[^>]*>([^]*?)<\/form>/g)]
  const found = forms.find((m) => m[1] === action)
  if (!found) throw new Error(`no form posting to ${action}`)
  const out: Record<string, string> = {}
  for (const input of (found[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[input[1] ?? ''] = input[2] ?? ''
  return out
}
