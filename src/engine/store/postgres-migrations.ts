// Schema migrations for the PostgreSQL store, applied in order and recorded in the table
// schema_migrations. Shipped migrations never change; add a new one instead, and the same change
// to the SQLite list (migrations.ts, audit-schema.ts) so both stores keep the same tables.
//
// Representations follow the SQLite store so that both return identical values: timestamps and
// days are ISO text (they sort correctly, and the sweep compares `due_on <= $1` as text), a
// programme's state and events are `json` (kept byte for byte as written, unlike `jsonb`, which
// reorders keys; `::jsonb` still serves a data migration), the bundle is plain text. Every text
// column is `COLLATE "C"`: compared and sorted bytewise as SQLite does, whatever the database's
// locale, so lists come back in the same order and keyset paging (`programme_id > $n`) uses the
// primary key's index.
import type { Migration } from './migrations.ts'

/**
 * The advisory lock every migration transaction takes first (`pg_advisory_xact_lock`), so that
 * instances starting at once apply each migration exactly once. Advisory locks are per database.
 */
export const MIGRATION_LOCK = 4_242_017_001

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // The SQLite schema after its migration 8 (its migrations 4 and 5 fix data, and there are no
    // PostgreSQL databases older than this one to bring forward).
    name: 'schema of the SQLite store after its migration 8',
    sql: `
      CREATE TABLE units (
        unit_id text COLLATE "C" PRIMARY KEY,
        name text COLLATE "C" NOT NULL,
        created_at text COLLATE "C" NOT NULL
      );

      CREATE TABLE role_grants (
        unit_id text COLLATE "C" NOT NULL REFERENCES units (unit_id),
        user_id text COLLATE "C" NOT NULL,
        role text COLLATE "C" NOT NULL CHECK (role IN ('behorighetsadministrator', 'behandlare', 'invanaradministrator', 'dataadministrator')),
        granted_at text COLLATE "C" NOT NULL,
        granted_by text COLLATE "C" NOT NULL,
        PRIMARY KEY (unit_id, user_id, role)
      );

      CREATE TABLE notification_preferences (
        user_id text COLLATE "C" PRIMARY KEY,
        email boolean NOT NULL,
        sms boolean NOT NULL
      );

      CREATE TABLE bundles (
        version text COLLATE "C" PRIMARY KEY,
        content_hash text COLLATE "C" NOT NULL,
        json text COLLATE "C" NOT NULL,
        added_at text COLLATE "C" NOT NULL
      );

      -- The current state of each programme (a snapshot of its events), for lookups and lists.
      CREATE TABLE programmes (
        programme_id text COLLATE "C" PRIMARY KEY,
        unit_id text COLLATE "C" NOT NULL REFERENCES units (unit_id),
        patient text COLLATE "C" NOT NULL,
        status text COLLATE "C" NOT NULL CHECK (status IN ('active', 'retained', 'ended')),
        responsible_user_id text COLLATE "C",
        version integer NOT NULL,
        state json NOT NULL,
        updated_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX programmes_by_unit_in_order ON programmes (unit_id, status, programme_id);
      CREATE INDEX programmes_by_patient ON programmes (patient);
      -- A patient may have one open programme per unit; one waiting for a handover (no
      -- responsible clinician yet) is left out until accepted.
      CREATE UNIQUE INDEX programmes_one_open_per_unit ON programmes (unit_id, patient)
        WHERE status <> 'ended' AND responsible_user_id IS NOT NULL;

      CREATE TABLE programme_events (
        programme_id text COLLATE "C" NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        seq integer NOT NULL,
        type text COLLATE "C" NOT NULL,
        at text COLLATE "C" NOT NULL,
        event json NOT NULL,
        PRIMARY KEY (programme_id, seq)
      );

      -- One row per flag delivery; the primary key is what makes delivery exactly-once.
      CREATE TABLE flag_deliveries (
        programme_id text COLLATE "C" NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        flag_id text COLLATE "C" NOT NULL,
        module_id text COLLATE "C" NOT NULL,
        occurrence text COLLATE "C" NOT NULL,
        delivered_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (programme_id, flag_id, module_id, occurrence)
      );

      -- The undelivered flag occurrences each programme's state implies (see migrations.ts, 3).
      CREATE TABLE flag_schedule (
        programme_id text COLLATE "C" NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        flag_id text COLLATE "C" NOT NULL,
        module_id text COLLATE "C" NOT NULL,
        occurrence text COLLATE "C" NOT NULL,
        due_on text COLLATE "C" NOT NULL,
        until text COLLATE "C",
        PRIMARY KEY (programme_id, flag_id, module_id, occurrence)
      );
      CREATE INDEX flag_schedule_by_due ON flag_schedule (due_on);

      CREATE TABLE engine_meta (
        key text COLLATE "C" PRIMARY KEY,
        value text COLLATE "C" NOT NULL
      );

      -- The transactional outbox. Patients are named by programme id, never by personnummer.
      -- Insertion order (SQLite's rowid) breaks ties of created_at.
      CREATE TABLE outbox (
        outbox_id text COLLATE "C" PRIMARY KEY,
        created_at text COLLATE "C" NOT NULL,
        programme_id text COLLATE "C" NOT NULL REFERENCES programmes (programme_id) ON DELETE CASCADE,
        flag_id text COLLATE "C" NOT NULL,
        recipient text COLLATE "C" NOT NULL CHECK (recipient IN ('patient', 'clinician')),
        recipient_ref text COLLATE "C" NOT NULL,
        channel text COLLATE "C" NOT NULL CHECK (channel IN ('patient-app', 'email', 'sms', 'in-app')),
        title text COLLATE "C" NOT NULL,
        text text COLLATE "C" NOT NULL,
        sent_at text COLLATE "C",
        added bigint GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX outbox_unsent ON outbox (sent_at, created_at);
      CREATE INDEX outbox_by_programme ON outbox (programme_id);

      -- Purged programmes (ids only), written in the purge's transaction.
      CREATE TABLE purge_ledger (
        programme_id text COLLATE "C" PRIMARY KEY,
        unit_id text COLLATE "C" NOT NULL,
        purged_at text COLLATE "C" NOT NULL,
        compacted_at text COLLATE "C"
      );

      CREATE TABLE idempotency (
        scope text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        request_hash text COLLATE "C" NOT NULL,
        programme_id text COLLATE "C",
        result text COLLATE "C" NOT NULL,
        at text COLLATE "C" NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_by_programme ON idempotency (programme_id);

      CREATE TABLE staff_identities (
        user_id text COLLATE "C" PRIMARY KEY,
        personnummer text COLLATE "C" NOT NULL,
        first_seen_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX staff_identities_by_personnummer ON staff_identities (personnummer);

      -- Who did what to which programme, when. Never clinical text; kept after a purge.
      -- Append-only: the triggers below refuse UPDATE, DELETE and TRUNCATE, and the application
      -- role gets INSERT and SELECT only (POSTGRES_GRANTS). txn is the writing transaction's id
      -- (in SQLite a count that detects a crash between its two files; one database has no gap).
      CREATE TABLE audit_log (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at text COLLATE "C" NOT NULL,
        actor_kind text COLLATE "C" NOT NULL CHECK (actor_kind IN ('staff', 'patient', 'system')),
        actor_id text COLLATE "C",
        actor_personnummer text COLLATE "C",
        unit_id text COLLATE "C",
        programme_id text COLLATE "C",
        patient text COLLATE "C",
        programme_status text COLLATE "C" CHECK (programme_status IN ('active', 'retained', 'ended')),
        actor_responsible boolean,
        action text COLLATE "C" NOT NULL,
        access text COLLATE "C" NOT NULL CHECK (access IN ('read', 'write')),
        outcome text COLLATE "C" NOT NULL CHECK (outcome IN ('ok', 'refused')),
        refusal_code text COLLATE "C",
        export_format text COLLATE "C" CHECK (export_format IN ('json', 'csv')),
        row_count integer CHECK (row_count >= 0),
        txn bigint DEFAULT txid_current()
      );
      CREATE INDEX audit_by_programme ON audit_log (programme_id);
      CREATE INDEX audit_by_patient ON audit_log (patient, at);
      CREATE INDEX audit_by_unit ON audit_log (unit_id, at);
      CREATE INDEX audit_by_txn ON audit_log (txn);

      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
        END
      $$;
      CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
    `,
  },
  {
    // The SQLite audit file's migration 3 (audit-schema.ts): a flag delivery's entry that names
    // its patient is no longer indexed by programme; listAudit({ programmeId }) reads those
    // through audit_by_patient. The sweep's statement then writes one index entry fewer per flag.
    version: 2,
    name: 'flag deliveries found through the patient index',
    sql: `
      DROP INDEX audit_by_programme;
      CREATE INDEX audit_by_programme ON audit_log (programme_id) WHERE action <> 'deliver-flag' OR patient IS NULL;
    `,
  },
  {
    // The SQLite store's migration 9: flag deliveries kept in the flag schedule, one row per key,
    // either scheduled (due_on, until) or delivered (delivered_at, no due day). The due index
    // holds only the scheduled rows; it is dropped before the copy and made after it.
    version: 3,
    name: 'flag deliveries kept in the flag schedule',
    sql: `
      ALTER TABLE flag_schedule ADD COLUMN delivered_at text COLLATE "C";
      ALTER TABLE flag_schedule ALTER COLUMN due_on DROP NOT NULL;
      DROP INDEX flag_schedule_by_due;
      INSERT INTO flag_schedule (programme_id, flag_id, module_id, occurrence, delivered_at)
        SELECT programme_id, flag_id, module_id, occurrence, delivered_at FROM flag_deliveries
        ON CONFLICT (programme_id, flag_id, module_id, occurrence) DO UPDATE SET due_on = NULL, until = NULL, delivered_at = excluded.delivered_at;
      DROP TABLE flag_deliveries;
      ALTER TABLE flag_schedule ADD CONSTRAINT flag_schedule_due_or_delivered CHECK ((delivered_at IS NULL) = (due_on IS NOT NULL));
      CREATE INDEX flag_schedule_by_due ON flag_schedule (due_on, until, delivered_at) WHERE delivered_at IS NULL;
    `,
  },
]

/**
 * Grants for the application role, to run as the owning (migrating) role after the migrations.
 * The application connects as `plus_app`, which owns nothing: it cannot alter tables or disable
 * the audit log's triggers, and has no UPDATE, DELETE or TRUNCATE on the audit log. Replace
 * `plus_app` with the host's role name. Run again after a migration that adds a table.
 */
export const POSTGRES_GRANTS = `
  GRANT USAGE ON SCHEMA public TO plus_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON
    units, role_grants, notification_preferences, bundles, programmes, programme_events,
    flag_schedule, engine_meta, outbox, purge_ledger, idempotency, staff_identities
    TO plus_app;
  GRANT SELECT, INSERT ON audit_log TO plus_app;
  GRANT SELECT ON schema_migrations TO plus_app;
  REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM plus_app;
`
