// The audit log's own database file. The log is kept apart from the programmes so that erasing
// a patient's programme ("gallra") removes every byte of it from the programme database while the
// log of who accessed it — which must be kept for years — stays. The store attaches the file to
// its connection as schema `audit`, so each entry is written in the same transaction as the
// change it records. Append-only is enforced by the file itself: triggers refuse UPDATE and DELETE.

/** One schema change of the audit file, recorded in its own PRAGMA audit.user_version. */
export interface AuditMigration {
  version: number
  name: string
  sql: string
}

/** The audit file's schema. Shipped migrations never change; add a new one instead. */
export const AUDIT_MIGRATIONS: readonly AuditMigration[] = [
  {
    version: 1,
    name: 'append-only audit log with the patient and the acting person',
    sql: `
      CREATE TABLE audit.audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'patient', 'system')),
        actor_id TEXT,
        actor_personnummer TEXT,
        unit_id TEXT,
        programme_id TEXT,
        patient TEXT,
        programme_status TEXT CHECK (programme_status IN ('active', 'retained', 'ended')),
        actor_responsible INTEGER CHECK (actor_responsible IN (0, 1)),
        action TEXT NOT NULL,
        access TEXT NOT NULL CHECK (access IN ('read', 'write')),
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
        refusal_code TEXT,
        export_format TEXT CHECK (export_format IN ('json', 'csv')),
        row_count INTEGER CHECK (row_count >= 0)
      ) STRICT;
      CREATE INDEX audit.audit_by_programme ON audit_log (programme_id);
      CREATE INDEX audit.audit_by_patient ON audit_log (patient, at);
      CREATE INDEX audit.audit_by_unit ON audit_log (unit_id, at);
      CREATE TRIGGER audit.audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit.audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'entries numbered by transaction',
    // Each entry carries the number of the transaction that wrote it; the programme database
    // counts the same transactions, so a crash between the two files' commits shows as a gap.
    sql: `
      ALTER TABLE audit.audit_log ADD COLUMN txn INTEGER;
      CREATE INDEX audit.audit_by_txn ON audit_log (txn);
    `,
  },
  {
    version: 3,
    name: 'flag deliveries found through the patient index',
    // The flag sweep writes an entry per delivered flag. Indexing those by programme too put one
    // scattered index page per delivery into the WAL (and again into the checkpoint). A delivery
    // entry that names its patient is left out of the programme index: listAudit({ programmeId })
    // finds it through audit_by_patient, with the patients the programme's other entries name
    // (its start entry names its patient). Entries are only left out of an index, never out of
    // the log; a delivery entry without a patient stays in the programme index.
    // listAudit names this index (INDEXED BY) with the same condition, so a mismatch fails loudly.
    sql: `
      DROP INDEX audit.audit_by_programme;
      CREATE INDEX audit.audit_by_programme ON audit_log (programme_id) WHERE action <> 'deliver-flag' OR patient IS NULL;
    `,
  },
]

/**
 * The condition of the partial index audit_by_programme (audit migration 3, PostgreSQL migration
 * 2): the entries the index holds. Its complement, AUDIT_BY_PATIENT_ONLY, is read through the
 * patient index. Kept as written in the migrations: the planners prove the partial index usable
 * by comparing expressions.
 */
export const AUDIT_BY_PROGRAMME_WHERE = "(action <> 'deliver-flag' OR patient IS NULL)"
/** The entries audit_by_programme leaves out: flag deliveries that name their patient. */
export const AUDIT_BY_PATIENT_ONLY = "(action = 'deliver-flag' AND patient IS NOT NULL)"

/** Where the audit file of a database lives when not given: next to it, `plus.db` → `plus-audit.db`. */
export function defaultAuditPath(path: string): string {
  if (path === ':memory:' || path === '') return ':memory:'
  return path.endsWith('.db') ? `${path.slice(0, -3)}-audit.db` : `${path}-audit`
}
