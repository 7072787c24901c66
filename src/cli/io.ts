// The streams a command writes to, injected so commands run the same from tests and code.
export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  /** Environment, for the locale. */
  env: Record<string, string | undefined>
  cwd: string
}

/** Thrown for misuse of the command line (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError'
}

export type Lang = 'sv' | 'en'

/** The language of diagnostics: `--lang`, else the locale (sv_* → Swedish), else English. */
export function pickLang(flag: string | undefined, env: Io['env']): Lang {
  if (flag !== undefined) {
    if (flag !== 'sv' && flag !== 'en') throw new UsageError(`--lang must be sv or en, not "${flag}"`)
    return flag
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || ''
  return locale.toLowerCase().startsWith('sv') ? 'sv' : 'en'
}
