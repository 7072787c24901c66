// The welcome text: the bundle's formatted default (html and text) until a behandlare edits it,
// then the behandlare's plain text; the default follows content updates, an edit does not.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, evolveAll, openSqliteStore } from '../../src/engine/index.ts'
import { testBundle } from './bundle.ts'
import { BEHANDLARE, PNR_B, TestClock, patient, sequentialIds, startWithOro, UNDO_MIGRATION_6, versionOf, world, openTestStore, notSqlite } from './harness.ts'

const UPDATED = { html: '<p>Välkommen till <strong>PLUS</strong>!</p>', text: 'Välkommen till PLUS!' }

describe('welcome text', () => {
  it('given a new bundle with a reworded default, then unedited programmes show the new default and edited ones keep their text', async () => {
    const store = await openTestStore()
    const clock = new TestClock()
    const w = await world({ store, clock })
    const unedited = await startWithOro(w)
    const edited = await startWithOro(w, PNR_B)
    await w.engine.execute(BEHANDLARE, { type: 'edit-welcome-text', programmeId: edited, text: 'Hej från oss <b>inte HTML</b>', expectedVersion: await versionOf(w, edited) })
    const bundle = testBundle({ version: '1.1.0' })
    bundle.programme.welcome = UPDATED
    const updated = await createEngine({ store, bundle, clock: clock.now, newId: sequentialIds('v2') })
    expect((await updated.query(patient(), { type: 'patient-view', programmeId: unedited })).welcome).toEqual({ kind: 'default', ...UPDATED })
    expect((await updated.query(patient(PNR_B), { type: 'patient-view', programmeId: edited })).welcome).toEqual({ kind: 'edited', text: 'Hej från oss <b>inte HTML</b>' })
  })

  describe.skipIf(notSqlite)('on a database from before (migration 4) (SQLite file)', () => {
    const dirs: string[] = []
    afterEach(() => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
    })

    it('given snapshots that kept the default as plain text, then unedited ones show the default, edited ones keep the edit, and folding the events gives the snapshot', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'plus-welcome-'))
      dirs.push(dir)
      const path = join(dir, 'plus.db')
      const before = await world({ path })
      const unedited = await startWithOro(before)
      const edited = await startWithOro(before, PNR_B)
      await before.engine.execute(BEHANDLARE, { type: 'edit-welcome-text', programmeId: edited, text: 'Egen text', expectedVersion: await versionOf(before, edited) })
      await before.engine.close()
      // As the engine wrote them at schema version 3: the default's text in the snapshot and in
      // the programme-started event.
      const db = new DatabaseSync(path)
      db.exec(UNDO_MIGRATION_6)
      db.exec(`
        UPDATE programmes SET state = json_set(state, '$.welcomeText', 'Välkommen till PLUS!') WHERE programme_id = '${unedited}';
        UPDATE programme_events SET event = json_set(event, '$.welcomeText', 'Välkommen till PLUS!') WHERE type = 'programme-started';
        ALTER TABLE audit_log DROP COLUMN export_format;
        ALTER TABLE audit_log DROP COLUMN row_count;
        PRAGMA user_version = 3;
      `)
      db.close()

      const store = openSqliteStore({ path })
      expect((await store.getProgramme(unedited))?.welcomeText).toBeNull()
      expect((await store.getProgramme(edited))?.welcomeText).toBe('Egen text')
      for (const id of [unedited, edited]) expect(evolveAll(await store.readEvents(id))).toEqual(await store.getProgramme(id))
      const engine = await createEngine({ store, bundle: testBundle(), clock: new TestClock().now, newId: sequentialIds('after') })
      expect((await engine.query(patient(), { type: 'patient-view', programmeId: unedited })).welcome).toMatchObject({ kind: 'default', html: '<p>Välkommen till PLUS!</p>' })
      await engine.close()
    })
  })
})
