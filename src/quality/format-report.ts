// The quality report as text for the terminal, in Swedish or English.
import type { QualityReport } from './report.ts'

type Lang = 'sv' | 'en'

const words = {
  sv: { module: 'Modul', review: 'granskning', sections: 'avsnitt', steps: 'steg', words: 'ord', minutes: 'min', estimate: 'uppskattat', step: 'Steg', kind: 'typ', sentences: 'meningar', films: 'filmer', forms: 'formulär', images: 'bilder', links: 'externa länkar', warning: 'över målet', signoff: 'Granskning per steg', changedSince: 'ändrat sedan granskningen', signedOff: 'granskade och oförändrade', notSigned: 'inte granskade', by: 'granskat av', noCaptions: 'saknar undertexter', noTranscript: 'saknar transkription', pending: 'video saknas ännu', total: 'Totalt' },
  en: { module: 'Module', review: 'review', sections: 'sections', steps: 'steps', words: 'words', minutes: 'min', estimate: 'estimated', step: 'Step', kind: 'kind', sentences: 'sentences', films: 'films', forms: 'forms', images: 'images', links: 'external links', warning: 'above target', signoff: 'Sign-off per step', changedSince: 'changed since sign-off', signedOff: 'signed off and unchanged', notSigned: 'not signed off', by: 'signed off by', noCaptions: 'no captions', noTranscript: 'no transcript', pending: 'video pending', total: 'Total' },
}

const pad = (s: string | number, n: number) => String(s).padEnd(n)
const lpad = (s: string | number, n: number) => String(s).padStart(n)

export function formatReport(report: QualityReport, lang: Lang): string {
  const w = words[lang]
  const lines: string[] = []
  for (const m of report.modules) {
    const review = m.review.status === 'approved' ? `approved (${m.review.reviewer}, ${m.review.date})` : m.review.status
    lines.push(
      `${w.module} ${m.order} ${m.title} — ${w.review}: ${review}; ${m.sections} ${w.sections}, ${m.steps.length} ${w.steps}, ${m.words} ${w.words}, LIX ${m.lix}, ~${m.minutes} ${w.minutes} (${w.estimate} ${m.estimatedMinutes})`,
    )
    lines.push(`  ${pad(w.step, 40)} ${pad(w.kind, 5)} ${lpad(w.words, 5)} ${lpad('LIX', 5)} ${lpad(w.minutes, 4)}  ${w.films}/${w.forms}/${w.images}/${w.links}`)
    for (const s of m.steps) {
      const notes: string[] = []
      if (s.lixWarning) notes.push(`LIX ${w.warning}`)
      for (const f of s.films) {
        if (!f.captions) notes.push(w.noCaptions)
        if (!f.transcript) notes.push(w.noTranscript)
        if (!f.video) notes.push(w.pending)
      }
      const counts = `${s.films.length}/${s.forms.length}/${s.images.length}/${s.externalLinks.length}`
      lines.push(`  ${pad(s.id.slice(0, 40), 40)} ${pad(s.kind, 5)} ${lpad(s.words, 5)} ${lpad(s.lix, 5)} ${lpad(s.minutes, 4)}  ${counts}${notes.length ? `  ${notes.join(', ')}` : ''}  ${s.source}`)
    }
    const changed = m.steps.filter((s) => s.signoff.status === 'changed')
    const current = m.steps.filter((s) => s.signoff.status === 'current').length
    const none = m.steps.filter((s) => s.signoff.status === 'none').length
    lines.push(`  ${w.signoff}: ${changed.length} ${w.changedSince}, ${current} ${w.signedOff}, ${none} ${w.notSigned}`)
    for (const s of changed) {
      if (s.signoff.status !== 'changed') continue
      lines.push(`    ${s.id}: ${w.changedSince} (${w.by} ${s.signoff.reviewer}, ${s.signoff.date}${s.signoff.by === 'section' ? `, ${w.sections}` : ''})  ${s.source}  ${s.hash}`)
    }
    lines.push('')
  }
  const steps = report.modules.reduce((n, m) => n + m.steps.length, 0)
  const total = report.modules.reduce((n, m) => n + m.words, 0)
  lines.push(`${w.total}: ${report.modules.length} ${w.module.toLowerCase()}, ${steps} ${w.steps}, ${total} ${w.words}`)
  return lines.join('\n') + '\n'
}
