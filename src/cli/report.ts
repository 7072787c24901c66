// `plus report`: compile, then print the quality report (text or JSON).
import path from 'node:path'
import { compile } from '../compiler/index.ts'
import { formatReport } from '../quality/format-report.ts'
import { qualityReport } from '../quality/report.ts'
import { printDiagnostics } from './compile-command.ts'
import type { Io, Lang } from './io.ts'

export async function runReport(io: Io, dir: string, format: 'text' | 'json', lang: Lang): Promise<number> {
  const absolute = path.resolve(io.cwd, dir)
  const result = await compile({ contentDir: absolute, displayDir: path.relative(io.cwd, absolute) || '.' })
  if (!result.output) {
    printDiagnostics(io, result.diagnostics, format, lang)
    return 1
  }
  const report = qualityReport(result.output.bundle)
  io.out(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatReport(report, lang))
  return 0
}
