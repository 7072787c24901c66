// `npm run fuzz -- [--count N] [--seed S] [--content dir]`: the seeded mutation fuzzer of
// test/fuzz over the real content, as many cases as asked for. A case that breaks an invariant
// is written to test/fixtures/fuzz-<seed>-<index>/ (the mutated file over the base content
// would not reproduce it, so the whole mutated file is kept with a note) and the run exits 1.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fuzz } from '../test/fuzz/fuzzer.ts'

const { values } = parseArgs({
  options: { count: { type: 'string', default: '1000' }, seed: { type: 'string' }, content: { type: 'string', default: 'content' } },
})
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
const count = Number(values.count)
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--count N] [--seed S] [--content dir]')
  process.exit(2)
}
console.log(`fuzzing ${path.resolve(values.content!)}: seed ${seed}, ${count} cases`)
const started = performance.now()
const { failures } = await fuzz(path.resolve(values.content!), {
  seed,
  count,
  onFailure: async (f) => {
    const dir = path.join('test', 'fuzz', 'found', `seed-${seed}-case-${f.case.index}`)
    await mkdir(path.join(dir, path.dirname(f.case.rel)), { recursive: true })
    await writeFile(path.join(dir, f.case.rel), f.case.content)
    await writeFile(path.join(dir, 'problem.txt'), `${f.case.rel}: ${f.case.steps.join(', ')}\n${f.problem}\n`)
    console.error(`case ${f.case.index} (${f.case.rel}: ${f.case.steps.join(', ')}): ${f.problem}\n  kept in ${dir}`)
  },
})
const seconds = ((performance.now() - started) / 1000).toFixed(1)
console.log(`${count} cases in ${seconds} s: ${failures.length === 0 ? 'no failures' : `${failures.length} failures`}`)
process.exit(failures.length === 0 ? 0 : 1)
