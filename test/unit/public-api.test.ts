import { describe, expect, it } from 'vitest'
import * as plus from '../../src/index.ts'

describe('public api', () => {
  it('should expose the public api', () => {
    expect(Object.keys(plus).sort()).toEqual([
      'BUNDLE_SCHEMA_VERSION', 'BundleError', 'alertsFor', 'bandFor', 'build', 'catalogue', 'codes', 'compile', 'createCache',
      'formatDiagnostic', 'formatText', 'isScored', 'loadBundle', 'loadManifest', 'MAX_TEXT_ANSWER', 'parseBundle',
      'scoreForm', 'scoreRange', 'toJson', 'validateAnswers', 'watchContent',
    ].sort())
  })
})
