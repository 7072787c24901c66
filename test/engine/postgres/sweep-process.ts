// One instance's flag sweep at the store level, run as its own process by sweep-processes.test.ts:
// page by page, claim due programmes (SKIP LOCKED), deliver each one's due key exactly once with its
// outbox message, commit. After its first claim it says so and waits for `go` on stdin, so the
// test can make two processes hold their first claims at the same time.
import { createInterface } from 'node:readline'
import { openPostgresStore } from '../../../src/engine/store/postgres.ts'

const [connectionString, today, name] = process.argv.slice(2) as [string, string, string]
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
const store = await openPostgresStore({ connectionString, max: 2 })
const delivered: string[] = []
let after: string | null = null
let first = true
for (;;) {
  const claimed = await store.transaction(async (tx) => {
    const page = await tx.claimDueProgrammes(today, after, 25)
    if (first) {
      first = false
      process.stdout.write(`claimed ${page.length}\n`)
      await lines.next()
    }
    for (const { programmeId } of page) {
      await tx.transaction(async (flag) => {
        if (!(await flag.recordFlagDelivery({ programmeId, flagId: 'startat', moduleId: '', occurrence: 'x' }, today))) return
        await flag.addOutbox({
          outboxId: `${programmeId}-startat`, createdAt: today, programmeId, flagId: 'startat', recipient: 'patient',
          recipientRef: programmeId, channel: 'patient-app', title: 'Välkommen', text: `från ${name}`, sentAt: null,
        })
        delivered.push(programmeId)
      })
    }
    return page
  })
  if (claimed.length === 0) break
  after = claimed.at(-1)!.programmeId
}
await store.close()
process.stdout.write(`${JSON.stringify({ delivered })}\n`)
process.exit(0)
