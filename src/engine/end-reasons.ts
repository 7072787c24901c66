// The fixed list of reasons a behandlare picks from when ending a programme ("Avsluta").

/** Why a programme was ended. */
export type EndReason = 'completed' | 'patient-declined' | 'other-care' | 'never-started' | 'other'

/** Every end reason with the Swedish label the clinician chooses from. */
export const END_REASONS: Readonly<Record<EndReason, string>> = {
  completed: 'Invånaren har slutfört programmet',
  'patient-declined': 'Invånaren vill inte fortsätta',
  'other-care': 'Invånaren får annan vård eller behandling',
  'never-started': 'Invånaren har inte påbörjat programmet',
  other: 'Annan orsak',
}

/** True when the value is one of the fixed end reasons. */
export function isEndReason(value: unknown): value is EndReason {
  return typeof value === 'string' && Object.hasOwn(END_REASONS, value)
}
