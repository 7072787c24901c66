// The public API of the `plus` package: the compiler, the bundle loader, scoring and types.
// The engine is exported separately as `plus/engine`.
export { compile, build, createCache, formatText, formatDiagnostic, toJson, catalogue, codes, BUNDLE_SCHEMA_VERSION } from './compiler/index.ts'
export type { CompileOptions, CompileResult, BuildOptions, BuildResult, CompileCache, Diagnostic, Lang, Severity, Span, Code } from './compiler/index.ts'
export { loadBundle, loadManifest, parseBundle, BundleError } from './bundle/load.ts'
export { scoreForm, validateAnswers, bandFor, scoreRange, isScored, alertsFor, MAX_TEXT_ANSWER } from './scoring/index.ts'
export type { Answers, AnswerValue, AnswerProblem, AnswerProblemCode, FormScore } from './scoring/index.ts'
export { watchContent } from './compiler/watch.ts'
export type { WatchOptions, Watcher, LostTrack } from './compiler/watch.ts'
export type * from './types/index.ts'
