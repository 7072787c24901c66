// The public API of the `plus` package for host applications: the bundle loader, scoring and
// the types. It needs nothing but `ajv` at run time. The engine is `plus/engine`; the compiler,
// which needs the Markdown toolchain (optional peer dependencies), is `plus/compiler`.
export { loadBundle, loadManifest, parseBundle, BundleError } from './bundle/load.ts'
export { BUNDLE_SCHEMA_VERSION } from './bundle/contract.ts'
export { scoreForm, validateAnswers, bandFor, scoreRange, isScored, alertsFor, MAX_TEXT_ANSWER } from './scoring/index.ts'
export type { Answers, AnswerValue, AnswerProblem, AnswerProblemCode, FormScore } from './scoring/index.ts'
export type * from './types/index.ts'
