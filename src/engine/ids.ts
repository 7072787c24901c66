// Time-ordered ids for rows that are only ever appended, such as the outbox's. A random UUID puts
// each new row at a random place in the table's primary-key index, so the flag sweep's few
// thousand outbox rows dirtied as many scattered index pages (a quarter of all pages it wrote);
// ids that grow with time go to the end of the index, a handful of pages per sweep.
import { randomFillSync } from 'node:crypto'

/** Bits of the per-millisecond counter (RFC 9562 `rand_a`). */
const COUNTER_MAX = 0xfff

/** Random bytes drawn from the system a few thousand at a time, as randomUUID does: one call per id cost more than the rest of it. */
const pool = new Uint8Array(4096)
let used = pool.length

/** Copies `count` random bytes into `into` at `offset`. */
function random(into: Uint8Array, offset: number, count: number): void {
  if (used + count > pool.length) {
    randomFillSync(pool)
    used = 0
  }
  into.set(pool.subarray(used, used + count), offset)
  used += count
}

/**
 * A source of UUIDs of version 7 (RFC 9562): 48 bits of Unix milliseconds from `clock`, a 12-bit
 * counter, then 62 random bits. Each id is greater (as a string too: lower-case hex) than the one
 * before from the same source: within one millisecond the counter counts up from a random start
 * in its lower half; when the clock stands still or goes back (a test clock), the source keeps
 * its last millisecond, and moves it on by one when the counter runs out.
 *
 * The id tells when it was made, to the millisecond, and nothing else: use it only where that is
 * no secret (an outbox row has its `createdAt` anyway), never for a programme or a patient.
 */
export function timeOrderedIds(clock: () => Date): () => string {
  let last = -1
  let counter = 0
  const bytes = new Uint8Array(16)
  return () => {
    const now = clock().getTime()
    if (Number.isFinite(now) && now > last) {
      last = now
      random(bytes, 6, 2)
      counter = ((bytes[6]! << 8) | bytes[7]!) & (COUNTER_MAX >> 1)
    } else if (counter < COUNTER_MAX) {
      counter++
    } else {
      last++
      counter = 0
    }
    if (last < 0) last = 0
    let ms = last
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256
      ms = Math.floor(ms / 256)
    }
    bytes[6] = 0x70 | (counter >> 8)
    bytes[7] = counter & 0xff
    random(bytes, 8, 8)
    bytes[8] = 0x80 | (bytes[8]! & 0x3f)
    const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }
}
