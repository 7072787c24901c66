// The diagnostic catalogue: permanent codes, both languages, and every code exercised.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { catalogue, codes } from '../../src/compiler/diagnostics/catalogue.ts'

// Codes shipped so far, with their names. Changing or removing one breaks authors' references:
// add new codes instead.
const shipped: Record<string, string> = {
  PLUS101: 'file-unreadable', PLUS102: 'file-too-large', PLUS103: 'not-utf8', PLUS104: 'programme-missing',
  PLUS105: 'module-file-missing', PLUS106: 'frontmatter-missing', PLUS107: 'frontmatter-language',
  PLUS108: 'yaml-syntax', PLUS109: 'yaml-alias', PLUS110: 'yaml-tag', PLUS111: 'frontmatter-schema',
  PLUS112: 'stray-file', PLUS201: 'unknown-directive', PLUS202: 'directive-attribute',
  PLUS203: 'directive-misplaced', PLUS204: 'raw-html', PLUS205: 'unsafe-link', PLUS206: 'markdown-image',
  PLUS207: 'content-outside-step', PLUS208: 'stray-fence', PLUS209: 'too-deep', PLUS210: 'empty-block',
  PLUS211: 'option-syntax', PLUS212: 'question-prompt-missing', PLUS213: 'question-options',
  PLUS214: 'band-syntax', PLUS215: 'form-without-questions', PLUS216: 'duplicate-scoring',
  PLUS217: 'heading-level', PLUS218: 'unscored-option', PLUS219: 'invalid-duration',
  PLUS220: 'block-too-complex', PLUS221: 'heading-skip', PLUS222: 'vague-link-text', PLUS223: 'alert-invalid', PLUS224: 'fence-length', PLUS301: 'duplicate-id', PLUS302: 'media-missing', PLUS303: 'webvtt-invalid',
  PLUS304: 'captions-coverage', PLUS305: 'module-order', PLUS306: 'empty-section', PLUS307: 'empty-module',
  PLUS308: 'unresolved-reference', PLUS309: 'band-coverage', PLUS310: 'media-outside-module',
  PLUS311: 'film-pending', PLUS312: 'release-not-approved', PLUS313: 'readability', PLUS314: 'skeleton-text', PLUS315: 'unsafe-svg', PLUS401: 'write-failed',
  PLUS113: 'control-character', PLUS225: 'unclosed-directive', PLUS226: 'duplicate-attribute', PLUS227: 'typographic-quotes',
  PLUS228: 'invisible-character', PLUS316: 'closing-step', PLUS317: 'captions-sparse', PLUS318: 'transcript-short',
  PLUS319: 'guide-module-list', PLUS320: 'estimated-time', PLUS321: 'urgent-help-missing', PLUS322: 'risk-question-alert',
  PLUS323: 'band-text', PLUS324: 'module-requirements', PLUS325: 'safety-information', PLUS326: 'flag-text',
}

describe('diagnostic catalogue', () => {
  it('keeps every shipped code with its name', () => {
    for (const [code, name] of Object.entries(shipped)) expect(catalogue[code as keyof typeof catalogue]?.name, code).toBe(name)
  })

  it('renders a message and a hint in Swedish and English for every code', () => {
    const args = { missing: '112,90101', word: 'stress', step: 'x', stated: 60, computed: 34, needed: 6, cues: 2, words: 1, captionWords: 6, actual: 'x', band: 'x', form: 'x', codepoint: 'U+202E', attribute: 'title', quote: '”', next: 9, id: 'x', name: 'x', field: 'x', sv: 'x', en: 'x', path: 'x', reason: 'x', size: 1, limit: 1, dir: 'x', lang: 'js', tag: '!x', fence: ':::', expected: 'a,b', parent: 'x', url: 'x', depth: 1, text: 'x', type: 'x', count: 1, option: 'x', question: 'x', value: 'x', scope: 'x', end: '0:01', duration: '0:02', order: 1, problem: 'gap', from: 1, to: 2, min: 0, max: 3, suggestion: 'y', status: 'draft', what: 'long', chars: '*', kind: 'module', lix: 45, child: ':::tips', fix: '::::step', line: 6, whatEn: 'x' }
    for (const code of codes) {
      const entry = catalogue[code]
      for (const lang of ['sv', 'en'] as const) {
        expect(entry.message[lang](args).length, `${code} ${lang}`).toBeGreaterThan(10)
        expect(entry.hint[lang](args).length, `${code} ${lang}`).toBeGreaterThan(10)
      }
      expect(entry.message.sv(args)).not.toBe(entry.message.en(args))
    }
  })

  it('has a fixture or a test for every code', () => {
    const fixtures = readdirSync(new URL('../fixtures/', import.meta.url)).join('\n')
    const tests = ['../compiler/hostile.test.ts', '../compiler/build-output.test.ts', '../cli/cli.test.ts']
      .map((f) => readFileSync(new URL(f, import.meta.url), 'utf8'))
      .join('\n')
    for (const code of codes) {
      const covered = fixtures.includes(code.toLowerCase()) || tests.includes(`'${code}'`)
      expect(covered, `${code} has no fixture or test`).toBe(true)
    }
  })

  it('is documented in the authoring guide, one table row per code with its name, in order', () => {
    const guide = readFileSync(new URL('../../content/README.md', import.meta.url), 'utf8')
    const rows = [...guide.matchAll(/^\| `(PLUS\d{3})` \| ([a-z0-9-]+) \|/gm)].map((m) => [m[1], m[2]])
    expect(rows).toEqual(codes.map((code) => [code, catalogue[code].name]))
  })

  it('lists exactly the warnings as warnings in the authoring guide', () => {
    const guide = readFileSync(new URL('../../content/README.md', import.meta.url), 'utf8')
    const sentence = /^\S+ koder är varningar: (.+)$/m.exec(guide)?.[1] ?? ''
    const listed = [...sentence.matchAll(/PLUS\d{3}/g)].map((m) => m[0]).sort()
    expect(listed).toEqual(codes.filter((code) => catalogue[code].severity === 'warning').sort())
  })
})
