// The two hidden fields a programme form carries, and reading them back from a post.
// - `version`: the programme version the page was rendered from. Commands that could overwrite a
//   colleague's change send it as `expectedVersion`; the engine refuses a stale one, so a form
//   left open while someone else changed the programme cannot undo their change.
// - `nyckel`: a fresh idempotency key per rendered form (start, submit, message, end). Posting the
//   same rendered form twice (a double click, reload-and-resend) gives the engine the same key,
//   and the engine does the work once and answers the second post with the first result.
import { randomUUID } from 'node:crypto'
import { Refused } from './engine-adapter.ts'
import { html, type Html } from './html.ts'

export const VERSION_FIELD = 'version'
export const KEY_FIELD = 'nyckel'

/** Shown when a post lacks the hidden fields or holds ones this sandbox never wrote. */
export const STALE_FORM_MESSAGE = 'Sidan är inte längre aktuell. Ladda om sidan och försök igen.'

/** The hidden version field for a form rendered from a programme at `version`. */
export function versionField(version: number): Html {
  return html`<input type="hidden" name="${VERSION_FIELD}" value="${String(version)}">`
}

/** A hidden field with a new idempotency key: call once per rendered form. */
export function keyField(): Html {
  return html`<input type="hidden" name="${KEY_FIELD}" value="${randomUUID()}">`
}

/** The version a form was rendered from; refused (never a crash) when missing or malformed. */
export function postedVersion(form: URLSearchParams): number {
  const raw = form.get(VERSION_FIELD) ?? ''
  if (!/^\d{1,9}$/.test(raw)) throw new Refused('stale-form', STALE_FORM_MESSAGE)
  return Number(raw)
}

/** The idempotency key a form was rendered with; refused when missing or not one the sandbox writes. */
export function postedKey(form: URLSearchParams): string {
  const raw = form.get(KEY_FIELD) ?? ''
  // The sandbox writes UUIDs; the engine takes 1–200 visible ASCII characters, a subset of which this is.
  if (!/^[A-Za-z0-9-]{1,200}$/.test(raw)) throw new Refused('stale-form', STALE_FORM_MESSAGE)
  return raw
}
