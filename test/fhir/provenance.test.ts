// A standardised form that a region uses under licence carries its source and terms from the
// form's attributes through the bundle into the Questionnaire: `copyright` holds the terms,
// `description` names the source, and a citation extension repeats it with its web page.
// PLUS's own forms carry none of this. The bundle is the fixture ok-form-licensed, which
// test/compiler/fixtures.test.ts keeps equal to what the compiler writes.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { bundleProblems } from '../../src/bundle/contract.ts'
import { allQuestionnaires, toQuestionnaire } from '../../src/fhir/index.ts'
import { ARTIFACT_RELATED_ARTIFACT } from '../../src/fhir/urls.ts'
import type { PlusBundle } from '../../src/types/bundle.generated.ts'
import { formsOf, realBundle } from './content.ts'
import { fhirErrors } from './validators.ts'

async function fixtureBundle(name: string): Promise<PlusBundle> {
  return JSON.parse(await readFile(new URL(`../fixtures/${name}/expected-bundle.json`, import.meta.url), 'utf8')) as PlusBundle
}

describe('source and licence of a licensed form in the FHIR export', () => {
  it('given a form with source, sourceUrl and licence, when exported, then copyright, description and the citation carry them and both validators accept it', async () => {
    const bundle = await fixtureBundle('ok-form-licensed')
    const provenance = formsOf(bundle).find((f) => f.id === 'mod-licensierat')!.provenance!
    const q = toQuestionnaire(bundle, 'mod-licensierat')
    expect(q.copyright).toBe(provenance.licence)
    expect(q.description).toContain(provenance.source)
    const citation = q.extension?.find((e) => e.url === ARTIFACT_RELATED_ARTIFACT)
    expect(citation?.valueRelatedArtifact).toEqual({ type: 'citation', citation: provenance.source, url: provenance.sourceUrl })
    expect(fhirErrors(q)).toEqual([])
    expect(fhirErrors(allQuestionnaires(bundle))).toEqual([])
  })

  it('given a licensed form without a web page, when exported, then the citation has no url and the resource stays valid', async () => {
    const bundle = await fixtureBundle('ok-form-licensed')
    formsOf(bundle).find((f) => f.id === 'mod-licensierat')!.provenance!.sourceUrl = null
    const q = toQuestionnaire(bundle, 'mod-licensierat')
    expect(q.extension?.find((e) => e.url === ARTIFACT_RELATED_ARTIFACT)?.valueRelatedArtifact).not.toHaveProperty('url')
    expect(fhirErrors(q)).toEqual([])
  })

  it("given PLUS's own forms, when exported, then none claims a source, a licence or a citation", async () => {
    const bundle = await realBundle()
    const forms = formsOf(bundle)
    expect(forms.length).toBeGreaterThan(0)
    for (const form of forms) {
      expect(form.provenance).toBeUndefined()
      const q = toQuestionnaire(bundle, form.id)
      expect(q.copyright).toBeUndefined()
      expect(q.description).toBeUndefined()
      expect(q.extension?.some((e) => e.url === ARTIFACT_RELATED_ARTIFACT) ?? false).toBe(false)
    }
  })
})

describe('bundle format 1.2.0', () => {
  it('given a bundle written as format 1.1.0 (no provenance), when validated, then it is still a valid bundle', async () => {
    const bundle = await fixtureBundle('ok-form-assessment')
    expect(bundleProblems({ ...bundle, schemaVersion: '1.1.0' })).toEqual([])
  })

  it('given a provenance without its licence, when validated, then the bundle is refused', async () => {
    const bundle = await fixtureBundle('ok-form-licensed')
    const form = formsOf(bundle).find((f) => f.id === 'mod-licensierat')!
    delete (form.provenance as Partial<typeof form.provenance>)!.licence
    expect(bundleProblems(bundle).length).toBeGreaterThan(0)
  })
})
