// The command line: exit codes (0 clean, 1 errors, 2 misuse), formats, languages, `plus new`.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/main.ts'
import { compile } from '../../src/compiler/index.ts'
import { contentWith, materialise } from '../helpers/fixture.ts'

function capture(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env, cwd },
    out: () => out.join(''),
    err: () => err.join(''),
  }
}

describe('plus check / build', () => {
  it('exits 0 on clean content and says so', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    try {
      const c = capture(path.dirname(dir))
      expect(await main(['check', 'content'], c.io)).toBe(0)
      expect(c.err()).toContain('content: no errors (1 module, 1 step)')
      const sv = capture(path.dirname(dir), { LANG: 'sv_SE.UTF-8' })
      expect(await main(['check', 'content'], sv.io)).toBe(0)
      expect(sv.err()).toContain('content: inga fel (1 modul, 1 steg)')
    } finally {
      await cleanup()
    }
  })

  it('exits 1 on errors and prints path:line:column: severity code message with a hint', async () => {
    const { dir, cleanup } = await materialise('plus308-unresolved-reference')
    try {
      const c = capture(path.dirname(dir), { LANG: 'en_GB.UTF-8' })
      expect(await main(['check'], c.io)).toBe(1)
      expect(c.err()).toMatch(/^content\/mod\/01-avsnitt\.md:7:4: error PLUS308 .+\n  hint: /m)
    } finally {
      await cleanup()
    }
  })

  it('writes Swedish for a Swedish locale or --lang sv', async () => {
    const { dir, cleanup } = await materialise('plus308-unresolved-reference')
    try {
      const a = capture(path.dirname(dir), { LANG: 'sv_SE.UTF-8' })
      await main(['check'], a.io)
      expect(a.err()).toContain(': fel PLUS308 Länken')
      const b = capture(path.dirname(dir), { LANG: 'C' })
      await main(['check', '--lang', 'sv'], b.io)
      expect(b.err()).toContain('tips:')
    } finally {
      await cleanup()
    }
  })

  it('prints JSON diagnostics on stdout with --format json', async () => {
    const { dir, cleanup } = await materialise('plus301-duplicate-id')
    try {
      const c = capture(path.dirname(dir))
      expect(await main(['check', '--format', 'json'], c.io)).toBe(1)
      const { diagnostics } = JSON.parse(c.out())
      expect(diagnostics[0]).toMatchObject({ code: 'PLUS301', name: 'duplicate-id', severity: 'error', line: 6, column: 1 })
      expect(diagnostics[0].related).toMatchObject({ line: 2 })
    } finally {
      await cleanup()
    }
  })

  it('builds to --out and exits 0', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    try {
      const c = capture(path.dirname(dir))
      expect(await main(['build', 'content', '--out', 'out/bundle'], c.io)).toBe(0)
      expect(JSON.parse(await readFile(path.join(path.dirname(dir), 'out/bundle/manifest.json'), 'utf8')).type).toBe('plus-manifest')
    } finally {
      await cleanup()
    }
  })

  it.each([
    [['frobnicate']],
    [[]],
    [['check', '--format', 'xml']],
    [['check', '--lang', 'de']],
    [['check', '--nope']],
    [['check', 'a', 'b']],
    [['new', 'thing']],
  ])('exits 2 for misuse: %j', async (argv) => {
    const c = capture(os.tmpdir())
    expect(await main(argv, c.io)).toBe(2)
    expect(c.err()).toContain('Usage:')
  })
})

describe('plus new', () => {
  it('adds a step with a fresh, readable, unique id that compiles', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    try {
      const cwd = path.dirname(dir)
      const c = capture(cwd)
      expect(await main(['new', 'step', 'content/mod/01-avsnitt.md', 'Ett steg'], c.io)).toBe(0)
      // "mod-ett-steg" is free; a second step with the same title gets a suffix.
      expect(c.out().trim()).toBe('#mod-ett-steg')
      const d = capture(cwd)
      await main(['new', 'step', 'content/mod/01-avsnitt.md', 'Ett steg'], d.io)
      expect(d.out().trim()).toBe('#mod-ett-steg-2')
      const result = await compile({ contentDir: dir })
      // It compiles; the skeleton text is a warning until someone writes the step, and a module
      // of three steps now needs a closing summary step.
      expect(result.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['PLUS314', 'warning', 19], ['PLUS314', 'warning', 23], ['PLUS316', 'warning', 23]])
      expect(result.output?.bundle.programme.modules[0]!.sections[0]!.steps.map((s) => s.id)).toEqual(['mod-steg', 'mod-ett-steg', 'mod-ett-steg-2'])
    } finally {
      await cleanup()
    }
  })

  it('adds a section and a module that compile, with ids from Swedish titles', async () => {
    const { dir, cleanup } = await materialise('ok-step-text')
    try {
      const cwd = path.dirname(dir)
      const a = capture(cwd)
      expect(await main(['new', 'section', 'content/mod', 'Sömn och återhämtning'], a.io)).toBe(0)
      expect(a.out().trim()).toBe('content/mod/02-somn-och-aterhamtning.md')
      const b = capture(cwd)
      expect(await main(['new', 'module', 'Ångest i vardagen'], b.io)).toBe(0)
      expect(b.out().trim()).toBe('content/angest-i-vardagen')
      const result = await compile({ contentDir: dir })
      expect(result.diagnostics.every((d) => d.code === 'PLUS314' && d.severity === 'warning')).toBe(true)
      expect(result.diagnostics).toHaveLength(3) // the new section's step, the new module's summary and step
      expect(result.output?.bundle.programme.modules.map((m) => [m.id, m.order])).toEqual([['mod', 1], ['angest-i-vardagen', 2]])
    } finally {
      await cleanup()
    }
  })

  it('refuses a step in a file outside a module folder', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'plus-new-'))
    try {
      const c = capture(root)
      expect(await main(['new', 'step', 'nowhere.md'], c.io)).toBe(2)
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe('text directives', () => {
  it('come back exactly as written, attributes and labels included', async () => {
    const line = 'Kl. 10:30 på S:t Eriks, 1:a och 3:e, :okänd[etikett **fet**]{#x .y z="1"} och ::inte-blockdirektiv.'
    const { dir, cleanup } = await contentWith({ 'mod/01-avsnitt.md': `---\nid: mod-avsnitt\ntitle: A\n---\n\n::::step{#mod-steg title="x"}\n${line}\n::::\n` })
    try {
      const result = await compile({ contentDir: dir })
      expect(result.diagnostics).toEqual([])
      const block = result.output!.bundle.programme.modules[0]!.sections[0]!.steps[0]!.blocks[0]!
      expect(block.type === 'text' && block.text).toBe(line)
    } finally {
      await cleanup()
    }
  })
})

describe('plus diff', () => {
  it('prints the changes between two built bundles in Swedish', async () => {
    const a = await materialise('ok-step-text')
    const b = await materialise('ok-internal-link')
    try {
      const cwd = path.dirname(a.dir)
      expect(await main(['build', a.dir, '--out', 'before'], capture(cwd).io)).toBe(0)
      expect(await main(['build', b.dir, '--out', 'after'], capture(cwd).io)).toBe(0)
      const c = capture(cwd)
      expect(await main(['diff', 'before', 'after', '--lang', 'sv'], c.io)).toBe(0)
      expect(c.out()).toContain('mod-steg-2')
      const j = capture(cwd)
      await main(['diff', 'before', 'after', '--format', 'json'], j.io)
      expect(JSON.parse(j.out()).breaking).toBe(false)
      expect(await main(['diff', 'before', 'nowhere'], capture(cwd).io)).toBe(2)
    } finally {
      await a.cleanup()
      await b.cleanup()
    }
  })
})

describe('plus fhir', () => {
  it('writes every form as a FHIR Questionnaire in a collection Bundle', async () => {
    const { dir, cleanup } = await materialise('ok-form-assessment')
    try {
      const cwd = path.dirname(dir)
      expect(await main(['build', dir, '--out', 'bundle'], capture(cwd).io)).toBe(0)
      expect(await main(['fhir', 'bundle', '--out', 'fhir/questionnaires.json', '--base-url', 'https://vard.example/fhir'], capture(cwd).io)).toBe(0)
      const fhir = JSON.parse(await readFile(path.join(cwd, 'fhir/questionnaires.json'), 'utf8'))
      expect(fhir).toMatchObject({ resourceType: 'Bundle', type: 'collection' })
      expect(fhir.entry.map((e: { resource: { url: string } }) => e.resource.url)).toEqual(['https://vard.example/fhir/testprogram/Questionnaire/mod-form'])
      expect(await main(['fhir', 'bundle', '--base-url', 'http://insecure'], capture(cwd).io)).toBe(2)
    } finally {
      await cleanup()
    }
  })
})

describe('usage follows the locale', () => {
  it('prints --help in Swedish for a Swedish locale and in English otherwise, and --lang overrides', async () => {
    const sv = capture(process.cwd(), { LANG: 'sv_SE.UTF-8' })
    expect(await main(['--help'], sv.io)).toBe(0)
    expect(sv.out()).toContain('Användning:')
    const en = capture(process.cwd(), { LANG: 'C' })
    expect(await main(['--help'], en.io)).toBe(0)
    expect(en.out()).toContain('Usage:')
    const flag = capture(process.cwd(), { LANG: 'C' })
    await main(['help', '--lang', 'sv'], flag.io)
    expect(flag.out()).toContain('Användning:')
  })

  it('explains misuse in the language of the locale (exit 2)', async () => {
    const sv = capture(process.cwd(), { LANG: 'sv_SE.UTF-8' })
    expect(await main(['frobnicate'], sv.io)).toBe(2)
    expect(sv.err()).toMatch(/^plus: okänt kommando "frobnicate"\n\nplus — skriv/)
    const en = capture(process.cwd(), { LANG: 'en_US.UTF-8' })
    expect(await main(['check', 'a', 'b'], en.io)).toBe(2)
    expect(en.err()).toMatch(/^plus: check takes at most one content folder\n\nplus — write/)
  })
})
