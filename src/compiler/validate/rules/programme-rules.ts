// Rules of the PLUS programme that the content tests also check, so that a clean `plus check`
// means `npm test` has nothing to say about the content either. They are warnings: the bundle is
// still valid, but the content is not yet what the clinician guide asks for.
import { readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.ts'
import type { IRBlock, IRModule, IRStep, IRTree } from '../../ir.ts'
import type { Rule, SectionRule } from '../rule.ts'
import { summaryOf } from '../../section-summary.ts'

/** A module with at least this many steps ends with a closing summary step (PLUS316). */
export const CLOSING_STEP_FROM = 3
/** How far the stated time may differ from the computed one, as a share of the computed (PLUS320). */
export const ESTIMATE_TOLERANCE = 1 / 3
/**
 * ...and by at least this many minutes: step times are whole minutes, so a third of a short
 * module's time is less than the rounding.
 */
export const ESTIMATE_SLACK_MINUTES = 10

/** Words that mark text about suicidal thoughts, and the numbers that must then be near (PLUS321). */
export const SUICIDE_WORDS = /självmord|ta ditt liv|tankar på döden|inte vill leva/i
export const URGENT_NUMBERS = /112|90101/
/** Question prompts about thoughts of death or self-harm (PLUS322). */
export const RISK_QUESTION = /tankar på att dö|ta ditt liv|skada dig själv|självmord/i

const stepsOf = (m: IRModule): IRStep[] => m.sections.flatMap((s) => s.steps)

/** Every piece of text a block shows the patient, for the safety rules. */
function blockText(block: IRBlock): string {
  switch (block.type) {
    case 'text':
    case 'callout':
      return block.text
    case 'film':
      return `${block.title}\n${block.transcript.text}`
    case 'image':
      return `${block.alt}\n${block.caption ?? ''}`
    case 'form':
      return [
        block.title,
        block.intro?.text ?? '',
        ...block.questions.flatMap((q) => [q.prompt, q.help?.text ?? '', ...q.options.map((o) => o.label)]),
        ...(block.scoring?.bands.map((b) => `${b.label}\n${b.text}`) ?? []),
      ].join('\n')
  }
}

/**
 * A step's text, kept per resolved step: in watch mode unchanged files keep their resolved steps
 * (the same objects), so only edited steps are read again.
 */
const stepTexts = new WeakMap<IRStep, string>()
function stepText(step: IRStep): string {
  let text = stepTexts.get(step)
  if (text === undefined) stepTexts.set(step, (text = [step.title, ...step.blocks.map(blockText)].join('\n')))
  return text
}

/** PLUS316: a module of three steps or more ends with a text step that sums up and names the vårdcentral. */
export const closingStep: Rule = ({ tree }) => {
  const out: Diagnostic[] = []
  for (const module of tree.modules) {
    // Only the last section with steps is read: the others' summaries give the count.
    const last = module.sections.findLast((s) => summaryOf(s).steps > 0)?.steps.at(-1)
    const count = module.sections.reduce((n, s) => n + summaryOf(s).steps, 0)
    if (module.unreadable || !last || count < CLOSING_STEP_FROM || module.sections.some((s) => s.unreadable)) continue
    const problem = last.kind !== 'text' ? 'kind' : !/sammanfattning/i.test(last.title) ? 'title' : !/vårdcentral/i.test(stepText(last)) ? 'contact' : ''
    if (problem) out.push(diagnostic('PLUS316', last.span, { id: module.id, step: last.id, problem }))
  }
  return out
}

/** PLUS320: the stated `estimatedMinutes` within a third of the computed reading and doing time. */
export const estimatedTime: Rule = ({ tree }) => {
  const out: Diagnostic[] = []
  for (const module of tree.modules) {
    if (module.unreadable || module.estimatedMinutes <= 0 || module.sections.some((s) => s.unreadable)) continue
    if (module.sections.every((s) => summaryOf(s).steps === 0)) continue
    const computed = module.sections.reduce((n, s) => n + summaryOf(s).minutes, 0)
    if (Math.abs(module.estimatedMinutes - computed) > Math.max(computed * ESTIMATE_TOLERANCE, ESTIMATE_SLACK_MINUTES)) {
      out.push(diagnostic('PLUS320', module.estimatedSpan, { id: module.id, stated: module.estimatedMinutes, computed }))
    }
  }
  return out
}

/** The PLUS321 verdict per resolved step, kept like its text. */
const lacksUrgentHelp = new WeakMap<IRStep, boolean>()

/** PLUS321: a step that mentions suicidal thoughts also says where to turn (112 or 90101). */
export const urgentHelp: SectionRule = (section) =>
  section.steps
    .filter((step) => {
      let lacks = lacksUrgentHelp.get(step)
      if (lacks === undefined) {
        const text = stepText(step)
        lacksUrgentHelp.set(step, (lacks = SUICIDE_WORDS.test(text) && !URGENT_NUMBERS.test(text)))
      }
      return lacks
    })
    .map((step) => diagnostic('PLUS321', step.span, { step: step.id }))

/** PLUS322: a question about thoughts of death or self-harm alerts the clinician from the first answer above the lowest. */
export const riskQuestions: SectionRule = (section) => {
  const out: Diagnostic[] = []
  for (const step of section.steps) {
    for (const form of step.blocks) {
      if (form.type !== 'form') continue
      for (const question of form.questions) {
        if (!RISK_QUESTION.test(question.prompt) || question.options.length === 0) continue
        const lowest = Math.min(...question.options.map((o) => o.value ?? 0))
        if (question.alertFrom !== lowest + 1) {
          out.push(diagnostic('PLUS322', form.span, { question: question.id, expected: lowest + 1, actual: question.alertFrom ?? '' }))
        }
      }
    }
  }
  return out
}

/** PLUS323: every band of a self-assessment says what it means; the highest says to contact the vårdcentral. */
export const bandTexts: SectionRule = (section) => {
  const out: Diagnostic[] = []
  for (const step of section.steps) {
    for (const form of step.blocks) {
      if (form.type !== 'form' || !form.scoring || form.incomplete) continue
      const span = form.scoringSpan ?? form.span
      const bands = form.scoring.bands
      if (bands.length < 2) out.push(diagnostic('PLUS323', span, { form: form.id, problem: 'count', count: bands.length }))
      for (const band of bands) {
        if (band.text.length < MIN_BAND_TEXT) out.push(diagnostic('PLUS323', span, { form: form.id, problem: 'short', band: band.label, count: band.text.length }))
      }
      const top = bands.at(-1)
      if (top && !/vårdcentral/i.test(top.text)) out.push(diagnostic('PLUS323', span, { form: form.id, problem: 'contact', band: top.label }))
    }
  }
  return out
}

/** The least a band's text says, in characters: what the score means and what to do. */
export const MIN_BAND_TEXT = 81

/** Heading of the authoring guide's list of modules and sections (content/README.md). */
const GUIDE_LIST = /^## \d+\. Modulerna\b.*$/m

/**
 * PLUS319: when the content folder's README.md has a list of the modules (`## N. Modulerna`),
 * it names every module and section in order, with the review status, as they are.
 */
export const guideList: Rule = ({ tree, contentDir, displayDir }) => (contentDir ? checkGuideList(tree, contentDir, displayDir ?? contentDir) : [])

function checkGuideList(tree: IRTree, contentDir: string, displayDir: string): Diagnostic[] {
  const file = path.join(contentDir, 'README.md')
  if (!existsSync(file) || tree.modules.some((m) => m.unreadable || m.sections.some((s) => !s.id))) return []
  let text: string
  try {
    text = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n')
  } catch {
    return []
  }
  const heading = GUIDE_LIST.exec(text)
  if (!heading) return []
  const lines = text.split('\n')
  const headingLine = text.slice(0, heading.index).split('\n').length
  let endLine = lines.length
  for (let i = headingLine; i < lines.length; i++) {
    if (/^## /.test(lines[i]!)) {
      endLine = i
      break
    }
  }
  const folder = path.basename(path.resolve(contentDir))
  const expected = tree.modules.flatMap((m) => [
    `${m.order}. **${m.title}** (\`${folder}/${m.dir}/\`, status \`${m.review.status}\`)`,
    ...m.sections.map((s) => `   - \`${s.rel.split('/').at(-1)}\`: ${s.title}`),
  ])
  const listed: Array<{ line: number; text: string }> = []
  for (let i = headingLine; i < endLine; i++) {
    if (/^\d+\. \*\*|^ {3}- `/.test(lines[i]!)) listed.push({ line: i + 1, text: lines[i]! })
  }
  const shown = path.posix.join(displayDir.split(path.sep).join('/'), 'README.md')
  for (let i = 0; i < Math.max(expected.length, listed.length); i++) {
    if (listed[i] !== undefined && expected[i] !== undefined && withoutFolder(listed[i]!.text) === withoutFolder(expected[i]!)) continue
    const line = listed[i]?.line ?? (listed.at(-1)?.line ?? headingLine)
    const length = lines[line - 1]?.length ?? 0
    return [
      diagnostic('PLUS319', { file: shown, line, column: 1, endLine: line, endColumn: length + 1 }, {
        expected: expected[i] ?? '',
        actual: listed[i]?.text ?? '',
      }),
    ]
  }
  return []
}

/**
 * A list line with the content folder's own name left out (`(\`content/stress/\`` →
 * `(\`stress/\``): the guide names the folder as the repository has it, and a copy of the
 * content under another name (a reviewer's working copy, a test) is the same list.
 */
function withoutFolder(line: string): string {
  return line.replace(/\(`[^`/]+\//, '(`')
}

/** PLUS324: every module holds what programme.md `requirements` asks for. */
export const moduleRequirements: Rule = ({ tree }) => {
  const wanted = tree.programme?.requirements
  if (!wanted) return []
  const out: Diagnostic[] = []
  for (const module of tree.modules) {
    if (module.unreadable || module.sections.some((s) => s.unreadable)) continue
    const total = (what: 'steps' | 'assessments' | 'exercises') => module.sections.reduce((n, s) => n + summaryOf(s)[what], 0)
    const counts: Array<[string, number, number]> = [
      ['sections', module.sections.length, wanted.sections],
      ['steps', total('steps'), wanted.steps],
      ['films', module.sections.reduce((n, s) => n + summaryOf(s).films.length, 0), wanted.films],
      ['assessments', total('assessments'), wanted.assessments],
      ['exercises', total('exercises'), wanted.exercises],
    ]
    for (const [what, count, min] of counts) {
      if (count < min) out.push(diagnostic('PLUS324', module.span, { id: module.id, what, count, min }))
    }
  }
  return out
}

/** What a module must name for urgent help, when programme.md lists it as a safety module. */
export const SAFETY_NEEDLES = ['112', '1177', '90101', 'Självmordslinjen']

/** PLUS325: a safety module names where to turn, and its self-assessments' highest bands point there. */
export const safetyInformation: Rule = ({ tree }) => {
  const listed = new Set(tree.programme?.requirements?.safetyModules ?? [])
  const out: Diagnostic[] = []
  for (const module of tree.modules) {
    if (!listed.has(module.id) || module.unreadable || module.sections.some((s) => s.unreadable)) continue
    const text = [module.intro?.text ?? '', ...stepsOf(module).map(stepText)].join('\n')
    const missing = SAFETY_NEEDLES.filter((needle) => !text.includes(needle))
    if (missing.length > 0) out.push(diagnostic('PLUS325', module.span, { id: module.id, missing: missing.join(','), form: '' }))
    for (const form of stepsOf(module).flatMap((s) => s.blocks)) {
      if (form.type !== 'form' || !form.scoring || form.incomplete) continue
      const top = form.scoring.bands.at(-1)?.text ?? ''
      const absent = ['112', '90101'].filter((needle) => !top.includes(needle))
      if (absent.length > 0) out.push(diagnostic('PLUS325', form.scoringSpan ?? form.span, { id: module.id, missing: absent.join(','), form: form.id }))
    }
  }
  return out
}

/** Flag texts go out by SMS or e-mail: at most this many characters (PLUS326). */
export const FLAG_TEXT_MAX = 160
/** Words that would tell a reader of a flag what the patient is treated for (PLUS326). */
export const CONDITION_WORDS = /stress|ångest|oro|nedstämd|depression|kris|sorg|alkohol|självmord/i

/** PLUS326: a flag's text is short and says nothing about the patient's condition. */
export const flagTexts: Rule = ({ tree }) => {
  const programme = tree.programme
  if (!programme) return []
  const out: Diagnostic[] = []
  programme.flags.forEach((flag, i) => {
    const span = programme.flagSpans[i] ?? programme.span
    if (flag.text.length > FLAG_TEXT_MAX) out.push(diagnostic('PLUS326', span, { id: flag.id, problem: 'long', count: flag.text.length, limit: FLAG_TEXT_MAX }))
    const word = CONDITION_WORDS.exec(flag.text)?.[0]
    if (word) out.push(diagnostic('PLUS326', span, { id: flag.id, problem: 'condition', word }))
  })
  return out
}
