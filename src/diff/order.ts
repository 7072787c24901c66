// Order comparisons over id lists. A single insertion shifts every later position, so "moved"
// cannot mean "its index changed": it means the item is outside the longest common subsequence
// of the ids both lists share, which is the smallest set of items whose moving explains the new
// order.

/** Ids kept in both lists whose relative order changed: the fewest that explain the new order. */
export function movedIds(before: readonly string[], after: readonly string[]): Set<string> {
  const inAfter = new Set(after)
  const inBefore = new Set(before)
  const a = before.filter((id) => inAfter.has(id))
  const b = after.filter((id) => inBefore.has(id))
  const keep = longestCommonSubsequence(a, b)
  return new Set(b.filter((id) => !keep.has(id)))
}

/** The ids of a longest common subsequence of two lists of distinct ids. O(n·m), lists are short. */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): Set<string> {
  const rows = a.length + 1
  const cols = b.length + 1
  const table = new Uint32Array(rows * cols)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] =
        a[i] === b[j]
          ? table[(i + 1) * cols + j + 1]! + 1
          : Math.max(table[(i + 1) * cols + j]!, table[i * cols + j + 1]!)
    }
  }
  const kept = new Set<string>()
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      kept.add(a[i]!)
      i++
      j++
    } else if (table[(i + 1) * cols + j]! >= table[i * cols + j + 1]!) i++
    else j++
  }
  return kept
}

/**
 * The new list with the removed ids put back where they were: each right after the nearest id
 * that preceded it in the old list and is still present (or first). Gives reports a stable
 * order in which removals appear next to their old neighbours.
 */
export function mergedOrder(before: readonly string[], after: readonly string[]): string[] {
  const merged = [...after]
  const present = new Set(after)
  for (let i = 0; i < before.length; i++) {
    const id = before[i]!
    if (present.has(id)) continue
    let at = 0
    for (let k = i - 1; k >= 0; k--) {
      const previous = merged.indexOf(before[k]!)
      if (previous !== -1) {
        at = previous + 1
        break
      }
    }
    merged.splice(at, 0, id)
    present.add(id)
  }
  return merged
}
