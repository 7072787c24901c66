// The public API of plus/engine, pinned: a change here is a change for every host.
import { describe, expect, it } from 'vitest'
import * as engine from '../../src/engine/index.ts'

describe('plus/engine', () => {
  it('should expose the public api', () => {
    expect(Object.keys(engine).sort()).toEqual([
      'ConcurrencyConflict',
      'DEFAULT_DELIVERY_WINDOW',
      'DEFAULT_MAX_RETENTION_DAYS',
      'DEFAULT_PREFERENCES',
      'DEFAULT_PURGE_GRACE_DAYS',
      'END_REASONS',
      'EngineRefusal',
      'IdempotencyKeyExists',
      'MAX_IDEMPOTENCY_KEY_LENGTH',
      'MAX_MESSAGE_LENGTH',
      'MAX_WELCOME_LENGTH',
      'MIGRATIONS',
      'OpenProgrammeExists',
      'PATIENT_CONTENT_ROLES',
      'PERMISSIONS',
      'REFUSAL_CODES',
      'ROLES',
      'ROLE_LABELS',
      'TIME_ZONE',
      'VERSIONED',
      'actorRef',
      'addDays',
      'authorize',
      'checkText',
      'createEngine',
      'csvCell',
      'csvRow',
      'daysBetween',
      'decide',
      'decideUnit',
      'dueFlags',
      'evolve',
      'evolveAll',
      'exportFileName',
      'exportProgramme',
      'flagSchedule',
      'inDeliveryWindow',
      'indexContent',
      'isDueOn',
      'isEndReason',
      'isLocalDate',
      'isOpenToPatient',
      'isRole',
      'isSafeUnitId',
      'localDate',
      'localTime',
      'logReview',
      'looksLikePersonnummer',
      'luhnCheckDigit',
      'nextDeliveryAt',
      'normaliseMobileNumber',
      'normalisePersonnummer',
      'openSqliteStore',
      'orderedModules',
      'outboxNotifier',
      'parsePersonnummer',
      'patientAccessLog',
      'patientAccessOn',
      'patientExport',
      'programmeTimeline',
      'refusal',
      'startOfLocalDay',
      'tenDigitForm',
      'unitExportChunks',
      'unitExportFile',
      'untouchedProgramme',
    ])
  })

  it('is what package.json exports as plus/engine', async () => {
    const pkg = await import('../../package.json', { with: { type: 'json' } })
    // The compiled copy of src/engine/index.ts (see src/tsconfig.lib.json).
    expect(pkg.default.exports['./engine']).toEqual({ types: './dist/lib/engine/index.d.ts', default: './dist/lib/engine/index.js' })
  })

  it('has a Swedish message for every refusal code, without patient data', () => {
    for (const code of engine.REFUSAL_CODES) {
      const { message } = engine.refusal(code)
      expect(message.length, code).toBeGreaterThan(5)
      expect(message, code).not.toMatch(/\d{6}/)
    }
  })
})
