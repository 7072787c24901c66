// The result of comparing two bundles: plain tagged data, no classes, so it can be printed,
// serialised as JSON (`plus diff --json`) or asserted on in tests. Identity is by id: ids are
// stable across content versions, titles are not.
import type { BandLevel, FlagTrigger, QuestionType, Recipient, Review, StepKind } from '../types/bundle.generated.ts'

/**
 * Why a change matters for data that patients have already submitted. A change with at least
 * one warning is "breaking": stored answers or scores no longer match the new content.
 */
export type Warning =
  /** Stored answers point to a form, question or option that no longer exists. */
  | 'answers-orphaned'
  /** Stored answers were given for another question type (an option id where a number is now expected, …). */
  | 'answer-type-changed'
  /**
   * Stored answers still fit but now read as something else: an option kept its id under a new
   * label, or a question changed between `scale` and `single`.
   */
  | 'answers-meaning-changed'
  /** Scoring a stored submission again with the new content gives another score than the stored one. */
  | 'scores-differ'
  /** The band stored with a submission may not be the band its score falls in now. */
  | 'bands-differ'
  /** A number answer accepted under the old min/max may lie outside the new range. */
  | 'answers-out-of-range'

/** An id with the title (or prompt, label) it had, for display. */
export interface Ref {
  id: string
  title: string
}

/** Where a section sits: its module and its 0-based position among the module's sections. */
export interface SectionPlace {
  module: Ref
  index: number
}

/** Where a step sits: module, section and its 0-based position among the section's steps. */
export interface StepPlace {
  module: Ref
  section: Ref
  index: number
}

/** Where a form sits: the step holding it, with that step's place. */
export interface FormPlace {
  step: Ref
  module: Ref
  section: Ref
}

/** One changed value. `before` and `after` are the plain values (plain text for rich text). */
export interface FieldChange<F extends string = string, V = unknown> {
  field: F
  before: V
  after: V
}

/** A media file as the diff reports it: its bundle path and content hash. */
export interface FileRef {
  path: string
  sha256: string
}

// ── Programme ───────────────────────────────────────────────────────────────────────────────

/** A scalar property of the programme. */
export interface ProgrammeFieldChanged {
  type: 'programme-changed'
  change:
    | FieldChange<'id', string>
    | FieldChange<'schemaVersion', string>
    | FieldChange<'version', string>
    | FieldChange<'title', string>
    | FieldChange<'durationDays', number>
    /** The default welcome text, as plain text. */
    | FieldChange<'welcome', string>
  warnings: Warning[]
}

/** A flag (notification) as the diff reports it. */
export interface FlagSummary {
  id: string
  title: string
  trigger: FlagTrigger
  recipient: Recipient
  days: number
}

export interface FlagAdded {
  type: 'flag-added'
  flag: FlagSummary
  warnings: Warning[]
}

export interface FlagRemoved {
  type: 'flag-removed'
  flag: FlagSummary
  warnings: Warning[]
}

/** A flag kept its id but changed trigger, recipient, days or texts. */
export interface FlagChanged {
  type: 'flag-changed'
  flag: Ref
  changes: Array<
    | FieldChange<'trigger', FlagTrigger>
    | FieldChange<'recipient', Recipient>
    | FieldChange<'days', number>
    | FieldChange<'title', string>
    | FieldChange<'text', string>
  >
  warnings: Warning[]
}

// ── Modules, sections, steps ────────────────────────────────────────────────────────────────

export interface ModuleAdded {
  type: 'module-added'
  module: Ref
  /** The module's `order` (1-based) in the new bundle. */
  order: number
  /** How many sections and steps came with it. */
  sections: number
  steps: number
  warnings: Warning[]
}

export interface ModuleRemoved {
  type: 'module-removed'
  module: Ref
  /** The module's `order` in the old bundle. */
  order: number
  sections: number
  steps: number
  warnings: Warning[]
}

/** The module changed place relative to the other modules (not merely renumbered). */
export interface ModuleMoved {
  type: 'module-moved'
  module: Ref
  from: number
  to: number
  warnings: Warning[]
}

export interface ModuleChanged {
  type: 'module-changed'
  module: Ref
  changes: Array<
    | FieldChange<'title', string>
    | FieldChange<'summary', string>
    | FieldChange<'estimatedMinutes', number>
    /** The introduction, as plain text; null when there is none. */
    | FieldChange<'intro', string | null>
  >
  warnings: Warning[]
}

/** The module's review (status, reviewer or date) changed. */
export interface ReviewChanged {
  type: 'review-changed'
  module: Ref
  before: Review
  after: Review
  warnings: Warning[]
}

export interface SectionAdded {
  type: 'section-added'
  section: Ref
  at: SectionPlace
  steps: number
  warnings: Warning[]
}

export interface SectionRemoved {
  type: 'section-removed'
  section: Ref
  from: SectionPlace
  steps: number
  warnings: Warning[]
}

/** The section moved to another module, or changed place among its siblings. */
export interface SectionMoved {
  type: 'section-moved'
  section: Ref
  from: SectionPlace
  to: SectionPlace
  warnings: Warning[]
}

export interface SectionChanged {
  type: 'section-changed'
  section: Ref
  at: SectionPlace
  changes: Array<FieldChange<'title', string> | FieldChange<'summary', string | null>>
  warnings: Warning[]
}

export interface StepAdded {
  type: 'step-added'
  step: Ref
  at: StepPlace
  kind: StepKind
  warnings: Warning[]
}

export interface StepRemoved {
  type: 'step-removed'
  step: Ref
  from: StepPlace
  kind: StepKind
  warnings: Warning[]
}

/** The step moved to another section or module, or changed place among its siblings. */
export interface StepMoved {
  type: 'step-moved'
  step: Ref
  from: StepPlace
  to: StepPlace
  warnings: Warning[]
}

/** The step's title or kind changed, or blocks other than forms changed (forms: see FormChange). */
export interface StepChanged {
  type: 'step-changed'
  step: Ref
  at: StepPlace
  changes: Array<FieldChange<'title', string> | FieldChange<'kind', StepKind>>
  blocks: BlockChange[]
  warnings: Warning[]
}

// ── Blocks (inside a step-changed) ──────────────────────────────────────────────────────────

/**
 * A block as the diff names it. Films and images with ids are matched by id; text, callout and
 * id-less image blocks by their position among blocks of the same type (the 2nd callout, …).
 */
export interface BlockRef {
  blockType: 'text' | 'callout' | 'image' | 'film'
  /** The block's id, when it has one. */
  id: string | null
  /** 0-based position among the step's blocks of the same type. */
  nth: number
  /** A film's title, a callout's title or an image's alt text; null for plain text. */
  title: string | null
}

export type BlockChange =
  | { type: 'block-added'; block: BlockRef }
  | { type: 'block-removed'; block: BlockRef }
  /** The blocks that both versions have are in another order. */
  | { type: 'blocks-reordered'; before: BlockRef[]; after: BlockRef[] }
  /** A text block's or a callout's text changed (plain text before and after). */
  | { type: 'text-changed'; block: BlockRef; before: string; after: string }
  | {
      type: 'callout-changed'
      block: BlockRef
      changes: Array<FieldChange<'variant', 'tips' | 'viktigt'> | FieldChange<'title', string | null>>
    }
  | {
      type: 'image-changed'
      block: BlockRef
      changes: Array<FieldChange<'file', FileRef> | FieldChange<'alt', string> | FieldChange<'caption', string | null>>
    }
  | {
      type: 'film-changed'
      block: BlockRef
      changes: FilmFieldChange[]
    }

/** What changed about a film. Files are compared by sha256, so a re-encoded file shows. */
export type FilmFieldChange =
  | FieldChange<'title', string>
  | FieldChange<'durationSeconds', number>
  /** null: the video is pending (not delivered). */
  | FieldChange<'video', FileRef | null>
  | FieldChange<'captions', FileRef>
  | FieldChange<'captionCues', number>
  | FieldChange<'poster', FileRef>
  | FieldChange<'transcript', string>

// ── Forms ───────────────────────────────────────────────────────────────────────────────────

/** A question as the diff names it: its id and prompt. */
export interface QuestionRef {
  id: string
  prompt: string
}

/** An answer option as the diff reports it. */
export interface OptionSummary {
  id: string
  label: string
  value: number | null
}

/** A scoring band's range and label (its text is compared separately). */
export interface BandSummary {
  min: number
  max: number
  label: string
  /** How serious the band is (`info` for bands of bundles before format 1.1). */
  level: BandLevel
}

/** Forms are compared by id across the whole programme, wherever they sit. */
export interface FormAdded {
  type: 'form-added'
  form: Ref
  at: FormPlace
  kind: 'assessment' | 'exercise'
  questions: number
  warnings: Warning[]
}

/** The form is gone: stored submissions of it no longer match any form in the content. */
export interface FormRemoved {
  type: 'form-removed'
  form: Ref
  from: FormPlace
  kind: 'assessment' | 'exercise'
  questions: number
  warnings: Warning[]
}

/** The form now sits in another step. */
export interface FormMoved {
  type: 'form-moved'
  form: Ref
  from: FormPlace
  to: FormPlace
  warnings: Warning[]
}

export interface FormChanged {
  type: 'form-changed'
  form: Ref
  at: FormPlace
  /** `source`, `sourceUrl` and `licence` are a licensed form's provenance (null when absent). */
  changes: Array<FieldChange<'title', string> | FieldChange<'intro' | 'source' | 'sourceUrl' | 'licence', string | null>>
  warnings: Warning[]
}

export interface QuestionAdded {
  type: 'question-added'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  /** 0-based position in the new form. */
  index: number
  questionType: QuestionType
  required: boolean
  warnings: Warning[]
}

export interface QuestionRemoved {
  type: 'question-removed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  questionType: QuestionType
  /** The question counted towards the form's score. */
  scored: boolean
  warnings: Warning[]
}

/** The question changed place among the form's questions. */
export interface QuestionMoved {
  type: 'question-moved'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  from: number
  to: number
  warnings: Warning[]
}

export interface QuestionTypeChanged {
  type: 'question-type-changed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  before: QuestionType
  after: QuestionType
  warnings: Warning[]
}

/** Other properties of a question (prompt, help, required, number limits, unit, rows, alert value). */
export interface QuestionChanged {
  type: 'question-changed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  changes: Array<
    | FieldChange<'prompt', string>
    | FieldChange<'help', string | null>
    | FieldChange<'required', boolean>
    | FieldChange<'min', number | null>
    | FieldChange<'max', number | null>
    | FieldChange<'unit', string | null>
    | FieldChange<'rows', number | null>
    | FieldChange<'alertFrom', number | null>
  >
  warnings: Warning[]
}

export interface OptionAdded {
  type: 'option-added'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  option: OptionSummary
  index: number
  warnings: Warning[]
}

export interface OptionRemoved {
  type: 'option-removed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  option: OptionSummary
  warnings: Warning[]
}

/** Same option id, new label: stored answers now show the new label. */
export interface OptionRelabelled {
  type: 'option-relabelled'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  optionId: string
  before: string
  after: string
  warnings: Warning[]
}

/** Same option id, new score value. */
export interface OptionValueChanged {
  type: 'option-value-changed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  option: Ref
  before: number | null
  after: number | null
  warnings: Warning[]
}

export interface OptionMoved {
  type: 'option-moved'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  question: QuestionRef
  option: Ref
  from: number
  to: number
  warnings: Warning[]
}

/** The form became scored (an assessment) or stopped being scored. */
export interface ScoringAddedOrRemoved {
  type: 'scoring-added' | 'scoring-removed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  warnings: Warning[]
}

/** The lowest or highest possible score changed. */
export interface ScoreRangeChanged {
  type: 'score-range-changed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  before: { min: number; max: number }
  after: { min: number; max: number }
  warnings: Warning[]
}

/**
 * The bands' ranges, labels or levels changed. `bands-differ` only when ranges or labels did:
 * the engine finds a stored band by its label, while a level is read from the form each time.
 */
export interface BandsChanged {
  type: 'bands-changed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  before: BandSummary[]
  after: BandSummary[]
  warnings: Warning[]
}

/** A band kept its range and label but its text changed. */
export interface BandTextChanged {
  type: 'band-text-changed'
  form: Ref
  /** Where the form sits (in the new bundle; in the old one for removals). */
  at: FormPlace
  band: BandSummary
  before: string
  after: string
  warnings: Warning[]
}

export type FormChange =
  | FormAdded
  | FormRemoved
  | FormMoved
  | FormChanged
  | QuestionAdded
  | QuestionRemoved
  | QuestionMoved
  | QuestionTypeChanged
  | QuestionChanged
  | OptionAdded
  | OptionRemoved
  | OptionRelabelled
  | OptionValueChanged
  | OptionMoved
  | ScoringAddedOrRemoved
  | ScoreRangeChanged
  | BandsChanged
  | BandTextChanged

/** Every kind of change, discriminated by `type`. Each carries its warnings (often none). */
export type Change =
  | ProgrammeFieldChanged
  | FlagAdded
  | FlagRemoved
  | FlagChanged
  | ModuleAdded
  | ModuleRemoved
  | ModuleMoved
  | ModuleChanged
  | ReviewChanged
  | SectionAdded
  | SectionRemoved
  | SectionMoved
  | SectionChanged
  | StepAdded
  | StepRemoved
  | StepMoved
  | StepChanged
  | FormChange

/** A short description of one side of the comparison. */
export interface BundleSide {
  programmeId: string
  title: string
  version: string
  schemaVersion: string
}

/** The comparison of two bundles. */
export interface BundleDiff {
  type: 'bundle-diff'
  before: BundleSide
  after: BundleSide
  /**
   * Every change, in a stable order: programme and flags first, then each module in the new
   * order (removed ones where they were), its own changes, then its sections, their steps and
   * the forms in those steps.
   */
  changes: Change[]
}
