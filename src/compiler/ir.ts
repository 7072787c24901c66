// The intermediate representation between resolve and emit: the bundle's shape, plus the
// source spans that validation rules need and media references not yet read from disk.
import type { Span } from './diagnostics/diagnostic.ts'
import type {
  CalloutBlock,
  Flag,
  FormBlock,
  ImageBlock,
  FilmBlock,
  Review,
  RichText,
  StepKind,
  TextBlock,
} from '../types/bundle.generated.ts'

/** A reference to a file in a module folder, as authored. */
export interface MediaRef {
  /** The module folder, relative to the content folder. */
  moduleDir: string
  /** The path as written, relative to the module folder. */
  path: string
  role: 'video' | 'captions' | 'poster' | 'image'
  span: Span
}

export interface IRImage extends Omit<ImageBlock, 'image'> {
  image: MediaRef
  span: Span
}

export interface IRFilm extends Omit<FilmBlock, 'video' | 'captions' | 'poster'> {
  video: MediaRef | null
  captions: MediaRef
  poster: MediaRef
  span: Span
}

export interface IRForm extends FormBlock {
  span: Span
  /** True when a question or option had a problem: the score range is not known for sure. */
  incomplete: boolean
  /** Where the scoring container starts, for band diagnostics. */
  scoringSpan: Span | null
}

export type IRBlock = TextBlock | CalloutBlock | IRImage | IRFilm | IRForm

export interface IRStep {
  id: string
  title: string
  kind: StepKind
  blocks: IRBlock[]
  span: Span
  /** LIX of the step's reading text, computed once when the file is resolved. */
  lix: number
  /** Estimated minutes for the step (see quality/report.ts), computed once when resolved. */
  minutes: number
}

export interface IRSection {
  id: string
  title: string
  summary: string | null
  steps: IRStep[]
  /** Reviewers' sign-offs from the frontmatter: `step` null for the section itself. */
  signoffs: Array<{ step: string | null; reviewer: string; date: string; hash: string }>
  /** Path relative to the content folder, for the bundle's source locations. */
  rel: string
  span: Span
  /**
   * True when the file's body or frontmatter could not be read; rules about its contents
   * stay quiet so the problem is reported once.
   */
  unreadable: boolean
}

export interface IRModule {
  id: string
  title: string
  order: number
  summary: string
  estimatedMinutes: number
  review: Review
  intro: RichText | null
  /** The module folder, relative to the content folder. */
  dir: string
  rel: string
  sections: IRSection[]
  span: Span
  /** Span of the `order` field, for order diagnostics. */
  orderSpan: Span
  /** Span of the `estimatedMinutes` field, for the time estimate rule. */
  estimatedSpan: Span
  /** True when the frontmatter was invalid: rules about the module's fields stay quiet. */
  unreadable: boolean
}

export interface IRProgramme {
  id: string
  title: string
  version: string
  durationDays: number
  welcome: RichText
  flags: Flag[]
  /** What every module must hold (programme.md `requirements`); null when not stated. */
  requirements: ProgrammeRequirements | null
  /** Where each flag's text is, for the flag text rule. */
  flagSpans: Span[]
  span: Span
}

/** The programme's requirements of its modules, as written in programme.md. */
export interface ProgrammeRequirements {
  sections: number
  steps: number
  films: number
  assessments: number
  exercises: number
  safetyModules: string[]
  span: Span
}

/** An id declared somewhere, for the uniqueness rule. */
export interface IdDecl {
  id: string
  kind: 'programme' | 'module' | 'section' | 'step' | 'form' | 'film' | 'image'
  span: Span
}

/** An internal link (`[text](#id)`), for the reference rule. */
export interface LinkRef {
  id: string
  span: Span
}

/** What resolving one file produced, besides its node. */
export interface Collected {
  ids: IdDecl[]
  links: LinkRef[]
  media: MediaRef[]
}

/** The whole resolved programme. */
export interface IRTree {
  programme: IRProgramme | null
  modules: IRModule[]
  collected: Collected
}
