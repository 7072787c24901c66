// Reads a code example out of a README, so a test can run the documentation itself and the two
// cannot drift apart.

/**
 * The code of the example marked `<!-- <marker> … -->`: the first fenced block after that
 * comment. Without the comment, the first ```ts block under a heading that names the marker
 * (for `quick-start`: "Quick start", "Quick-start", "Quickstart"). Throws when there is none,
 * so a test that depends on the example fails instead of running nothing.
 */
export function readmeBlock(markdown: string, marker: string): string {
  const text = markdown.replace(/\r\n/g, '\n')
  const comment = new RegExp(`<!--\\s*${escape(marker)}\\b[\\s\\S]*?-->`).exec(text)
  if (comment) return fenceAfter(text, comment.index + comment[0].length, marker, true)
  const words = marker.split(/[-_\s]+/).map(escape).join('[-_\\s]?')
  const heading = new RegExp(`^#{1,6}\\s.*\\b${words}\\b.*$`, 'im').exec(text)
  if (heading) return fenceAfter(text, heading.index + heading[0].length, marker, false)
  throw new Error(`no <!-- ${marker} --> block and no "${marker}" heading in the README`)
}

function fenceAfter(text: string, from: number, marker: string, anyLanguage: boolean): string {
  const fence = /^(```+|~~~+)[ \t]*([\w-]*)[^\n]*\n/gm
  fence.lastIndex = from
  for (let open = fence.exec(text); open; open = fence.exec(text)) {
    const [, ticks, lang] = open
    const body = text.slice(open.index + open[0].length)
    const close = new RegExp(`^${ticks}[ \\t]*$`, 'm').exec(body)
    if (!close) break
    if (anyLanguage || lang === 'ts' || lang === 'typescript') return body.slice(0, close.index)
    fence.lastIndex = open.index + open[0].length + close.index + close[0].length
  }
  throw new Error(`the README's ${marker} has no code block`)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
