// Rows of the tables both stores share, read back into the engine's types. SQLite and PostgreSQL
// return the same columns; they differ only in how a boolean comes back (1/0 or true/false).
import type { AuditEntry, FlagDeliveryKey, OutboxMessage, StoredAuditEntry } from './types.ts'

type Row = Record<string, unknown>

const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value))

export function keyFromRow(row: Row): FlagDeliveryKey {
  return { programmeId: String(row.programme_id), flagId: String(row.flag_id), moduleId: String(row.module_id), occurrence: String(row.occurrence) }
}

export function outboxFromRow(row: Row): OutboxMessage {
  return {
    outboxId: String(row.outbox_id),
    createdAt: String(row.created_at),
    programmeId: String(row.programme_id),
    flagId: String(row.flag_id),
    recipient: row.recipient as OutboxMessage['recipient'],
    recipientRef: String(row.recipient_ref),
    channel: row.channel as OutboxMessage['channel'],
    title: String(row.title),
    text: String(row.text),
    sentAt: textOrNull(row.sent_at),
  }
}

export function auditFromRow(row: Row): StoredAuditEntry {
  return {
    seq: Number(row.seq),
    at: String(row.at),
    actorKind: row.actor_kind as AuditEntry['actorKind'],
    actorId: textOrNull(row.actor_id),
    actorPersonnummer: textOrNull(row.actor_personnummer),
    unitId: textOrNull(row.unit_id),
    programmeId: textOrNull(row.programme_id),
    patient: textOrNull(row.patient),
    programmeStatus: row.programme_status === null ? null : (row.programme_status as AuditEntry['programmeStatus']),
    actorResponsible: row.actor_responsible === null ? null : row.actor_responsible === 1 || row.actor_responsible === true,
    action: row.action as AuditEntry['action'],
    access: row.access as AuditEntry['access'],
    outcome: row.outcome as AuditEntry['outcome'],
    refusalCode: row.refusal_code === null ? null : (row.refusal_code as AuditEntry['refusalCode']),
    ...(row.export_format === null ? {} : { exportFormat: row.export_format as 'json' | 'csv', rowCount: Number(row.row_count) }),
  }
}
