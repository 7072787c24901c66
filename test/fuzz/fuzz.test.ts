// The mutation fuzzer as part of the suite: a fixed seed, about a thousand mutated compiles of
// the real content. `npm run fuzz -- --count N --seed S` runs as many as asked for.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fuzz, type FuzzFailure } from './fuzzer.ts'

const contentDir = path.resolve(fileURLToPath(new URL('../../content/', import.meta.url)))
const count = Number(process.env.FUZZ_COUNT ?? 1000)

describe('mutation fuzzing of the real content', () => {
  it(`keeps every invariant over ${count} mutated compiles`, { timeout: 600_000 }, async () => {
    const { failures } = await fuzz(contentDir, { seed: 20261130, count, lineEndingsEvery: 10 })
    const show = (f: FuzzFailure) => `case ${f.case.index} (${f.case.rel}: ${f.case.steps.join(', ')}): ${f.problem}`
    expect(failures.map(show)).toEqual([])
  })
})
