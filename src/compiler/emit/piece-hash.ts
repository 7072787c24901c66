// The SHA-256 of a file made of pieces (plus.json: the bundle's outline and each section's JSON),
// without joining them, and without hashing again what an earlier build already hashed: the
// hash's state is kept at piece boundaries, so after a save the hash resumes from the last kept
// state before the first piece that differs. The digest is that of the pieces' bytes one after
// the other, exactly as `createHash('sha256').update(whole file)` gives it.
import { createHash, type Hash } from 'node:crypto'

/** What a digest leaves for the next one: the pieces it hashed and states at some boundaries. */
export interface PieceHashMemo {
  pieces: readonly Uint8Array[]
  /** Piece indices, ascending, the first 0: the state before each of these pieces. */
  at: number[]
  /** The hash state before pieces[at[i]]: never updated, only copied. */
  states: Hash[]
}

/** Bytes hashed between two kept states: what a save may hash again beyond what changed. */
export const STATE_EVERY_BYTES = 128 * 1024

/** Two pieces have the same bytes: the same array (emit reuses unchanged sections' arrays), or equal. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b))
}

/**
 * The hex SHA-256 of `pieces` joined, and the memo for the next call. `previous` is the memo of
 * an earlier call (or null); pieces up to the first that differs from it are not hashed again.
 */
export function digestPieces(
  pieces: readonly Uint8Array[],
  previous: PieceHashMemo | null,
  every = STATE_EVERY_BYTES,
): { hex: string; memo: PieceHashMemo } {
  let first = 0
  if (previous) {
    const n = Math.min(previous.pieces.length, pieces.length)
    while (first < n && same(previous.pieces[first]!, pieces[first]!)) first++
  }
  // The last kept state at or before the first changed piece.
  let kept = 0
  if (previous) while (kept + 1 < previous.at.length && previous.at[kept + 1]! <= first) kept++
  const at = previous ? previous.at.slice(0, kept + 1) : [0]
  const states = previous ? previous.states.slice(0, kept + 1) : [createHash('sha256')]
  const hash = states[kept]!.copy()
  let since = 0
  for (let i = at[kept]!; i < pieces.length; i++) {
    if (since >= every) {
      at.push(i)
      states.push(hash.copy())
      since = 0
    }
    hash.update(pieces[i]!)
    since += pieces[i]!.byteLength
  }
  return { hex: hash.digest('hex'), memo: { pieces, at, states } }
}
