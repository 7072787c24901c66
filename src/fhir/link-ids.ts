// Item linkIds. Questions keep their PLUS id as linkId, so answers map back one to one; every
// other item gets a linkId with a dot, which a PLUS id (lowercase letters, digits, hyphens)
// can never contain, so the two never collide.

/** The form's introduction, a display item before the questions. */
export const INTRO_LINK_ID = 'plus.intro'
/** The calculated total score. */
export const SCORE_LINK_ID = 'plus.score'
/** The calculated band label for the score. */
export const BAND_LINK_ID = 'plus.band'

/** The calculated level of the band (info, attention, urgent), as a coding. */
export const BAND_LEVEL_LINK_ID = 'plus.band-level'
/** The calculated list of questions whose answer alerts the clinician whatever the score. */
export const ALERTS_LINK_ID = 'plus.alerts'

/** A question's help text, a display item inside the question. */
export function helpLinkId(questionId: string): string {
  return `${questionId}.help`
}

/** The description of the n-th band (0-based), a display item inside the score item. */
export function bandLinkId(index: number): string {
  return `${SCORE_LINK_ID}.band-${index + 1}`
}
