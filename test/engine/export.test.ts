// Exports: the dataadministratör's export of ended programmes (JSON, CSV) and the patient's own
// download before the programme ends.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { EXPORT_PAGE } from '../../src/engine/core/export-ended.ts'
import { csvCell, exportFileName } from '../../src/engine/index.ts'
import { BEHANDLARE, DATAADMIN, PNR, PNR12, patient, refusedWith, startWithOro, versionOf, world } from './harness.ts'

async function endedWorld() {
  const w = await world()
  const p = await startWithOro(w)
  await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-skattning', answers: { 'oro-hur-ofta': 'ofta', 'oro-svart-sluta': 'ofta' } })
  await w.engine.execute(patient(), { type: 'submit-form', programmeId: p, formId: 'oro-uppgift', answers: { 'oro-nar': '=kl 18, "efter maten"' } })
  await w.engine.execute(patient(), { type: 'send-message', programmeId: p, text: 'Tack!' })
  return { w, p }
}

describe('export', () => {
  it('given ended programmes, when the dataadministratör exports JSON, then every programme with its answers is in it', async () => {
    const { w, p } = await endedWorld()
    const ongoing = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: '19121212-1220' })).programmeId
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    const file = await w.engine.query(DATAADMIN, { type: 'export-ended', format: 'json' })
    expect(file).toMatchObject({ format: 'json', mediaType: 'application/json', fileName: 'plus-vc-norr-2025-04-07.json' })
    const data = JSON.parse(file.body)
    expect(data.programmes).toHaveLength(1)
    expect(data.programmes[0]).toMatchObject({ programmeId: p, personnummer: PNR12, endReason: 'completed', submissions: [{ formId: 'oro-skattning', score: 4, bandLabel: 'Hög nivå' }, { formId: 'oro-uppgift' }], messages: [{ from: 'patient', text: 'Tack!' }] })
    expect(file.body).not.toContain(ongoing)
    expect((await w.store.listAudit()).at(-2)).toMatchObject({ action: 'export-ended', programmeId: p, access: 'read', actorId: 'u-data' })
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'export-ended', programmeId: null, exportFormat: 'json', rowCount: 1 })
  })

  it('given ended programmes, when exported as CSV, then it is UTF-8 with BOM, semicolons and CRLF, one row per submission, for Excel with Swedish settings', async () => {
    const { w, p } = await endedWorld()
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    const file = await w.engine.query(DATAADMIN, { type: 'export-ended', format: 'csv' })
    expect(file).toMatchObject({ format: 'csv', mediaType: 'text/csv; charset=utf-8', fileName: 'plus-vc-norr-2025-04-07.csv', programmes: 1, rows: 2 })
    expect(file.body.startsWith('\ufeffprogramme_id;personnummer;started_on;ended_at;end_reason;module_id;form_id;submitted_at;score;band;answers_json\r\n')).toBe(true)
    expect(file.body.endsWith('\r\n')).toBe(true)
    expect(file.body.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/) // no bare LF or CR between rows
    const lines = file.body.slice(1).trimEnd().split('\r\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toContain(`${p};19121212-1212;2025-04-07;`) // the 12-digit form with its hyphen: text in Excel
    expect(lines[1]).toContain(';oro;oro-skattning;')
    // The answer `=kl 18, "efter maten"` sits inside JSON, so the cell starts with `{` and is only quoted.
    expect(lines[2]).toContain('"{""oro-nar"":""=kl 18, \\""efter maten\\""""}"')
  })

  it('given the CSV body as bytes, when decoded as UTF-8, then the first three bytes are the BOM and å ä ö survive', async () => {
    const { w, p } = await endedWorld()
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    const bytes = Buffer.from((await w.engine.query(DATAADMIN, { type: 'export-ended', format: 'csv' })).body, 'utf8')
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(bytes.toString('utf8')).toContain('Hög nivå')
  })

  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+46 70', "'+46 70"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['  =1+1', "'  =1+1"],
    ['\r=1', `"'\r=1"`],
    ['=1;2', `"'=1;2"`],
    ['a;b', '"a;b"'],
    ['a,b', 'a,b'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['191212121212', '191212121212'],
    ['2025-04-07', '2025-04-07'],
    ['', ''],
  ])('given the cell %j, when written to CSV, then it is %j', (value, written) => {
    expect(csvCell(value)).toBe(written)
  })

  it('given ended programmes, when streamed, then the pieces join to the same file the query returns, and no piece holds more than one programme', async () => {
    const { w, p } = await endedWorld()
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    for (const format of ['csv', 'json'] as const) {
      const pieces: string[] = []
      let header: unknown = null
      const summary = await w.engine.exportEnded(DATAADMIN, format, (chunk) => pieces.push(chunk), (h) => {
        header = h
        expect(pieces).toHaveLength(0) // the header comes before any data
      })
      expect(header).toEqual({ format, mediaType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json', fileName: `plus-vc-norr-2025-04-07.${format}` })
      expect(summary).toMatchObject({ format, programmes: 1, rows: format === 'csv' ? 2 : 1 })
      expect(pieces.join('')).toBe((await w.engine.query(DATAADMIN, { type: 'export-ended', format })).body)
      expect(pieces.filter((piece) => piece.includes(p))).toHaveLength(1)
    }
  })

  it('given more ended programmes than one page, when exported, then every one is in the file once, each read is logged, and the last entry records format and row count', async () => {
    const w = await world()
    const ended: string[] = []
    for (let i = 0; i < EXPORT_PAGE + 7; i++) {
      const programmeId = (await w.engine.execute(BEHANDLARE, { type: 'start-programme', personnummer: PNR })).programmeId ?? ''
      await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId, reason: 'completed', expectedVersion: await versionOf(w, programmeId) })
      ended.push(programmeId)
    }
    const before = (await w.store.listAudit()).length
    const file = await w.engine.query(DATAADMIN, { type: 'export-ended', format: 'json' })
    const data = JSON.parse(file.body) as { programmes: { programmeId: string }[] }
    expect(data.programmes.map((x) => x.programmeId).sort()).toEqual([...ended].sort())
    expect(file).toMatchObject({ programmes: ended.length, rows: ended.length })
    const entries = (await w.store.listAudit()).slice(before)
    expect(entries.filter((e) => e.action === 'export-ended' && e.programmeId !== null).map((e) => e.programmeId).sort()).toEqual([...ended].sort())
    expect(entries.at(-1)).toMatchObject({ action: 'export-ended', programmeId: null, actorId: 'u-data', outcome: 'ok', exportFormat: 'json', rowCount: ended.length })
  })

  it('given a behandlare, when they try the streamed export, then it is refused before anything is written', async () => {
    const { w, p } = await endedWorld()
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    const pieces: string[] = []
    let header = false
    expect(await refusedWith(() => w.engine.exportEnded(BEHANDLARE, 'csv', (chunk) => pieces.push(chunk), () => (header = true)))).toBe('role-missing')
    expect({ pieces, header }).toEqual({ pieces: [], header: false })
  })

  it('given the host stops reading half-way (write throws), then the error reaches the host, the reads so far are logged and no summary claims a finished export', async () => {
    const { w, p } = await endedWorld()
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    const before = (await w.store.listAudit()).length
    let pieces = 0
    await expect(
      w.engine.exportEnded(DATAADMIN, 'json', () => {
        if (++pieces === 2) throw new Error('connection closed')
      }),
    ).rejects.toThrow('connection closed')
    const entries = (await w.store.listAudit()).slice(before)
    expect(entries.map((e) => [e.action, e.programmeId])).toEqual([['export-ended', p]])
    expect(entries.some((e) => e.exportFormat !== undefined && e.exportFormat !== null)).toBe(false)
  })

  it('given no ended programmes, when exported as CSV, then the file is the header alone and the audit entry records zero rows', async () => {
    const w = await world()
    const file = await w.engine.query(DATAADMIN, { type: 'export-ended', format: 'csv' })
    expect(file.body.split('\r\n').filter(Boolean)).toHaveLength(1)
    expect((await w.store.listAudit()).at(-1)).toMatchObject({ action: 'export-ended', programmeId: null, exportFormat: 'csv', rowCount: 0 })
  })

  it('given any unit id, when it names an export file, then the name has no path separator, no `..` and no control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom('json', 'csv') as fc.Arbitrary<'json' | 'csv'>, (unitId, format) => {
        const name = exportFileName(unitId, '2025-04-07T07:00:00.000Z', format)
        return /^plus-[A-Za-z0-9_-]+-2025-04-07\.(json|csv)$/.test(name) && !name.includes('..')
      }),
      { numRuns: 2000 },
    )
    expect(exportFileName('../../etc/passwd', '2025-04-07T07:00:00.000Z', 'csv')).toBe('plus-______etc_passwd-2025-04-07.csv')
    expect(exportFileName('vc-norr', '2025-04-07T22:30:00.000Z', 'csv')).toBe('plus-vc-norr-2025-04-08.csv') // 00:30 in Stockholm
    expect(exportFileName('C:\\temp\\x', '2025-04-07T07:00:00.000Z', 'json')).toBe('plus-C__temp_x-2025-04-07.json')
  })

  it('given an ongoing programme, when the patient downloads, then they get their answers and messages as text', async () => {
    const { w, p } = await endedWorld()
    const download = await w.engine.query(patient(), { type: 'patient-export', programmeId: p })
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

  it('given an ended programme, then the patient can no longer download', async () => {
    const { w, p } = await endedWorld()
    await w.engine.execute(BEHANDLARE, { type: 'end-programme', programmeId: p, reason: 'completed', expectedVersion: await versionOf(w, p) })
    expect(await refusedWith(() => w.engine.query(patient(), { type: 'patient-export', programmeId: p }))).toBe('programme-closed')
  })
})
