// The bundle contract: one format version and one set of validators for every reader.
import { describe, expect, it } from 'vitest'
import { BUNDLE_SCHEMA_MAJOR, BUNDLE_SCHEMA_VERSION, bundleProblems, manifestProblems, supportedVersion } from '../../src/bundle/contract.ts'
import { SUPPORTED_SCHEMA_MAJOR } from '../../src/engine/content.ts'
import { BUNDLE_SCHEMA_VERSION as COMPILER_VERSION } from '../../src/compiler/index.ts'

describe('bundle contract', () => {
  it('is the one version the compiler writes and the engine reads', () => {
    expect(COMPILER_VERSION).toBe(BUNDLE_SCHEMA_VERSION)
    expect(SUPPORTED_SCHEMA_MAJOR).toBe(BUNDLE_SCHEMA_MAJOR)
    expect(supportedVersion(`${BUNDLE_SCHEMA_MAJOR}.9.0`)).toBe(true)
    expect(supportedVersion(`${BUNDLE_SCHEMA_MAJOR + 1}.0.0`)).toBe(false)
  })

  it('names what is wrong with something that is not a bundle or a manifest', () => {
    expect(bundleProblems({ type: 'plus-bundle' }).length).toBeGreaterThan(0)
    expect(manifestProblems({}).length).toBeGreaterThan(0)
    expect(bundleProblems({ type: 'plus-bundle' }).every((line) => /^[^:]+: /.test(line))).toBe(true)
  })
})
