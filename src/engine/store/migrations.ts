// Schema migrations for the SQLite store, applied in order and recorded in PRAGMA user_version.
// Shipped migrations never change; add a new one instead.

/** One schema change. */
export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE units (
        unit_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE role_grants (
        unit_id TEXT NOT NULL REFERENCES units (unit_id),
        user_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('behorighetsadministrator', 'behandlare', 'invanaradministrator', 'dataadministrator')),
        granted_at TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        PRIMARY KEY (unit_id, user_id, role)
      ) STRICT;

      CREATE TABLE notification_preferences (
        user_id TEXT PRIMARY KEY,
        email INTEGER NOT NULL CHECK (email IN (0, 1)),
        sms INTEGER NOT NULL CHECK (sms IN (0, 1))
      ) STRICT;

      CREATE TABLE bundles (
        version TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        json TEXT NOT NULL,
        added_at TEXT NOT NULL
      ) STRICT;

      -- The current state of each programme (a snapshot of its events), for lookups and lists.
      CREATE TABLE programmes (
        programme_id TEXT PRIMARY KEY,
        unit_id TEXT NOT NULL REFERENCES units (unit_id),
        patient TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'retained', 'ended')),
        responsible_user_id TEXT,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX programmes_by_unit ON programmes (unit_id, status);
      CREATE INDEX programmes_by_patient ON programmes (patient);

      CREATE TABLE programme_events (
        programme_id TEXT NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (programme_id, seq)
      ) STRICT;

      -- One row per flag delivery; the primary key is what makes delivery exactly-once.
      CREATE TABLE flag_deliveries (
        programme_id TEXT NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        flag_id TEXT NOT NULL,
        module_id TEXT NOT NULL,
        occurrence TEXT NOT NULL,
        delivered_at TEXT NOT NULL,
        PRIMARY KEY (programme_id, flag_id, module_id, occurrence)
      ) STRICT;

      CREATE TABLE outbox (
        outbox_id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        programme_id TEXT NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        flag_id TEXT NOT NULL,
        recipient TEXT NOT NULL CHECK (recipient IN ('patient', 'clinician')),
        recipient_ref TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('patient-app', 'email', 'sms', 'in-app')),
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        sent_at TEXT
      ) STRICT;
      CREATE INDEX outbox_unsent ON outbox (sent_at, created_at);

      -- Who did what to which programme, when. Never clinical text; kept after a purge.
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'patient', 'system')),
        actor_id TEXT,
        unit_id TEXT,
        programme_id TEXT,
        action TEXT NOT NULL,
        access TEXT NOT NULL CHECK (access IN ('read', 'write')),
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
        refusal_code TEXT
      ) STRICT;
      CREATE INDEX audit_by_programme ON audit_log (programme_id);
    `,
  },
  {
    version: 2,
    name: 'one open programme per patient',
    // The engine checks this before starting a programme; the index makes it hold even when two
    // processes start one for the same patient at the same moment.
    sql: `
      CREATE UNIQUE INDEX programmes_one_open_per_patient ON programmes (patient) WHERE status <> 'ended';
    `,
  },
  {
    version: 3,
    name: 'flag schedule index',
    // The undelivered flag occurrences that each running programme's state implies (flagSchedule in
    // flags.ts), rewritten with every save of the programme and trimmed as flags are delivered, so
    // the scheduler reads only the programmes with something due instead of every programme. The
    // engine fills it for existing programmes when it starts (engine_meta records what from).
    sql: `
      CREATE TABLE flag_schedule (
        programme_id TEXT NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        flag_id TEXT NOT NULL,
        module_id TEXT NOT NULL,
        occurrence TEXT NOT NULL,
        due_on TEXT NOT NULL,
        until TEXT,
        PRIMARY KEY (programme_id, flag_id, module_id, occurrence)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX flag_schedule_by_due ON flag_schedule (due_on);

      CREATE TABLE engine_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'default welcome text from the content',
    // Programmes now keep only a behandlare's own welcome text (null: show the bundle's formatted
    // default). Snapshots written before kept the default's plain text; a programme whose history
    // has no edit shows the default, so its snapshot says so, as folding its events now does.
    sql: `
      UPDATE programmes SET state = json_set(state, '$.welcomeText', json('null'))
      WHERE NOT EXISTS (
        SELECT 1 FROM programme_events e WHERE e.programme_id = programmes.programme_id AND e.type = 'welcome-text-edited'
      );
    `,
  },
  {
    version: 5,
    name: 'outbox names the patient by programme; export audit records format and rows',
    // A notification to the patient named them by personnummer in recipient_ref, so a leaked
    // outbox row identified them; it now holds the programme id, which the host resolves through
    // the engine (notificationRecipient). The audit entry of an export says what was written.
    sql: `
      UPDATE outbox SET recipient_ref = programme_id WHERE recipient = 'patient';
      ALTER TABLE audit_log ADD COLUMN export_format TEXT CHECK (export_format IN ('json', 'csv'));
      ALTER TABLE audit_log ADD COLUMN row_count INTEGER CHECK (row_count >= 0);
    `,
  },
  {
    version: 6,
    name: 'audit log in its own file; one open programme per patient and unit; purge ledger; idempotency keys',
    // The audit log moves to the attached audit file (audit-schema.ts), which refuses UPDATE and
    // DELETE, so that a purge can erase every byte of a programme from this file while the log of
    // who accessed it stays. Old entries take the patient from their programme where it still exists.
    //
    // Each unit's programme is independent: a patient may have one open programme per unit, so
    // starting one reveals nothing about other units. A programme waiting for a handover (no
    // responsible clinician yet) is left out until accepted; the receiving unit decides then.
    //
    // The purge ledger, written in the purge's transaction, names purged programmes (ids only) so
    // the next open or command can finish a compaction a crash or a reader interrupted.
    sql: `
      INSERT INTO audit.audit_log (at, actor_kind, actor_id, unit_id, programme_id, patient, action, access, outcome, refusal_code, export_format, row_count)
        SELECT a.at, a.actor_kind, a.actor_id, a.unit_id, a.programme_id, p.patient, a.action, a.access, a.outcome, a.refusal_code, a.export_format, a.row_count
        FROM main.audit_log a LEFT JOIN main.programmes p ON p.programme_id = a.programme_id
        ORDER BY a.seq;
      DROP TABLE main.audit_log;

      DROP INDEX main.programmes_one_open_per_patient;
      CREATE UNIQUE INDEX main.programmes_one_open_per_unit ON programmes (unit_id, patient)
        WHERE status <> 'ended' AND responsible_user_id IS NOT NULL;

      CREATE TABLE main.purge_ledger (
        programme_id TEXT PRIMARY KEY,
        unit_id TEXT NOT NULL,
        purged_at TEXT NOT NULL,
        compacted_at TEXT
      ) STRICT;

      CREATE TABLE main.idempotency (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        programme_id TEXT,
        result TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      ) STRICT;
      CREATE INDEX main.idempotency_by_programme ON idempotency (programme_id);
    `,
  },
  {
    version: 7,
    name: 'a unit\'s programmes in id order',
    // The export reads a unit's ended programmes a page at a time, after the last id it read
    // (listProgrammePage). With (unit_id, status) alone every page sorted all of the unit's
    // programmes: 100,000 ended programmes took 48 times as long as 10,000. This index serves
    // those lists and the page reads in id order. Written to run again safely.
    sql: `
      DROP INDEX IF EXISTS main.programmes_by_unit;
      CREATE INDEX IF NOT EXISTS main.programmes_by_unit_in_order ON programmes (unit_id, status, programme_id);
    `,
  },
  {
    version: 8,
    name: 'staff identities',
    // The personnummer each staff user id acted with (from their SITHS identity), recorded the
    // first time, so that no one grants a role to another account of their own.
    sql: `
      CREATE TABLE main.staff_identities (
        user_id TEXT PRIMARY KEY,
        personnummer TEXT NOT NULL,
        first_seen_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX main.staff_identities_by_personnummer ON staff_identities (personnummer);
    `,
  },
  {
    version: 9,
    name: 'flag deliveries kept in the flag schedule',
    // flag_deliveries and flag_schedule had the same key, so the sweep wrote two B-trees per
    // delivered flag (a row inserted in one, deleted from the other). One table now, whose row
    // per key is either scheduled (due_on, until) or delivered (delivered_at, and no due day): a
    // delivery turns its key's row into a delivered one, or inserts it when the key was not
    // scheduled, and that row, kept until the programme is purged, is the exactly-once record.
    // The due index holds only the scheduled rows. The copy is one pass in key order, so the new
    // B-tree is packed; a key both scheduled and delivered becomes one delivered row.
    sql: `
      CREATE TABLE main.flag_schedule_merged (
        programme_id TEXT NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        flag_id TEXT NOT NULL,
        module_id TEXT NOT NULL,
        occurrence TEXT NOT NULL,
        due_on TEXT,
        until TEXT,
        delivered_at TEXT,
        PRIMARY KEY (programme_id, flag_id, module_id, occurrence),
        CHECK ((delivered_at IS NULL) = (due_on IS NOT NULL))
      ) STRICT, WITHOUT ROWID;
      INSERT INTO main.flag_schedule_merged (programme_id, flag_id, module_id, occurrence, due_on, until, delivered_at)
        SELECT programme_id, flag_id, module_id, occurrence,
          iif(max(delivered_at) IS NULL, max(due_on), NULL), iif(max(delivered_at) IS NULL, max(until), NULL), max(delivered_at)
        FROM (
          SELECT programme_id, flag_id, module_id, occurrence, due_on, until, NULL AS delivered_at FROM main.flag_schedule
          UNION ALL
          SELECT programme_id, flag_id, module_id, occurrence, NULL, NULL, delivered_at FROM main.flag_deliveries
        )
        GROUP BY programme_id, flag_id, module_id, occurrence
        ORDER BY programme_id, flag_id, module_id, occurrence;
      DROP TABLE main.flag_schedule;
      DROP TABLE main.flag_deliveries;
      ALTER TABLE main.flag_schedule_merged RENAME TO flag_schedule;
      -- Covering for the sweep's claim (due_on, until and the partial condition's column): the
      -- claim reads only this index to find the due programmes, never the table's rows.
      CREATE INDEX main.flag_schedule_by_due ON flag_schedule (due_on, until, delivered_at) WHERE delivered_at IS NULL;
    `,
  },
]
