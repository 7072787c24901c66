// The preview's edit loop, as an author meets it: `npm run dev` (Astro's dev server with the
// project's integration, site/integration/index.ts) shows a step in Chromium; a save changes the
// step's title; the time is from the write to the reloaded page's `load` event with the new title.
// Run by bench/run.ts in a child process; prints one JSON line.
//
//   node bench/dev.ts <content-dir> <work-dir> [saves]
//
// The browser is the browser tests' own (test/site/browser.ts: Debian's Chromium driven by
// playwright-core). The content folder is copied, so the benchmark never edits the original.
import { spawn } from 'node:child_process'
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchBrowser } from '../test/site/browser.ts'
import type { PlusBundle } from '../src/types/bundle.generated.ts'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const [source, work, savesArg] = process.argv.slice(2)
if (!source || !work) throw new Error('usage: dev.ts <content-dir> <work-dir> [saves]')
const saves = Number(savesArg ?? 9)

const contentDir = path.join(work, 'dev-content')
const bundleDir = path.join(work, 'dev-bundle')
// Fresh folders: a bundle left by an earlier run must not stand in for this one's first build.
for (const dir of [contentDir, bundleDir]) await rm(dir, { recursive: true, force: true })
await mkdir(work, { recursive: true })
await cp(source, contentDir, { recursive: true })

const port = await new Promise<number>((resolve, reject) => {
  const probe = createServer()
  probe.once('error', reject)
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo
    probe.close(() => resolve(port))
  })
})
const origin = `http://127.0.0.1:${port}`
// Astro's own command, as `npm run dev` starts it, in a process group of its own; without Astro's
// lock file, so the benchmark neither trips over nor disturbs a dev server already running here.
const astro = path.join(root, 'node_modules/astro/bin/astro.mjs')
const server = spawn(process.execPath, [astro, 'dev', '--port', String(port), '--host', '127.0.0.1', '--ignore-lock'], {
  cwd: root,
  env: {
    ...process.env,
    ASTRO_TELEMETRY_DISABLED: '1',
    ASTRO_DISABLE_UPDATE_CHECK: 'true',
    PLUS_CONTENT_DIR: contentDir,
    PLUS_BUNDLE_DIR: bundleDir,
    PLUS_RELEASED_DIR: path.join(work, 'dev-released'),
    FORCE_COLOR: '0',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
})
let output = ''
server.stdout.on('data', (chunk) => (output += chunk))
server.stderr.on('data', (chunk) => (output += chunk))
const signal = (name: NodeJS.Signals) => {
  try {
    process.kill(-server.pid!, name)
  } catch {
    // already gone
  }
}
process.on('exit', () => signal('SIGKILL'))
/** Stops the server and waits until it has exited. */
const stop = () =>
  new Promise<void>((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve()
    const force = setTimeout(() => signal('SIGKILL'), 5_000)
    server.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    signal('SIGTERM')
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await condition().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; dev server output:\n${output}`)
    await sleep(100)
  }
}

await until(async () => (await fetch(origin + '/')).status === 200, 180_000, 'the dev server')
const bundle = JSON.parse(await readFile(path.join(bundleDir, 'plus.json'), 'utf8')) as PlusBundle
const module = bundle.programme.modules[0]!
const step = module.sections[0]!.steps[0]!
const file = path.join(contentDir, step.source.file)
const original = await readFile(file, 'utf8')
const titleAttr = `title="${step.title}"`
if (!original.includes(titleAttr)) throw new Error(`${step.source.file} does not hold ${titleAttr}`)

const browser = await launchBrowser()
const times: number[] = []
try {
  const page = await browser.newPage()
  const url = `${origin}/moduler/${module.id}/${step.id}/`
  const heading = () => page.locator('h1').innerText({ timeout: 10_000 })
  // The first visits may be reloaded while Vite optimises dependencies: wait until one holds.
  await until(async () => {
    await page.goto(url)
    await sleep(1_000)
    return (await heading()) === step.title
  }, 120_000, 'the step page')

  for (let i = 0; i <= saves; i++) {
    const title = `${step.title} (${i})`
    // Resolves at the first `load` of a page showing the new title.
    const reloaded = new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`no reload with the new title; output:\n${output.slice(-2000)}`)), 30_000)
      const onLoad = async () => {
        const at = performance.now()
        if ((await heading().catch(() => '')) !== title) return
        clearTimeout(timeout)
        page.off('load', onLoad)
        resolve(at)
      }
      page.on('load', onLoad)
    })
    const start = performance.now()
    await writeFile(file, original.replace(titleAttr, `title="${title}"`))
    const at = await reloaded
    // The first save warms the server's code for a rebuild; it is not counted.
    if (i > 0) times.push(at - start)
    await sleep(400)
  }
} finally {
  await browser.close()
  await stop()
}
const sorted = [...times].sort((a, b) => a - b)
process.stdout.write(JSON.stringify({ saves: times.length, bestMs: sorted[0], medianMs: sorted[Math.floor(sorted.length / 2)], times }) + '\n')
process.exit(0)
