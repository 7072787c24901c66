// Internal links arrive from the compiler as `<a href="#id" data-plus-ref="id">`: the bundle does
// not know where a host shows an id. The preview points each at the page that shows it. The
// HTML is the compiler's sanitised output, so a tag-level pattern is enough here.

const REF_LINK = /<a\s[^>]*\bdata-plus-ref="([^"]*)"[^>]*>/g

/**
 * Rewrites the href of every internal link. `resolve` returns the URL for an id, or null to
 * leave the link as it is (the tests' link checker then reports it).
 */
export function rewriteRefs(html: string, resolve: (id: string) => string | null): string {
  return html.replace(REF_LINK, (tag, id: string) => {
    const url = resolve(id)
    if (url === null) return tag
    return tag.replace(/\shref="[^"]*"/, ` href="${escapeAttribute(url)}"`)
  })
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
