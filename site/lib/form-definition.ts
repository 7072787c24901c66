// What the browser needs to check and score a form: the form block without its texts (they are
// already on the page). The shape stays a FormBlock so the shared scoring code takes it as is.
import type { FormBlock } from '../../src/types/bundle.generated.ts'

export function formDefinition(form: FormBlock): FormBlock {
  return {
    ...form,
    intro: null,
    questions: form.questions.map((q) => ({ ...q, help: null })),
    scoring: form.scoring && { ...form.scoring, bands: form.scoring.bands.map((b) => ({ ...b, html: '', text: '' })) },
  }
}

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}
