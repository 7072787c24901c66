// `plus/compiler`: compiling content into a bundle, its diagnostics, and watch mode. Kept out of
// the main entry point because it loads the Markdown toolchain (unified, remark,
// yaml, …), which the package declares as optional peer dependencies: a host that only runs
// compiled bundles does not install them.
export { compile, build, createCache, formatText, formatDiagnostic, toJson, catalogue, codes, BUNDLE_SCHEMA_VERSION } from './compiler/index.ts'
export type { CompileOptions, CompileResult, BuildOptions, BuildResult, CompileCache, Diagnostic, Lang, Severity, Span, Code } from './compiler/index.ts'
export { watchContent } from './compiler/watch.ts'
export type { WatchOptions, Watcher, LostTrack } from './compiler/watch.ts'
