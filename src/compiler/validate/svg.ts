// SVG files are pictures, but SVG can also hold scripts, event handlers, embedded HTML and
// references to other files: opened on their own (a poster, an image) they would run in the
// host's origin. Content is data, so an SVG may only draw. A textual check is enough because
// anything it lets through has none of the constructs that execute or load.

/** What in an SVG file is not allowed, as a short phrase per language; null when it is fine. */
export function svgProblem(text: string): { sv: string; en: string } | null {
  if (/<script[\s>/]/i.test(text)) return { sv: 'ett skript (`<script>`)', en: 'a script (`<script>`)' }
  if (/\son[a-z]+\s*=/i.test(text)) return { sv: 'ett händelseattribut (till exempel `onload`)', en: 'an event attribute (such as `onload`)' }
  if (/<foreignObject[\s>/]/i.test(text)) return { sv: 'inbäddad HTML (`<foreignObject>`)', en: 'embedded HTML (`<foreignObject>`)' }
  if (/<!(?:ENTITY|DOCTYPE)/i.test(text)) return { sv: 'en DOCTYPE- eller ENTITY-deklaration', en: 'a DOCTYPE or ENTITY declaration' }
  if (/\b(?:href|src)\s*=\s*["']\s*(?!#)[^"']*["']/i.test(text)) return { sv: 'en länk eller fil utanför bilden (`href`)', en: 'a link or file outside the picture (`href`)' }
  if (/url\(\s*["']?\s*(?!#)[a-z]+:/i.test(text)) return { sv: 'en extern resurs i `url(…)`', en: 'an external resource in `url(…)`' }
  return null
}
