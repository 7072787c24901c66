// Client script for the search page: runs Pagefind in the browser. The index only exists in the
// built site; the dev server says so instead of failing quietly.

interface PagefindResultData {
  url: string
  excerpt: string
  meta: Record<string, string | undefined>
}
interface Pagefind {
  init: () => Promise<void>
  search: (query: string, options?: { filters?: Record<string, string> }) => Promise<{ results: { data: () => Promise<PagefindResultData> }[] }>
}

/** Hits per page of results. */
export const PAGE_SIZE = 20

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

/** The search as the URL holds it: words, module (a title, or empty for all) and page. */
interface Query {
  q: string
  modul: string
  sida: number
}

function queryOf(url: URL): Query {
  const sida = Number.parseInt(url.searchParams.get('sida') ?? '1', 10)
  return { q: url.searchParams.get('q') ?? '', modul: url.searchParams.get('modul') ?? '', sida: Number.isFinite(sida) && sida > 0 ? sida : 1 }
}

function urlOf(query: Query): string {
  const url = new URL('/sok/', location.origin)
  url.searchParams.set('q', query.q)
  if (query.modul) url.searchParams.set('modul', query.modul)
  if (query.sida > 1) url.searchParams.set('sida', String(query.sida))
  return url.pathname + url.search
}

export function enhanceSearch(): void {
  const form = document.querySelector<HTMLFormElement>('[data-search-form]')
  const input = form?.querySelector<HTMLInputElement>('input[name="q"]')
  const select = form?.querySelector<HTMLSelectElement>('select[name="modul"]')
  const status = document.querySelector<HTMLElement>('[data-search-status]')
  const list = document.querySelector<HTMLOListElement>('[data-search-results]')
  const pages = document.querySelector<HTMLElement>('[data-search-pages]')
  if (!form || !input || !select || !status || !list || !pages) return

  const run = async (query: Query): Promise<void> => {
    const q = query.q.trim()
    list.replaceChildren()
    list.hidden = true
    pages.replaceChildren()
    pages.hidden = true
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
    const search = await engine.search(q, query.modul ? { filters: { modul: query.modul } } : {})
    const total = search.results.length
    const last = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const sida = Math.min(query.sida, last)
    const first = (sida - 1) * PAGE_SIZE
    const results = await Promise.all(search.results.slice(first, first + PAGE_SIZE).map((r) => r.data()))
    const where = query.modul ? ` i modulen ${query.modul}` : ''
    status.textContent =
      total === 0
        ? `Inga steg${where} matchar ”${q}”.`
        : `${total === 1 ? '1 steg' : `${total} steg`}${where} matchar ”${q}”.${total > PAGE_SIZE ? ` Sida ${sida} av ${last}: träff ${first + 1}–${first + results.length}.` : ''}`
    list.start = first + 1
    for (const result of results) {
      const item = document.createElement('li')
      const heading = document.createElement('h2')
      const link = document.createElement('a')
      link.href = result.url
      link.textContent = result.meta.title ?? result.url
      heading.append(link)
      const module = document.createElement('p')
      module.className = 'muted'
      module.textContent = result.meta.modul ? `Modul: ${result.meta.modul}` : ''
      const excerpt = document.createElement('p')
      excerpt.append(...excerptNodes(result.excerpt))
      item.append(heading, module, excerpt)
      list.append(item)
    }
    list.hidden = results.length === 0
    if (last > 1) {
      const items = document.createElement('ul')
      for (let n = 1; n <= last; n++) {
        const li = document.createElement('li')
        const a = document.createElement('a')
        a.href = urlOf({ ...query, sida: n })
        a.textContent = `Sida ${n}`
        if (n === sida) a.setAttribute('aria-current', 'page')
        a.addEventListener('click', (event) => {
          event.preventDefault()
          history.pushState(null, '', a.href)
          void run({ ...query, sida: n }).then(() => status.focus())
        })
        li.append(a)
        items.append(li)
      }
      pages.append(items)
      pages.hidden = false
    }
  }

  status.tabIndex = -1
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const query = { q: input.value, modul: select.value, sida: 1 }
    history.replaceState(null, '', urlOf(query))
    void run(query)
  })
  window.addEventListener('popstate', () => void run(queryOf(new URL(location.href))))
  const initial = queryOf(new URL(location.href))
  if (initial.q) {
    input.value = initial.q
    if ([...select.options].some((o) => o.value === initial.modul)) select.value = initial.modul
    void run(initial)
  }
}
