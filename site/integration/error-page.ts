// The page the dev server shows instead of a stale preview while the content has errors: every
// diagnostic with file, line, column and message, as the terminal shows them. It loads Vite's
// client so the browser reloads by itself when the next save fixes things.
import path from 'node:path'
import { toJson, type Diagnostic, type Lang } from '../../src/compiler/index.ts'

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** `file` relative to the project, as authors know it: `content/stress/02-tecken.md`. */
export function displayPath(root: string, file: string): string {
  const relative = path.relative(root, file)
  return relative.startsWith('..') ? file : relative.split(path.sep).join('/')
}

export function errorPage(diagnostics: Diagnostic[], lang: Lang, root: string): string {
  const list = toJson(diagnostics, lang)
  const errors = list.filter((d) => d.severity === 'error').length
  const items = list
    .map((d) => {
      const where = `${displayPath(root, d.file)}:${d.line}:${d.column}`
      const severity = d.severity === 'error' ? (lang === 'sv' ? 'fel' : 'error') : lang === 'sv' ? 'varning' : 'warning'
      return `<li><p><code>${escape(where)}</code>: <strong>${severity} ${escape(d.code)}</strong> ${escape(d.message)}</p><p class="muted">${lang === 'sv' ? 'Tips' : 'Hint'}: ${escape(d.hint)}</p></li>`
    })
    .join('\n')
  const title = lang === 'sv' ? `Innehållet har ${errors} fel` : `The content has ${errors} ${errors === 1 ? 'error' : 'errors'}`
  const intro =
    lang === 'sv'
      ? 'Förhandsvisningen visas igen när felen är rättade. Sidan laddas om av sig själv när du sparar filen.'
      : 'The preview comes back once the errors are fixed. This page reloads by itself when you save.'
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} – PLUS</title>
<style>
body { font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2328; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { color: #b3261e; }
code { font-size: 1rem; background: #fdf0ef; padding: 0.1em 0.3em; border-radius: 4px; }
li { margin-bottom: 1rem; }
p { margin: 0.25rem 0; }
.muted { color: #4b535c; }
</style>
<script type="module" src="/@vite/client"></script>
</head>
<body>
<main data-plus-content-errors>
<h1>${escape(title)}</h1>
<p>${escape(intro)}</p>
<ol>
${items}
</ol>
</main>
</body>
</html>`
}
