// The texts `plus new` writes into a skeleton. The compiler knows them too, so that a
// skeleton nobody filled in is reported (PLUS314) instead of reaching patients.

/** The body of a new step. */
export const SKELETON_STEP_TEXT = 'Skriv stegets text här.'

/** The summary of a new module. */
export const SKELETON_MODULE_SUMMARY = 'Skriv en kort sammanfattning av modulen.'
