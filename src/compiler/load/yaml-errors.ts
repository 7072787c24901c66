// Swedish wording for every error the yaml package can raise, by its error code, and the place
// each one is best reported. The record is total over the package's ErrorCode type, so a new
// code in a yaml update fails the typecheck instead of reaching authors in English.
import type { ErrorCode } from 'yaml'

const sv: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'ett alias (`*namn`) får inte ha ankare eller tagg',
  BAD_ALIAS: 'ett alias (`*namn`) pekar inte på något ankare',
  BAD_COLLECTION_TYPE: 'en lista eller ett block har fel typ för sin tagg',
  BAD_DIRECTIVE: 'en rad som börjar med `%` är ett YAML-direktiv som inte kan användas här',
  BAD_DQ_ESCAPE: 'ett omvänt snedstreck (\\) inom citattecken följs av ett tecken som inte går att använda där',
  BAD_INDENT: 'indraget stämmer inte med raderna omkring',
  BAD_PROP_ORDER: 'ankare och taggar står i fel ordning',
  BAD_SCALAR_START: 'ett värde börjar med ett tecken som kräver citattecken runt texten',
  BLOCK_AS_IMPLICIT_KEY: 'ett värde står där ett fältnamn väntades; kontrollera indraget',
  BLOCK_IN_FLOW: 'en lista eller ett block står inom klamrar där det inte får stå',
  DUPLICATE_KEY: 'samma fältnamn står två gånger',
  IMPOSSIBLE: 'metadata kunde inte tolkas alls',
  KEY_OVER_1024_CHARS: 'ett fältnamn är längre än 1024 tecken',
  MISSING_CHAR: 'ett tecken saknas, till exempel ett avslutande citattecken',
  MULTILINE_IMPLICIT_KEY: 'ett fältnamn sträcker sig över flera rader; saknas ett kolon eller ett citattecken?',
  MULTIPLE_ANCHORS: 'ett värde har flera ankare',
  MULTIPLE_DOCS: 'metadata får bara vara ett YAML-dokument',
  MULTIPLE_TAGS: 'ett värde har flera taggar',
  NON_STRING_KEY: 'ett fältnamn måste vara text',
  RESOURCE_EXHAUSTION: 'metadata är för stor eller för djupt nästlad för att läsas',
  TAB_AS_INDENT: 'tabbtecken används som indrag; använd mellanslag',
  TAG_RESOLVE_FAILED: 'ett värde passar inte sin tagg',
  UNEXPECTED_TOKEN: 'ett tecken står där det inte får stå',
}

/** A value that holds `: ` must be quoted; yaml reports it as a nested mapping. */
const COLON_SV = 'värdet innehåller kolon följt av mellanslag (`: `); sätt citattecken runt hela värdet, till exempel `title: "Del 1: Stress"`'
const COLON_EN = 'the value contains a colon followed by a space (`: `); put quotes around the whole value, for example `title: "Part 1: Stress"`'

/**
 * The reason of a YAML error in both languages, and the offset in `source` it is best reported
 * at (the offending colon for a colon in a value; the package's position otherwise).
 */
export function yamlReason(code: ErrorCode, englishMessage: string, source = '', pos = 0): { sv: string; en: string; at: number } {
  if (code === 'BLOCK_AS_IMPLICIT_KEY' && /nested mappings/i.test(englishMessage)) {
    const lineEnd = source.indexOf('\n', pos) === -1 ? source.length : source.indexOf('\n', pos)
    const colon = source.slice(pos, lineEnd).search(/:(\s|$)/)
    return { sv: COLON_SV, en: COLON_EN, at: colon === -1 ? pos : pos + colon }
  }
  const known = (sv as Partial<Record<string, string>>)[code]
  let at = pos
  const quote = code === 'MISSING_CHAR' ? /closing (["'])/.exec(englishMessage)?.[1] : undefined
  // A quote that is never closed: the opening quote is the character to look at.
  if (quote && source.lastIndexOf(quote, pos - 1) !== -1) at = source.lastIndexOf(quote, pos - 1)
  // Past the last line: the end of the last line, which is still inside the frontmatter.
  if (at >= source.length && source.endsWith('\n')) at = source.length - 1
  return { sv: known ?? `YAML-felet ${code}`, en: englishMessage, at }
}
