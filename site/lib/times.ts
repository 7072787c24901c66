// Stated (`estimatedMinutes`) and computed (quality report) module times: the preview says when
// they disagree by more than a third, the same limit the compiler warns at.

/** True when the computed time differs from the stated one by more than a third of the stated. */
export function timesDisagree(stated: number, computed: number): boolean {
  return Math.abs(computed - stated) * 3 > stated
}
