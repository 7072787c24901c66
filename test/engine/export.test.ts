// Exports: the dataadministratör's export of ended programmes (JSON, CSV) and the patient's own
// download before the programme ends.
import { describe, expect, it } from 'vitest'
import { csvCell } from '../../src/engine/index.ts'
import { BEHANDLARE, DATAADMIN, PNR12, patient, refusedWith, startWithOro, world } from './harness.ts'

function endedWorld() {
  const w = world()
  const p = startWithOro(w)
  w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'ofta' } })
  w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-uppgift', answers: { 'oro-nar': '=kl 18, "efter maten"' } })
  w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Tack!' })
  return { w, p }
}

describe('export', () => {
  it('given ended programmes, when the dataadministratör exports JSON, then every programme with its answers is in it', () => {
    const { w, p } = endedWorld()
    const ongoing = w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1220' }).programmeId
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed' })
    const file = w.engine.query(DATAADMIN, { type: 'export-ended', format: 'json' })
    expect(file).toMatchObject({ format: 'json', mediaType: 'application/json', fileName: 'plus-vc-norr-2025-04-07.json' })
    const data = JSON.parse(file.body)
    expect(data.programmes).toHaveLength(1)
    expect(data.programmes[0]).toMatchObject({ programmeId: p, personnummer: PNR12, endReason: 'completed', submissions: [{ formId: 'oro-skattning', score: 4, bandLabel: 'Hög nivå' }, { formId: 'oro-uppgift' }], messages: [{ from: 'patient', text: 'Tack!' }] })
    expect(file.body).not.toContain(ongoing)
    expect(w.store.listAudit().at(-1)).toMatchObject({ action: 'export-ended', programmeId: p, access: 'read', actorId: 'u-data' })
  })

  it('given ended programmes, when exported as CSV, then there is one quoted row per submission and formulas are neutralised', () => {
    const { w, p } = endedWorld()
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed' })
    const file = w.engine.query(DATAADMIN, { type: 'export-ended', format: 'csv' })
    const lines = file.body.trimEnd().split('\r\n')
    expect(lines[0]).toBe('programme_id,personnummer,started_on,ended_at,end_reason,module_id,form_id,submitted_at,score,band,answers_json')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toContain(`${p},${PNR12},2025-04-07,`)
    expect(lines[1]).toContain(',oro,oro-skattning,')
    expect(lines[2]).toContain('""=kl 18, \\""efter maten\\""""')
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvCell('a,b')).toBe('"a,b"')
  })

  it('given an ongoing programme, when the patient downloads, then they get their answers and messages as text', () => {
    const { w, p } = endedWorld()
    const download = w.engine.query(patient(), { type: 'patient-export', programmeId: p })
    expect(download).toMatchObject({
      type: 'plus-patient-export',
      programmeId: p,
      submissions: [
        { formTitle: 'Skattning av oro', score: 4, bandLabel: 'Hög nivå', answers: [{ prompt: 'Hur ofta oroar du dig?', display: 'Ofta' }, { display: 'Ofta' }] },
        { formTitle: 'Min orostid', answers: [{ prompt: 'När passar orostid dig?', display: '=kl 18, "efter maten"' }] },
      ],
      messages: [{ from: 'patient', text: 'Tack!' }],
    })
    expect(JSON.stringify(download)).not.toContain(PNR12)
  })

  it('given an ended programme, then the patient can no longer download', () => {
    const { w, p } = endedWorld()
    w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed' })
    expect(refusedWith(() => w.engine.query(patient(), { type: 'patient-export', programmeId: p }))).toBe('programme-closed')
  })
})
