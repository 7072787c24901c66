// Refusals: the typed errors a command or query can end in. Codes are permanent once shipped;
// messages are Swedish (klarspråk) because clinicians and patients read them, and they never
// contain patient data: a refusal names at most a programme id.
import type { AnswerProblem } from '../scoring/index.ts'
import type { PersonnummerProblem } from '../identity/personnummer.ts'
import { ROLE_LABELS, type Role } from './roles.ts'

/** Every refusal code and its Swedish message. */
const CATALOGUE = {
  'role-missing': (r: Partial<Refusal>) =>
    r.roles && r.roles.length > 0
      ? `Du saknar behörighet för det här. Det kräver rollen ${r.roles.map((x) => ROLE_LABELS[x]).join(' eller ')} på enheten.`
      : 'Du saknar behörighet för det här.',
  'other-unit': () => 'Programmet tillhör en annan enhet. Byt till den enheten eller be den om hjälp.',
  'not-own-programme': () => 'Det här programmet är inte ditt.',
  'programme-not-found': () => 'Programmet finns inte. Det kan ha gallrats.',
  'unknown-unit': () => 'Enheten finns inte.',
  'unit-exists': () => 'Enheten finns redan.',
  'invalid-personnummer': (r: Partial<Refusal>) =>
    ({
      format: 'Personnumret ska ha 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN.',
      century: 'Skriv personnumret med 12 siffror, till exempel ÅÅÅÅMMDD-NNNN, eller med - eller + före de fyra sista siffrorna.',
      serial: 'Personnumret stämmer inte. De tre siffrorna före den sista kan inte vara 000.',
      checksum: 'Personnumret stämmer inte. Kontrollera siffrorna.',
      date: 'Personnumret innehåller inget riktigt datum. Kontrollera siffrorna.',
      future: 'Personnumret har ett datum som inte har varit än. Kontrollera siffrorna.',
      undefined: 'Personnumret stämmer inte.',
    })[String(r.personnummerProblem) as PersonnummerProblem],
  'programme-already-active': () => 'Invånaren har redan ett pågående PLUS-program.',
  'programme-ended': () => 'Programmet är avslutat.',
  'programme-retained': () => 'Programmet vidmakthålls. Det går bara att läsa eller avsluta det.',
  'programme-read-only': () => 'Programmet går bara att läsa nu.',
  'programme-closed': () => 'Du har inte längre tillgång till programmet.',
  'programme-not-ended': () => 'Bara avslutade program kan gallras. Avsluta programmet först.',
  'handover-pending': () => 'Programmet väntar på att den mottagande enheten tar emot det.',
  'no-handover-pending': () => 'Programmet väntar inte på någon överlämning.',
  'same-unit': () => 'Programmet tillhör redan den enheten.',
  'unknown-module': () => 'Modulen finns inte i programmet.',
  'module-already-started': () => 'Modulen är redan startad.',
  'module-not-started': () => 'Modulen är inte startad.',
  'module-closed': () => 'Modulen är avslutad. Det går att läsa den men inte skicka in formulär.',
  'no-modules': () => 'Välj minst en modul att starta.',
  'invalid-date': () => 'Datumet ska skrivas ÅÅÅÅ-MM-DD och vara ett riktigt datum.',
  'date-in-past': () => 'Datumet måste vara efter i dag.',
  'date-after-programme-end': () => 'Datumet kan inte vara efter att programmet har tagit slut.',
  'unknown-step': () => 'Steget finns inte i programmet.',
  'unknown-form': () => 'Formuläret finns inte i programmet.',
  'form-already-submitted': () => 'Formuläret är redan inskickat.',
  'invalid-answers': () => 'Några svar behöver rättas innan formuläret kan skickas in.',
  'unknown-submission': () => 'Det inskickade formuläret finns inte.',
  'empty-text': () => 'Skriv något först.',
  'text-too-long': () => 'Texten är för lång.',
  'invalid-mobile-number': () => 'Mobilnumret ska vara ett svenskt mobilnummer, till exempel 070-123 45 67.',
  'not-a-behandlare': () => 'Den ansvariga behandlaren måste ha rollen Behandlare på enheten.',
  'already-responsible': () => 'Den behandlaren är redan ansvarig.',
  'invalid-end-reason': () => 'Välj en orsak från listan.',
  'invalid-user': () => 'Användar-id saknas.',
  'role-already-granted': () => 'Användaren har redan rollen.',
  'role-not-granted': () => 'Användaren har inte rollen.',
  'last-administrator': () => 'Enheten måste ha minst en behörighetsadministratör kvar.',
  'version-conflict': () => 'Någon annan har ändrat programmet under tiden. Ladda om sidan och försök igen.',
  'own-account': () => 'Du kan inte ge dig själv en roll. Be en annan behörighetsadministratör.',
  'role-conflict': () => 'En behörighetsadministratör kan inte samtidigt ha en roll som når patientuppgifter på enheten.',
  // The one refusal an actor gets for anything they may not reach, whether it exists or not
  // (another unit's or patient's programme, an id of the wrong kind, a purged programme, an id
  // that never existed). The audit log records the real reason with one of the codes above or
  // 'programme-purged'.
  'not-found': () => 'Det du söker finns inte, eller så har du inte behörighet till det.',
  'programme-purged': () => 'Programmet har gallrats.',
  'own-personnummer': () => 'Du kan inte starta eller öppna ett program för dig själv.',
  'invalid-text': () => 'Texten innehåller tecken som inte kan sparas, till exempel styrtecken. Skriv om texten och försök igen.',
  'idempotency-key-reused': () => 'Begäran har redan använts för något annat. Ladda om sidan och försök igen.',
  'purge-too-early': () => 'Programmet kan gallras först när bevarandetiden och karenstiden har gått ut.',
  'retention-too-long': () => 'Programmet kan inte vidmakthållas så länge. Välj ett tidigare datum.',
  'invalid-unit-id': () => 'Enhetens id får bara innehålla bokstäverna a–z och A–Z, siffror, bindestreck och understreck, högst 64 tecken.',
} as const satisfies Record<string, (r: Partial<Refusal>) => string>

/** A stable refusal code. */
export type RefusalCode = keyof typeof CATALOGUE

/** A refused command or query. */
export interface Refusal {
  code: RefusalCode
  /** Swedish, for the person who acted. */
  message: string
  /** The programme concerned, when there is one. */
  programmeId?: string
  /** role-missing: the roles that would have allowed it. */
  roles?: Role[]
  /** invalid-personnummer: what is wrong, as a code. */
  personnummerProblem?: PersonnummerProblem
  /** invalid-answers: which questions are wrong and how (codes, never the answers). */
  problems?: AnswerProblem[]
}

/** Builds a refusal with its catalogue message. */
export function refusal(code: RefusalCode, details: Omit<Refusal, 'code' | 'message'> = {}): Refusal {
  return { code, message: CATALOGUE[code](details), ...details }
}

/** Every refusal code, for documentation and tests. */
export const REFUSAL_CODES = Object.keys(CATALOGUE) as RefusalCode[]

/** The typed error the engine throws when it refuses a command or query. */
export class EngineRefusal extends Error {
  override readonly name = 'EngineRefusal'
  /** The refusal, with its code. */
  readonly refusal: Refusal
  constructor(refused: Refusal) {
    super(`${refused.code}${refused.programmeId ? ` (programme ${refused.programmeId})` : ''}: ${refused.message}`)
    this.refusal = refused
  }
  /** Shorthand for `refusal.code`. */
  get code(): RefusalCode {
    return this.refusal.code
  }
}
