// A PLUS form as an R4 Questionnaire, and all forms of a programme as a collection Bundle.
import type { FormBlock, Module, PlusBundle } from '../types/bundle.generated.ts'
import { allForms, findForm } from './find-form.ts'
import { questionItem } from './items.ts'
import { INTRO_LINK_ID } from './link-ids.ts'
import { alertsItem, scoreItems, scoreVariable } from './score-items.ts'
import type { FhirBundle, Questionnaire, QuestionnaireItem } from './types.ts'
import { bandLevelSystem, baseUrlOf, formIdentifierSystem, questionnaireUrl, type FhirOptions } from './urls.ts'

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
  const resource: Questionnaire = {
    resourceType: 'Questionnaire',
    id: form.id,
    language: 'sv',
    ...(form.scoring ? { extension: [scoreVariable(form)] } : {}),
    url: questionnaireUrl(base, programme.id, form.id),
    identifier: [{ system: formIdentifierSystem(base, programme.id), value: form.id }],
    version: programme.version,
    name: computableName(form.id),
    title: form.title,
    status: approved ? 'active' : 'draft',
    subjectType: ['Patient'],
    ...(approved && module.review.date ? { approvalDate: module.review.date } : {}),
    item: items,
  }
  return resource
}

/** A name usable as an identifier (R4 constraint que-0): `stress-plan` → `StressPlan`. */
export function computableName(id: string): string {
  const name = id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')
  return /^[A-Z]/.test(name) ? name : `Plus${name}`
}
