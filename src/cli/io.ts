// The streams a command writes to, injected so commands run the same from tests and code.
export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  /** Environment, for the locale. */
  env: Record<string, string | undefined>
  cwd: string
  /**
   * This is the command line's own process (src/cli/bin.ts): check and build may load the
   * compiler's resolve phase pre-bundled (src/compiler/parse/resolver.ts). Tests that call
   * main() leave it out and run the sources as they are.
   */
  bundledResolver?: boolean
}

/** Thrown for misuse of the command line (exit code 2), with its text in both languages. */
export class UsageError extends Error {
  override name = 'UsageError'
  /** The Swedish text; `message` is the English one. */
  readonly sv: string
  constructor(en: string, sv: string = en) {
    super(en)
    this.sv = sv
  }
  /** The text in the given language. */
  text(lang: Lang): string {
    return lang === 'sv' ? this.sv : this.message
  }
}

/** `1 modul`, `7 moduler`: a count with the right form of its noun. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

export type Lang = 'sv' | 'en'

/** The language of diagnostics: `--lang`, else the locale (sv_* → Swedish), else English. */
export function pickLang(flag: string | undefined, env: Io['env']): Lang {
  if (flag !== undefined) {
    if (flag !== 'sv' && flag !== 'en') throw new UsageError(`--lang must be sv or en, not "${flag}"`, `--lang ska vara sv eller en, inte "${flag}"`)
    return flag
  }
  return localeLang(env)
}

/** The language of the locale alone (sv_* → Swedish, else English). */
export function localeLang(env: Io['env']): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return locale.toLowerCase().startsWith('sv') ? 'sv' : 'en'
}

/** The `--format` flag: text (default) or json. */
export function parseFormat(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text'
  throw new UsageError(`--format must be text or json, not "${value}"`, `--format ska vara text eller json, inte "${value}"`)
}
