// The one HTML template helper of the sandbox. Every value interpolated into `html\`…\`` is
// escaped unless it is already Html (built by this helper, or marked with `trusted` for the
// compiler's sanitised bundle HTML). Arrays are joined, null/undefined/false render as nothing.

/** A fragment of HTML that is safe to put into a page as it is. */
export class Html {
  readonly value: string
  constructor(value: string) {
    this.value = value
  }
  toString(): string {
    return this.value
  }
}

/** A value that can be interpolated into a template. */
export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[]

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function render(value: Interpolation): string {
  if (value instanceof Html) return value.value
  if (value === null || value === undefined || value === false || value === true) return ''
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** Tagged template: escapes every interpolated value that is not already Html. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '')
  return new Html(out)
}

/**
 * Marks HTML as safe without escaping. Only for HTML the compiler has already sanitised (text
 * blocks of the bundle) and for fragments this module built.
 */
export function trusted(value: string): Html {
  return new Html(value)
}

/** Joins fragments. */
export function join(parts: readonly Interpolation[], separator: Interpolation = ''): Html {
  const sep = render(separator)
  return new Html(parts.map(render).join(sep))
}
