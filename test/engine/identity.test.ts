// One person, one key, through the engine: the same person typed in another accepted spelling is
// the same patient; an ambiguous spelling is refused with its problem, and nothing is stored.
import { describe, expect, it } from 'vitest'
import { luhnCheckDigit } from '../../src/identity/personnummer.ts'
import { BEHANDLARE, patient, refusedWith, TestClock, world } from './harness.ts'

describe('identity in the engine', () => {
  // 1912-12-12 turns 100 in 2012: from 1 January 2012 Skatteverket prints 121212+1212.
  const IN_2012 = '2012-06-01T08:00:00.000Z'

  it('given a programme started with 12 digits, when the same person is typed with + in the year they turn 100, then it is the same patient', async () => {
    const w = await world({ clock: new TestClock(IN_2012) })
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1212' })).programmeId
    expect(await refusedWith(() => w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '121212+1212' }))).toBe('programme-already-active')
    expect((await w.engine.query(patient('121212+1212'), { type: 'patient-programmes' })).map((x) => x.programmeId)).toEqual([p])
    expect(await w.store.listProgrammes({})).toHaveLength(1)
  })

  it('given a - spelling whose birthday this century is still to come, when a programme is started, then it is refused as in the future, not read as someone born a century earlier', async () => {
    const w = await world({ clock: new TestClock(IN_2012) })
    const error = await (async () => {
      try {
        await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '121212-1212' })
      } catch (e) {
        return e as { code?: string; refusal?: { personnummerProblem?: string } }
      }
      return null
    })()
    expect(error).toMatchObject({ code: 'invalid-personnummer', refusal: { personnummerProblem: 'future' } })
    expect(await w.store.listProgrammes({})).toEqual([])
  })

  it.each([
    ['1212121212', 'century'],
    ['19121212-1213', 'checksum'],
    [`19121212-000${luhnCheckDigit('121212000')}`, 'serial'],
    ['19121212–1212', 'format'],
  ])('given %s, when a programme is started, then it is refused with the problem %s and nothing is stored', async (personnummer, problem) => {
    const w = await world()
    let caught: unknown = null
    try {
      await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer })
    } catch (e) {
      caught = e
    }
    expect(caught).toMatchObject({ code: 'invalid-personnummer', refusal: { personnummerProblem: problem } })
    expect(JSON.stringify((caught as { refusal: unknown }).refusal)).not.toContain(personnummer)
    expect(await w.store.listProgrammes({})).toEqual([])
  })

  it('given whitespace around the number, when a programme is started, then it is the 12 digits without it', async () => {
    const w = await world()
    const p = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: ' 19121212-1212\t' })).programmeId ?? ''
    expect((await w.store.getProgramme(p))?.patient).toBe('191212121212')
  })
})
