// Client script for the search page: runs Pagefind in the browser. The index only exists in the
// built site; the dev server says so instead of failing quietly.

interface PagefindResultData {
  url: string
  excerpt: string
  meta: Record<string, string | undefined>
}
interface Pagefind {
  init: () => Promise<void>
  search: (query: string) => Promise<{ results: { data: () => Promise<PagefindResultData> }[] }>
}

let pagefind: Promise<Pagefind> | null = null

function loadPagefind(): Promise<Pagefind> {
  // A runtime URL, not a module the bundler should resolve: the index is written after the build.
  const url = '/pagefind/pagefind.js'
  pagefind ??= (import(/* @vite-ignore */ url) as Promise<Pagefind>).then(async (module) => {
    await module.init()
    return module
  })
  return pagefind
}

/** Pagefind's excerpt with only its <mark> highlights kept: text is never parsed as markup. */
function excerptNodes(excerpt: string): Node[] {
  const nodes: Node[] = []
  for (const [i, part] of excerpt.split(/<\/?mark>/).entries()) {
    const text = document.createTextNode(decodeEntities(part))
    if (i % 2 === 1) {
      const mark = document.createElement('mark')
      mark.append(text)
      nodes.push(mark)
    } else nodes.push(text)
  }
  return nodes
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name] ?? '')
}

export function enhanceSearch(): void {
  const form = document.querySelector<HTMLFormElement>('[data-search-form]')
  const input = form?.querySelector<HTMLInputElement>('input[name="q"]')
  const status = document.querySelector<HTMLElement>('[data-search-status]')
  const list = document.querySelector<HTMLOListElement>('[data-search-results]')
  if (!form || !input || !status || !list) return

  const run = async (query: string): Promise<void> => {
    const q = query.trim()
    list.replaceChildren()
    list.hidden = true
    if (q === '') {
      status.textContent = 'Skriv ett eller flera ord.'
      return
    }
    status.textContent = 'Söker …'
    let engine: Pagefind
    try {
      engine = await loadPagefind()
    } catch {
      pagefind = null
      status.textContent = 'Sökningen fungerar bara i den byggda webbplatsen. Kör npm run build och öppna dist/site.'
      return
    }
    const search = await engine.search(q)
    const results = await Promise.all(search.results.slice(0, 30).map((r) => r.data()))
    status.textContent =
      results.length === 0 ? `Inga steg matchar ”${q}”.` : `${search.results.length === 1 ? '1 steg' : `${search.results.length} steg`} matchar ”${q}”.`
    for (const result of results) {
      const item = document.createElement('li')
      const heading = document.createElement('h2')
      const link = document.createElement('a')
      link.href = result.url
      link.textContent = result.meta.title ?? result.url
      heading.append(link)
      const where = document.createElement('p')
      where.className = 'muted'
      where.textContent = result.meta.modul ? `Modul: ${result.meta.modul}` : ''
      const excerpt = document.createElement('p')
      excerpt.append(...excerptNodes(result.excerpt))
      item.append(heading, where, excerpt)
      list.append(item)
    }
    list.hidden = results.length === 0
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const url = new URL(location.href)
    url.searchParams.set('q', input.value)
    history.replaceState(null, '', url)
    void run(input.value)
  })
  const initial = new URLSearchParams(location.search).get('q')
  if (initial) {
    input.value = initial
    void run(initial)
  }
}
