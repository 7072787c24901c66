import { describe, expect, it } from 'vitest'
import * as plus from '../../src/index.ts'
import * as compiler from '../../src/authoring.ts'

describe('public api', () => {
  it('should expose the runtime api as plus', () => {
    expect(Object.keys(plus).sort()).toEqual([
      'BUNDLE_SCHEMA_VERSION', 'BundleError', 'alertsFor', 'bandFor', 'isScored', 'loadBundle', 'loadManifest',
      'MAX_TEXT_ANSWER', 'parseBundle', 'scoreForm', 'scoreRange', 'validateAnswers',
    ].sort())
  })

  it('should expose the compiler as plus/compiler', () => {
    expect(Object.keys(compiler).sort()).toEqual([
      'BUNDLE_SCHEMA_VERSION', 'build', 'catalogue', 'codes', 'compile', 'createCache', 'formatDiagnostic', 'formatText',
      'toJson', 'watchContent',
    ].sort())
  })
})
