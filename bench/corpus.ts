// Synthetic PLUS content for benchmarks: Swedish-like prose in the real format, with films
// (captions and posters) and scored forms, spread over seven modules of ten-step sections.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

const words = [
  'du', 'kan', 'och', 'att', 'det', 'som', 'är', 'när', 'för', 'med', 'inte', 'kroppen', 'stress', 'oro',
  'tankar', 'känslor', 'sömn', 'vila', 'dag', 'vecka', 'prova', 'märka', 'hjälpa', 'andas', 'lugnt', 'ofta',
  'ibland', 'vanligt', 'viktigt', 'vardagen', 'återhämtning', 'promenad', 'behandlare', 'vårdcentral',
  'steg', 'plan', 'mål', 'lite', 'mer', 'mindre', 'bra', 'svårt', 'lätt', 'själv', 'tillsammans',
]

/** A deterministic pseudo-random sequence, so every run writes the same corpus. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function sentence(next: () => number): string {
  const n = 6 + Math.floor(next() * 8)
  const list = Array.from({ length: n }, () => words[Math.floor(next() * words.length)]!)
  if (next() < 0.15) list[2] = `**${list[2]}**`
  const text = list.join(' ')
  return text[0]!.toUpperCase() + text.slice(1) + '.'
}

function paragraph(next: () => number): string {
  return Array.from({ length: 4 + Math.floor(next() * 4) }, () => sentence(next)).join(' ')
}

const vtt = (seconds: number) => {
  const cues = ['WEBVTT', '']
  const stamp = (s: number) => `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`
  for (let s = 0; s < seconds; s += 5) cues.push(`${stamp(s)} --> ${stamp(Math.min(seconds, s + 5))}`, 'Berättaren pratar om stress och vila.', '')
  return cues.join('\n')
}

function step(id: string, kind: 'text' | 'film' | 'form', next: () => number): string {
  const title = `Steg ${id}`
  if (kind === 'film') {
    return `::::step{#${id} title="${title}"}\n${paragraph(next)}\n\n:::film{#${id}-film title="Film" captions="media/film.vtt" poster="media/poster.svg" duration="1:00"}\n${paragraph(next)}\n\n${paragraph(next)}\n:::\n::::\n`
  }
  if (kind === 'form') {
    const question = (q: number) => `:::question{#q${q} type="scale" required}\nHur ofta har du känt dig jäktad?\n\n- [0] Aldrig\n- [1] Ibland\n- [2] Ofta\n- [3] Nästan hela tiden\n:::\n`
    const questions = Array.from({ length: 6 }, (_, q) => question(q + 1)).join('\n')
    return `:::::step{#${id} title="${title}"}\n${paragraph(next)}\n\n::::form{#${id}-form title="Kartläggning"}\n${questions}\n:::scoring\n- [0–6] Låg nivå\n\n  ${sentence(next)}\n\n- [7–12] Mellan\n\n  ${sentence(next)}\n\n- [13–18] Hög nivå\n\n  ${sentence(next)} Kontakta din vårdcentral.\n:::\n::::\n:::::\n`
  }
  return `::::step{#${id} title="${title}"}\n${paragraph(next)}\n\n## Vad kan du göra?\n\n${paragraph(next)}\n\n- ${sentence(next)}\n- ${sentence(next)}\n- ${sentence(next)}\n\n:::tips[Prova själv]\n${paragraph(next)}\n:::\n::::\n`
}

/** Writes a content folder with `steps` steps into `dir` (replacing it). Returns the section files. */
export async function writeCorpus(dir: string, steps: number): Promise<string[]> {
  await rm(dir, { recursive: true, force: true })
  const next = random(steps)
  const perSection = 10
  const sections = Math.ceil(steps / perSection)
  const files: string[] = []
  await mkdir(dir, { recursive: true })
  await writeFile(
    path.join(dir, 'programme.md'),
    `---\nid: bench\ntitle: Bench\nversion: 1.0.0\ndurationDays: 90\nflags:\n  - id: startat\n    trigger: programme-started\n    recipient: patient\n    title: Startat\n    text: Du har fått ett program.\n---\n\n${paragraph(next)}\n`,
  )
  for (let m = 1; m <= 7; m++) {
    const mdir = path.join(dir, `m${m}`)
    await mkdir(path.join(mdir, 'media'), { recursive: true })
    await writeFile(path.join(mdir, 'module.md'), `---\nid: m${m}\ntitle: Modul ${m}\norder: ${m}\nsummary: Modul ${m}.\nestimatedMinutes: 60\nreview:\n  status: draft\n---\n`)
    await writeFile(path.join(mdir, 'media/film.vtt'), vtt(60))
    await writeFile(path.join(mdir, 'media/poster.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"><title>Affisch</title><rect width="16" height="9" fill="#dde"/></svg>\n')
  }
  let made = 0
  for (let s = 0; s < sections; s++) {
    const module = (s % 7) + 1
    const id = `m${module}-s${s}`
    const body: string[] = []
    for (let k = 0; k < perSection && made < steps; k++, made++) {
      const kind = made % 20 === 5 ? 'film' : made % 20 === 15 ? 'form' : 'text'
      body.push(step(`${id}-t${k}`, kind, next))
    }
    const file = path.join(dir, `m${module}`, `${String(s).padStart(4, '0')}-avsnitt.md`)
    await writeFile(file, `---\nid: ${id}\ntitle: Avsnitt ${s}\n---\n\n${body.join('\n')}`)
    files.push(file)
  }
  return files
}
