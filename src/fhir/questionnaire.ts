// A PLUS form as an R4 Questionnaire, and all forms of a programme as a collection Bundle.
import type { FormBlock, Module, PlusBundle } from '../types/bundle.generated.ts'
import { allForms, findForm } from './find-form.ts'
import { questionItem } from './items.ts'
import { INTRO_LINK_ID } from './link-ids.ts'
import { alertsItem, scoreItems, scoreVariable } from './score-items.ts'
import type { Extension, FhirBundle, Questionnaire, QuestionnaireItem } from './types.ts'
import { ARTIFACT_RELATED_ARTIFACT, bandLevelSystem, baseUrlOf, formIdentifierSystem, questionnaireUrl, type FhirOptions } from './urls.ts'

/**
 * The form as a Questionnaire: canonical URL and identifier from the programme and form ids,
 * version = the programme's content version, status `active` when the module is approved and
 * `draft` otherwise. Throws a TypeError when the bundle has no such form.
 */
export function toQuestionnaire(bundle: PlusBundle, formId: string, options?: FhirOptions): Questionnaire {
  const { form, module } = findForm(bundle, formId)
  return questionnaire(bundle, form, module, baseUrlOf(options))
}

/** Every form of the programme as a Questionnaire, in a Bundle of type `collection`. */
export function allQuestionnaires(bundle: PlusBundle, options?: FhirOptions): FhirBundle<Questionnaire> {
  if (bundle?.type !== 'plus-bundle') throw new TypeError('FHIR export: expected a PLUS bundle (type "plus-bundle")')
  const base = baseUrlOf(options)
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: allForms(bundle).map(({ form, module }) => {
      const resource = questionnaire(bundle, form, module, base)
      return { fullUrl: resource.url, resource }
    }),
  }
}

function questionnaire(bundle: PlusBundle, form: FormBlock, module: Module, base: string): Questionnaire {
  const programme = bundle.programme
  const approved = module.review.status === 'approved'
  const items: QuestionnaireItem[] = []
  if (form.intro) items.push({ linkId: INTRO_LINK_ID, type: 'display', text: form.intro.text })
  items.push(...form.questions.map(questionItem), ...scoreItems(form, bandLevelSystem(base, programme.id)), ...alertsItem(form))
  const extension: Extension[] = [...(form.scoring ? [scoreVariable(form)] : []), ...(form.provenance ? [sourceCitation(form.provenance)] : [])]
  const resource: Questionnaire = {
    resourceType: 'Questionnaire',
    id: form.id,
    language: 'sv',
    ...(extension.length > 0 ? { extension } : {}),
    url: questionnaireUrl(base, programme.id, form.id),
    identifier: [{ system: formIdentifierSystem(base, programme.id), value: form.id }],
    version: programme.version,
    name: computableName(form.id),
    title: form.title,
    status: approved ? 'active' : 'draft',
    subjectType: ['Patient'],
    ...(approved && module.review.date ? { approvalDate: module.review.date } : {}),
    // A licensed form names its source in the text every reader shows, and its terms where R4
    // puts them; the citation extension repeats the source for machines, with its web page.
    ...(form.provenance ? { description: `Källa: ${form.provenance.source}`, copyright: form.provenance.licence } : {}),
    item: items,
  }
  return resource
}

/** The source of a licensed form as a citation (FHIR Extensions Pack, usable in R4). */
function sourceCitation(provenance: NonNullable<FormBlock['provenance']>): Extension {
  return {
    url: ARTIFACT_RELATED_ARTIFACT,
    valueRelatedArtifact: { type: 'citation', citation: provenance.source, ...(provenance.sourceUrl ? { url: provenance.sourceUrl } : {}) },
  }
}

/** A name usable as an identifier (R4 constraint que-0): `stress-plan` → `StressPlan`. */
export function computableName(id: string): string {
  const name = id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')
  return /^[A-Z]/.test(name) ? name : `Plus${name}`
}
