// Authored headings start at <h2>, right under a step page's <h1>. Where a step is nested deeper
// (the print view: module h1, section h2, step h3) its headings move down by the same amount so
// the outline stays unbroken for screen readers. Levels stop at h6.

const HEADING_TAG = /<(\/?)h([1-6])(?=[\s>])/g

export function shiftHeadings(html: string, by: number): string {
  if (by === 0) return html
  return html.replace(HEADING_TAG, (_tag, close: string, level: string) => `<${close}h${Math.min(6, Number(level) + by)}`)
}
