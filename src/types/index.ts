// Public types of the bundle and of the authored content, generated from schemas/.
export type * from './bundle.generated.ts'
export type {
  ProgrammeFrontmatter,
  FlagFrontmatter,
  ModuleFrontmatter,
  ReviewFrontmatter,
  SectionFrontmatter,
  StepAttributes,
  CalloutAttributes,
  FilmAttributes,
  ImageAttributes,
  FormAttributes,
  QuestionAttributes,
  ScoringAttributes,
} from './content.generated.ts'
