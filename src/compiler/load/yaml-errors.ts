// Swedish wording for the YAML errors authors meet, by the yaml package's error code. Codes
// without a wording here fall back to the package's English message.
import type { ErrorCode } from 'yaml'

const sv: Partial<Record<ErrorCode, string>> = {
  BAD_INDENT: 'indraget stämmer inte med raderna omkring',
  TAB_AS_INDENT: 'tabbtecken används som indrag; använd mellanslag',
  DUPLICATE_KEY: 'samma fältnamn står två gånger',
  MISSING_CHAR: 'ett tecken saknas, till exempel ett avslutande citattecken',
  BAD_DQ_ESCAPE: 'ett omvänt snedstreck (\\) inom citattecken följs av ett tecken som inte går att använda där',
  BLOCK_AS_IMPLICIT_KEY: 'ett värde står där ett fältnamn väntades; kontrollera indraget',
  MULTILINE_IMPLICIT_KEY: 'ett fältnamn sträcker sig över flera rader; saknas ett kolon eller ett citattecken?',
  UNEXPECTED_TOKEN: 'ett tecken står där det inte får stå',
  BAD_SCALAR_START: 'ett värde börjar med ett tecken som kräver citattecken runt texten',
  MULTIPLE_DOCS: 'metadata får bara vara ett YAML-dokument',
  KEY_OVER_1024_CHARS: 'ett fältnamn är längre än 1024 tecken',
  BLOCK_IN_FLOW: 'en lista eller ett block står inom klamrar där det inte får stå',
}

/** The reason of a YAML error in both languages. */
export function yamlReason(code: ErrorCode, englishMessage: string): { sv: string; en: string } {
  return { sv: sv[code] ?? englishMessage, en: englishMessage }
}
