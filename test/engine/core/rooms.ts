// A context and a gate over an in-memory store, to test one room of the engine at a time.
import { createContext, type EngineContext } from '../../../src/engine/core/context.ts'
import { createGate, type Gate } from '../../../src/engine/core/gate.ts'
import { openSqliteStore } from '../../../src/engine/index.ts'
import type { PlusBundle } from '../../../src/types/bundle.generated.ts'
import { testBundle } from '../bundle.ts'
import { sequentialIds, TestClock, openTestStore } from '../harness.ts'

export interface Rooms {
  ctx: EngineContext
  gate: Gate
  clock: TestClock
}

/** A context with unit vc-norr (u-admin administrator, u-beh behandlare), nothing else. */
export async function rooms(options: { bundle?: PlusBundle } = {}): Promise<Rooms> {
  const clock = new TestClock()
  const store = await openTestStore()
  const ctx = createContext({ store, bundle: options.bundle ?? testBundle(), clock: clock.now, newId: sequentialIds() })
  const at = ctx.now()
  await store.createUnit({ unitId: 'vc-norr', name: 'Vårdcentralen Norr' }, at)
  await store.grantRole({ unitId: 'vc-norr', userId: 'u-admin', role: 'behorighetsadministrator', grantedAt: at, grantedBy: 'system' })
  await store.grantRole({ unitId: 'vc-norr', userId: 'u-beh', role: 'behandlare', grantedAt: at, grantedBy: 'system' })
  return { ctx, gate: createGate(store), clock }
}
