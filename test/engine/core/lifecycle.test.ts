// "Is the programme open to the patient today": one function, asked by the gate, the list of
// the patient's programmes and the decider.
import { describe, expect, it } from 'vitest'
import { isOpenToPatient, patientAccessOn } from '../../../src/engine/index.ts'

describe('patientAccessOn', () => {
  it('given an active programme, then it is open', () => {
    expect(patientAccessOn({ lifecycle: { status: 'active' } }, '2025-04-07')).toBe('open')
  })
  it('given a programme retained until a date, then it is read-only before the date and closed from it', () => {
    const retained = { lifecycle: { status: 'retained', since: '2025-04-07T07:00:00.000Z', until: '2025-05-01' } } as const
    expect(patientAccessOn(retained, '2025-04-30')).toBe('read-only')
    expect(patientAccessOn(retained, '2025-05-01')).toBe('closed')
    expect(isOpenToPatient(retained, '2025-04-30')).toBe(true)
    expect(isOpenToPatient(retained, '2025-05-01')).toBe(false)
  })
  it('given an ended programme, then it is closed', () => {
    expect(patientAccessOn({ lifecycle: { status: 'ended', at: '2025-04-07T07:00:00.000Z', reason: 'completed', byUserId: 'u-beh' } }, '2025-04-07')).toBe('closed')
  })
})
