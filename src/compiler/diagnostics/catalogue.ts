// The catalogue of every diagnostic the compiler can report.
//
// Codes are permanent: once shipped, a code keeps its meaning forever and is never reused,
// because authors, scripts and the authoring guide refer to them. Add new codes at the end of
// their range; retire a code by marking it, never by deleting or renumbering it.
//
// Messages say what happened and what was expected; hints say what to do. Both exist in
// Swedish (the authors' language) and English, and are functions of the diagnostic's arguments.
import type { DiagnosticArgs, Severity } from './diagnostic.ts'

type Text = (args: DiagnosticArgs) => string

/** One catalogue entry. */
export interface Entry {
  /** A short, permanent, kebab-case name for the problem. */
  name: string
  severity: Severity
  message: { sv: Text; en: Text }
  hint: { sv: Text; en: Text }
}

const list = (value: string | number | undefined): string =>
  String(value ?? '')
    .split(',')
    .filter(Boolean)
    .map((item) => `\`${item}\``)
    .join(', ')

export const catalogue = {
  // 1xx — files and frontmatter
  PLUS101: {
    name: 'file-unreadable',
    severity: 'error',
    message: {
      sv: (a) => `Filen kunde inte läsas (${a.reason})`,
      en: (a) => `The file could not be read (${a.reason})`,
    },
    hint: {
      sv: () => 'Kontrollera att filen finns och att du har behörighet att läsa den.',
      en: () => 'Check that the file exists and that you may read it.',
    },
  },
  PLUS102: {
    name: 'file-too-large',
    severity: 'error',
    message: {
      sv: (a) => `Filen är ${a.size} byte, men en innehållsfil får vara högst ${a.limit} byte`,
      en: (a) => `The file is ${a.size} bytes, but a content file may be at most ${a.limit} bytes`,
    },
    hint: {
      sv: () => 'Dela upp innehållet i flera avsnittsfiler.',
      en: () => 'Split the content into several section files.',
    },
  },
  PLUS103: {
    name: 'not-utf8',
    severity: 'error',
    message: {
      sv: () => 'Filen är inte sparad som UTF-8',
      en: () => 'The file is not saved as UTF-8',
    },
    hint: {
      sv: () => 'Spara filen med teckenkodningen UTF-8 i din editor.',
      en: () => 'Save the file with the UTF-8 encoding in your editor.',
    },
  },
  PLUS104: {
    name: 'programme-missing',
    severity: 'error',
    message: {
      sv: () => 'Filen `programme.md` saknas i innehållsmappen',
      en: () => 'The file `programme.md` is missing from the content folder',
    },
    hint: {
      sv: () => 'Skapa `programme.md` med programmets id, titel, version, längd och flaggor.',
      en: () => 'Create `programme.md` with the programme id, title, version, duration and flags.',
    },
  },
  PLUS105: {
    name: 'module-file-missing',
    severity: 'error',
    message: {
      sv: (a) => `Mappen \`${a.dir}\` har avsnittsfiler men ingen \`module.md\``,
      en: (a) => `The folder \`${a.dir}\` has section files but no \`module.md\``,
    },
    hint: {
      sv: () => 'Skapa `module.md` i mappen, till exempel med `plus new module`.',
      en: () => 'Create `module.md` in the folder, for example with `plus new module`.',
    },
  },
  PLUS106: {
    name: 'frontmatter-missing',
    severity: 'error',
    message: {
      sv: () => 'Filen saknar inledande metadata (frontmatter) mellan två rader med `---`',
      en: () => 'The file has no frontmatter between two `---` lines at its start',
    },
    hint: {
      sv: () => 'Börja filen med `---`, sedan till exempel `id:` och `title:`, och avsluta med `---`.',
      en: () => 'Start the file with `---`, then for example `id:` and `title:`, and close with `---`.',
    },
  },
  PLUS107: {
    name: 'frontmatter-language',
    severity: 'error',
    message: {
      sv: (a) => `Oväntat \`---${a.lang}\`: metadata måste vara vanlig YAML efter en rad med bara \`---\``,
      en: (a) => `Unexpected \`---${a.lang}\`: frontmatter must be plain YAML after a line of just \`---\``,
    },
    hint: {
      sv: () => 'Ta bort texten efter `---` på första raden. Kod i metadata körs aldrig.',
      en: () => 'Remove the text after `---` on the first line. Code in frontmatter is never run.',
    },
  },
  PLUS108: {
    name: 'yaml-syntax',
    severity: 'error',
    message: {
      sv: (a) => `Metadata kunde inte läsas som YAML: ${a.sv}`,
      en: (a) => `The frontmatter is not valid YAML: ${a.en}`,
    },
    hint: {
      sv: () => 'Kontrollera indrag, kolon efter varje fältnamn och citattecken runt text som innehåller `:` eller `#`.',
      en: () => 'Check the indentation, the colon after each field name, and quotes around text containing `:` or `#`.',
    },
  },
  PLUS109: {
    name: 'yaml-alias',
    severity: 'error',
    message: {
      sv: () => 'YAML-ankare och alias (`&namn`, `*namn`) är inte tillåtna i metadata',
      en: () => 'YAML anchors and aliases (`&name`, `*name`) are not allowed in frontmatter',
    },
    hint: {
      sv: () => 'Skriv ut värdet där det behövs i stället för att hänvisa till det.',
      en: () => 'Write the value out where it is needed instead of referring to it.',
    },
  },
  PLUS110: {
    name: 'yaml-tag',
    severity: 'error',
    message: {
      sv: (a) => `YAML-taggen \`${a.tag}\` är inte tillåten i metadata`,
      en: (a) => `The YAML tag \`${a.tag}\` is not allowed in frontmatter`,
    },
    hint: {
      sv: () => 'Ta bort taggen och skriv värdet som vanlig text, ett tal eller en lista.',
      en: () => 'Remove the tag and write the value as plain text, a number or a list.',
    },
  },
  PLUS111: {
    name: 'frontmatter-schema',
    severity: 'error',
    message: {
      sv: (a) => `Fel i metadata${a.field ? ` för \`${a.field}\`` : ''}: ${a.sv}`,
      en: (a) => `Invalid frontmatter${a.field ? ` at \`${a.field}\`` : ''}: ${a.en}`,
    },
    hint: {
      sv: (a) => `Se ${a.kind === 'programme' ? '`programme.md`' : a.kind === 'module' ? '`module.md`' : 'avsnittsfiler'} i författarguiden (content/README.md) för vilka fält som finns.`,
      en: (a) => `See ${a.kind === 'programme' ? '`programme.md`' : a.kind === 'module' ? '`module.md`' : 'section files'} in the authoring guide (content/README.md) for the fields.`,
    },
  },
  PLUS112: {
    name: 'stray-file',
    severity: 'warning',
    message: {
      sv: (a) => `Filen \`${a.path}\` läses inte: den ligger inte i en modulmapp`,
      en: (a) => `The file \`${a.path}\` is not read: it is not in a module folder`,
    },
    hint: {
      sv: () => 'Flytta filen till en modulmapp (med `module.md`) eller ta bort den.',
      en: () => 'Move the file into a module folder (one with `module.md`) or remove it.',
    },
  },

  PLUS113: {
    name: 'control-character',
    severity: 'error',
    message: {
      sv: (a) => `Osynligt styrtecken ${a.codepoint}${a.kind === 'bidi' ? ' (ändrar textens läsriktning)' : ''} i filen`,
      en: (a) => `Invisible control character ${a.codepoint}${a.kind === 'bidi' ? ' (changes the reading direction)' : ''} in the file`,
    },
    hint: {
      sv: () => 'Ta bort tecknet. Det kommer ofta med text som klistrats in från en annan källa; skriv om stycket eller klistra in som oformaterad text.',
      en: () => 'Remove the character. It often comes with text pasted from elsewhere; retype the passage or paste it as plain text.',
    },
  },

  // 2xx — Markdown and directives inside one file
  PLUS201: {
    name: 'unknown-directive',
    severity: 'error',
    message: {
      sv: (a) => `Okänt direktiv \`${a.fence}${a.name}\`${a.suggestion ? ` — menade du \`${a.suggestion}\`?` : a.expected ? `, förväntade ett av ${list(a.expected)}` : ''}`,
      en: (a) => `Unknown directive \`${a.fence}${a.name}\`${a.suggestion ? ` — did you mean \`${a.suggestion}\`?` : a.expected ? `, expected one of ${list(a.expected)}` : ''}`,
    },
    hint: {
      sv: () => 'Kontrollera stavningen. Om raden ska vara vanlig text, skriv `\\:` i stället för det första kolonet.',
      en: () => 'Check the spelling. If the line is meant as text, write `\\:` instead of the first colon.',
    },
  },
  PLUS202: {
    name: 'directive-attribute',
    severity: 'error',
    message: {
      sv: (a) => `Fel attribut på \`${a.name}\`: ${a.field ? `\`${a.field}\` ` : ''}${a.sv}`,
      en: (a) => `Invalid attribute on \`${a.name}\`: ${a.field ? `\`${a.field}\` ` : ''}${a.en}`,
    },
    hint: {
      sv: (a) => `Se \`${a.name}\` i författarguiden. Attribut skrivs inom {} som \`namn="värde"\`, id som \`#id\`.`,
      en: (a) => `See \`${a.name}\` in the authoring guide. Attributes go inside {} as \`name="value"\`, ids as \`#id\`.`,
    },
  },
  PLUS203: {
    name: 'directive-misplaced',
    severity: 'error',
    message: {
      sv: (a) => `\`${a.name}\` kan inte stå ${a.parent ? `i \`${a.parent}\`` : 'här'}; det hör hemma i ${list(a.expected)}`,
      en: (a) => `\`${a.name}\` cannot be ${a.parent ? `inside \`${a.parent}\`` : 'here'}; it belongs inside ${list(a.expected)}`,
    },
    hint: {
      sv: () => 'Flytta blocket. En yttre behållare behöver fler kolon än de som ligger i den (`:::::step` > `::::form` > `:::question`).',
      en: () => 'Move the block. An outer container needs more colons than those inside it (`:::::step` > `::::form` > `:::question`).',
    },
  },
  PLUS204: {
    name: 'raw-html',
    severity: 'error',
    message: {
      sv: () => 'HTML är inte tillåtet i innehållet',
      en: () => 'HTML is not allowed in content',
    },
    hint: {
      sv: () => 'Använd Markdown eller ett direktiv (till exempel `:::tips`). Ska tecknet `<` synas, skriv `\\<`.',
      en: () => 'Use Markdown or a directive (such as `:::tips`). To show a `<`, write `\\<`.',
    },
  },
  PLUS205: {
    name: 'unsafe-link',
    severity: 'error',
    message: {
      sv: (a) => `Länken \`${a.url}\` är inte tillåten, förväntade \`https:\`, \`http:\`, \`mailto:\`, \`tel:\` eller \`#id\``,
      en: (a) => `The link \`${a.url}\` is not allowed, expected \`https:\`, \`http:\`, \`mailto:\`, \`tel:\` or \`#id\``,
    },
    hint: {
      sv: () => 'Länka till en webbsida med https, till ett telefonnummer med tel:, eller till ett steg med #stegets-id.',
      en: () => 'Link to a web page with https, a phone number with tel:, or a step with #the-step-id.',
    },
  },
  PLUS206: {
    name: 'markdown-image',
    severity: 'error',
    message: {
      sv: () => 'Bilder skrivs med `::image`, inte med `![…](…)`',
      en: () => 'Images are written with `::image`, not with `![…](…)`',
    },
    hint: {
      sv: () => 'Skriv `::image{src="media/bild.svg" alt="Vad bilden visar"}`.',
      en: () => 'Write `::image{src="media/picture.svg" alt="What the picture shows"}`.',
    },
  },
  PLUS207: {
    name: 'content-outside-step',
    severity: 'error',
    message: {
      sv: () => 'Text utanför ett steg: i en avsnittsfil ska allt innehåll ligga i `:::step`',
      en: () => 'Text outside a step: everything in a section file belongs inside a `:::step`',
    },
    hint: {
      sv: () => 'Flytta texten in i ett steg, eller skapa ett nytt med `plus new step`.',
      en: () => 'Move the text into a step, or create one with `plus new step`.',
    },
  },
  PLUS208: {
    name: 'stray-fence',
    severity: 'error',
    message: {
      sv: (a) => `Raden \`${a.fence}\` stänger ingen behållare`,
      en: (a) => `The line \`${a.fence}\` closes no container`,
    },
    hint: {
      sv: () => 'En yttre behållare måste ha fler kolon än behållarna inuti, annars stängs båda av samma rad: `::::step` runt `:::tips`.',
      en: () => 'An outer container needs more colons than the containers inside it, or one line closes both: `::::step` around `:::tips`.',
    },
  },
  PLUS209: {
    name: 'too-deep',
    severity: 'error',
    message: {
      sv: (a) => `Innehållet är nästlat i ${a.depth} nivåer, högst ${a.limit} är tillåtet`,
      en: (a) => `The content is nested ${a.depth} levels deep, at most ${a.limit} are allowed`,
    },
    hint: {
      sv: () => 'Förenkla listor och citat i flera nivåer.',
      en: () => 'Simplify lists and quotes nested in many levels.',
    },
  },
  PLUS210: {
    name: 'empty-block',
    severity: 'error',
    message: {
      sv: (a) => `\`${a.name}\` är tomt`,
      en: (a) => `\`${a.name}\` is empty`,
    },
    hint: {
      sv: (a) => (a.name === 'film' ? 'Skriv filmens fullständiga transkription i filmblocket.' : 'Skriv innehållet eller ta bort blocket.'),
      en: (a) => (a.name === 'film' ? 'Write the full transcript of the film inside the film block.' : 'Write the content or remove the block.'),
    },
  },
  PLUS211: {
    name: 'option-syntax',
    severity: 'error',
    message: {
      sv: (a) => `Svarsalternativet \`${a.text}\` kunde inte läsas, förväntade \`- [värde] Text {#id}\``,
      en: (a) => `The option \`${a.text}\` could not be read, expected \`- [value] Label {#id}\``,
    },
    hint: {
      sv: () => 'Värdet i [] är ett heltal och kan utelämnas om formuläret inte poängsätts; {#id} kan utelämnas.',
      en: () => 'The value in [] is a whole number and may be left out if the form is not scored; {#id} may be left out.',
    },
  },
  PLUS212: {
    name: 'question-prompt-missing',
    severity: 'error',
    message: {
      sv: (a) => `Frågan \`${a.id}\` saknar frågetext`,
      en: (a) => `The question \`${a.id}\` has no question text`,
    },
    hint: {
      sv: () => 'Skriv frågan som första stycke i `:::question`.',
      en: () => 'Write the question as the first paragraph of `:::question`.',
    },
  },
  PLUS213: {
    name: 'question-options',
    severity: 'error',
    message: {
      sv: (a) => (a.expected === 'none' ? `En fråga av typen \`${a.type}\` har inga svarsalternativ` : `En fråga av typen \`${a.type}\` behöver minst två svarsalternativ, hittade ${a.count}`),
      en: (a) => (a.expected === 'none' ? `A question of type \`${a.type}\` takes no options` : `A question of type \`${a.type}\` needs at least two options, found ${a.count}`),
    },
    hint: {
      sv: () => 'Alternativ skrivs som en punktlista: `- [0] Aldrig`. Frågor av typen `text` och `number` har inga alternativ.',
      en: () => 'Options are a bulleted list: `- [0] Never`. Questions of type `text` and `number` have none.',
    },
  },
  PLUS214: {
    name: 'band-syntax',
    severity: 'error',
    message: {
      sv: (a) => `Tolkningsintervallet \`${a.text}\` kunde inte läsas, förväntade \`- [min–max] Rubrik\` följt av en text`,
      en: (a) => `The band \`${a.text}\` could not be read, expected \`- [min–max] Label\` followed by a text`,
    },
    hint: {
      sv: () => 'Exempel: `- [0–4] Låg nivå`, en tom rad, och sedan den indragna texten om vad resultatet betyder.',
      en: () => 'Example: `- [0–4] Low`, a blank line, then the indented text on what the result means.',
    },
  },
  PLUS215: {
    name: 'form-without-questions',
    severity: 'error',
    message: {
      sv: (a) => `Formuläret \`${a.id}\` har inga frågor`,
      en: (a) => `The form \`${a.id}\` has no questions`,
    },
    hint: {
      sv: () => 'Lägg till minst en `:::question` i formuläret.',
      en: () => 'Add at least one `:::question` to the form.',
    },
  },
  PLUS216: {
    name: 'duplicate-scoring',
    severity: 'error',
    message: {
      sv: () => 'Ett formulär kan bara ha en `:::scoring`',
      en: () => 'A form can have only one `:::scoring`',
    },
    hint: {
      sv: () => 'Slå ihop tolkningsintervallen i en enda `:::scoring`.',
      en: () => 'Merge the bands into a single `:::scoring`.',
    },
  },
  PLUS217: {
    name: 'heading-level',
    severity: 'error',
    message: {
      sv: () => 'Rubriker på nivå 1 (`#`) används inte i steg: stegets titel är sidans huvudrubrik',
      en: () => 'Level-1 headings (`#`) are not used in steps: the step title is the page heading',
    },
    hint: {
      sv: () => 'Börja rubriker i steg med `##`.',
      en: () => 'Start headings in steps with `##`.',
    },
  },
  PLUS218: {
    name: 'unscored-option',
    severity: 'error',
    message: {
      sv: (a) => `Alternativet \`${a.option}\` i frågan \`${a.question}\` saknar poäng, men ${a.reason === 'scale' ? 'frågan är en skala' : 'formuläret poängsätts'}`,
      en: (a) => `The option \`${a.option}\` of question \`${a.question}\` has no value, but ${a.reason === 'scale' ? 'the question is a scale' : 'the form is scored'}`,
    },
    hint: {
      sv: () => 'Skriv poängen först i alternativet: `- [2] Ofta`.',
      en: () => 'Write the value first in the option: `- [2] Often`.',
    },
  },
  PLUS219: {
    name: 'invalid-duration',
    severity: 'error',
    message: {
      sv: (a) => `Filmens längd \`${a.value}\` kunde inte läsas, förväntade \`m:ss\` eller \`h:mm:ss\``,
      en: (a) => `The film duration \`${a.value}\` could not be read, expected \`m:ss\` or \`h:mm:ss\``,
    },
    hint: {
      sv: () => 'Skriv till exempel `duration="3:20"` för tre minuter och tjugo sekunder.',
      en: () => 'Write for example `duration="3:20"` for three minutes and twenty seconds.',
    },
  },

  PLUS220: {
    name: 'block-too-complex',
    severity: 'error',
    message: {
      sv: (a) => `Stycket är för ${a.what === 'long' ? 'långt' : 'invecklat'} (${a.count} ${a.what === 'long' ? 'tecken' : `tecknen ${a.chars}`}, högst ${a.limit}); filen lästes inte vidare`,
      en: (a) => `The paragraph is too ${a.what === 'long' ? 'long' : 'complex'} (${a.count} ${a.what === 'long' ? 'characters' : `of ${a.chars}`}, at most ${a.limit}); the file was not read further`,
    },
    hint: {
      sv: () => 'Dela upp stycket med tomma rader. Så många specialtecken i ett stycke brukar betyda att något har klistrats in fel.',
      en: () => 'Split the paragraph with blank lines. So many special characters in one paragraph usually means something was pasted by mistake.',
    },
  },
  PLUS221: {
    name: 'heading-skip',
    severity: 'error',
    message: {
      sv: (a) => `Rubriken hoppar från nivå ${a.from} till nivå ${a.to}`,
      en: (a) => `The heading skips from level ${a.from} to level ${a.to}`,
    },
    hint: {
      sv: (a) => `Använd nivå ${Number(a.from) + 1} (${'#'.repeat(Number(a.from) + 1)}). Skärmläsare använder rubrikerna för att hitta i texten.`,
      en: (a) => `Use level ${Number(a.from) + 1} (${'#'.repeat(Number(a.from) + 1)}). Screen readers use headings to find their way.`,
    },
  },
  PLUS222: {
    name: 'vague-link-text',
    severity: 'error',
    message: {
      sv: (a) => `Länktexten \`${a.text}\` säger inte vart länken leder`,
      en: (a) => `The link text \`${a.text}\` does not say where the link leads`,
    },
    hint: {
      sv: () => 'Skriv vad som finns bakom länken, till exempel `[läs om sömn på 1177](https://…)` i stället för `klicka här`.',
      en: () => 'Say what is behind the link, such as `[read about sleep on 1177](https://…)` instead of `click here`.',
    },
  },
  PLUS223: {
    name: 'alert-invalid',
    severity: 'error',
    message: {
      sv: (a) => (a.reason === 'type' ? `\`alert\` fungerar bara på frågor av typen \`scale\` och \`single\`, inte \`${a.type}\`` : `\`alert="${a.value}"\` nås inte av något svarsalternativ i frågan \`${a.id}\` (högsta värdet är ${a.max})`),
      en: (a) => (a.reason === 'type' ? `\`alert\` works only on questions of type \`scale\` and \`single\`, not \`${a.type}\`` : `\`alert="${a.value}"\` is reached by no option of question \`${a.id}\` (the highest value is ${a.max})`),
    },
    hint: {
      sv: () => 'Skriv det lägsta poängvärde som ska uppmärksammas, till exempel `alert="1"`, och ge alternativen poäng: `- [1] Ibland`.',
      en: () => 'Write the lowest value that should be brought to attention, such as `alert="1"`, and give the options values: `- [1] Sometimes`.',
    },
  },
  PLUS224: {
    name: 'fence-length',
    severity: 'error',
    message: {
      sv: (a) => `\`${a.child}\` har lika många eller fler kolon än \`${a.parent}\` runt omkring; en yttre behållare behöver fler`,
      en: (a) => `\`${a.child}\` has as many colons as or more than the \`${a.parent}\` around it; an outer container needs more`,
    },
    hint: {
      sv: (a) => `Skriv \`${a.fix}\` på rad ${a.line} och lika många kolon på dess avslutande rad.`,
      en: (a) => `Write \`${a.fix}\` on line ${a.line} and as many colons on its closing line.`,
    },
  },

  PLUS225: {
    name: 'unclosed-directive',
    severity: 'error',
    message: {
      sv: (a) => `\`${a.fence}${a.name}\` stängs aldrig${Number(a.next) > 0 ? `: nästa \`${a.name}\` på rad ${a.next} börjar innan den är slut` : ''}`,
      en: (a) => `\`${a.fence}${a.name}\` is never closed${Number(a.next) > 0 ? `: the next \`${a.name}\` on line ${a.next} starts before it ends` : ''}`,
    },
    hint: {
      sv: (a) => `Avsluta med en rad med bara \`${a.fence}\` där \`${a.name}\` ska ta slut.`,
      en: (a) => `End it with a line of just \`${a.fence}\` where the \`${a.name}\` should end.`,
    },
  },
  PLUS226: {
    name: 'duplicate-attribute',
    severity: 'error',
    message: {
      sv: (a) => `Attributet \`${a.attribute === 'id' ? '#id' : a.attribute}\` står två gånger på \`${a.name}\``,
      en: (a) => `The attribute \`${a.attribute === 'id' ? '#id' : a.attribute}\` is given twice on \`${a.name}\``,
    },
    hint: {
      sv: () => 'Behåll ett av dem; bara det sista skulle annars användas, utan att det syns.',
      en: () => 'Keep one of them; otherwise only the last would be used, silently.',
    },
  },
  PLUS227: {
    name: 'typographic-quotes',
    severity: 'error',
    message: {
      sv: (a) => `Typografiskt citattecken ${a.quote} runt ett attributvärde`,
      en: (a) => `Typographic quote ${a.quote} around an attribute value`,
    },
    hint: {
      sv: () => 'Använd raka citattecken: `title="Din plan"`. Ordbehandlare och autokorrigering byter ofta ut dem; stäng av "smarta citattecken" eller skriv om dem.',
      en: () => 'Use straight quotes: `title="Your plan"`. Word processors and autocorrect often swap them; turn off "smart quotes" or retype them.',
    },
  },
  PLUS228: {
    name: 'invisible-character',
    severity: 'error',
    message: {
      sv: (a) => `Osynligt tecken ${a.codepoint} (utan bredd) i metadata eller i ett id eller attribut`,
      en: (a) => `Invisible zero-width character ${a.codepoint} in the frontmatter or in an id or attribute`,
    },
    hint: {
      sv: () => 'Ta bort tecknet (det syns inte i editorn: radera och skriv om ordet). Annars stämmer id:t inte med länkar och sparade svar.',
      en: () => 'Remove the character (it does not show in the editor: delete and retype the word). Otherwise the id will not match links and stored answers.',
    },
  },

  // 3xx — rules across files
  PLUS301: {
    name: 'duplicate-id',
    severity: 'error',
    message: {
      sv: (a) => `Id \`${a.id}\` används redan${a.scope ? ` i ${a.scope}` : ''}`,
      en: (a) => `The id \`${a.id}\` is already used${a.scope ? ` in ${a.scope}` : ''}`,
    },
    hint: {
      sv: () => 'Ge det nya blocket ett eget id (till exempel med `plus new`). Ändra inte ett id som redan används av patienter.',
      en: () => 'Give the new block an id of its own (for example with `plus new`). Do not change an id patients already use.',
    },
  },
  PLUS302: {
    name: 'media-missing',
    severity: 'error',
    message: {
      sv: (a) => `Filen \`${a.path}\` finns inte`,
      en: (a) => `The file \`${a.path}\` does not exist`,
    },
    hint: {
      sv: () => 'Sökvägen räknas från modulmappen, till exempel `media/film.vtt`. Kontrollera stavning och stora/små bokstäver.',
      en: () => 'The path is relative to the module folder, such as `media/film.vtt`. Check spelling and letter case.',
    },
  },
  PLUS303: {
    name: 'webvtt-invalid',
    severity: 'error',
    message: {
      sv: (a) => `Undertextfilen \`${a.path}\` är inte giltig WebVTT: ${a.sv}`,
      en: (a) => `The captions file \`${a.path}\` is not valid WebVTT: ${a.en}`,
    },
    hint: {
      sv: () => 'Filen börjar med `WEBVTT`, och varje textruta har en tidsrad som `00:00:01.000 --> 00:00:04.000`.',
      en: () => 'The file starts with `WEBVTT`, and each cue has a timing line such as `00:00:01.000 --> 00:00:04.000`.',
    },
  },
  PLUS304: {
    name: 'captions-coverage',
    severity: 'error',
    message: {
      sv: (a) => `Undertexterna slutar vid ${a.end} men filmen är ${a.duration} lång`,
      en: (a) => `The captions end at ${a.end} but the film lasts ${a.duration}`,
    },
    hint: {
      sv: () => 'Undertexterna ska täcka hela filmen. Kontrollera filmens `duration` och sista tidsraden i .vtt-filen.',
      en: () => 'Captions must cover the whole film. Check the film `duration` and the last timing line of the .vtt file.',
    },
  },
  PLUS305: {
    name: 'module-order',
    severity: 'error',
    message: {
      sv: (a) => (a.problem === 'duplicate' ? `Ordningsnumret ${a.order} används av flera moduler` : `Ordningsnumret ${a.order} saknas: modulerna ska numreras 1–${a.count} utan luckor`),
      en: (a) => (a.problem === 'duplicate' ? `The order ${a.order} is used by more than one module` : `The order ${a.order} is missing: modules are numbered 1–${a.count} without gaps`),
    },
    hint: {
      sv: () => 'Ändra `order` i modulernas `module.md` så att varje nummer används en gång.',
      en: () => 'Change `order` in the modules\' `module.md` so that each number is used once.',
    },
  },
  PLUS306: {
    name: 'empty-section',
    severity: 'error',
    message: {
      sv: (a) => `Avsnittet \`${a.id}\` har inga steg`,
      en: (a) => `The section \`${a.id}\` has no steps`,
    },
    hint: {
      sv: () => 'Lägg till ett steg med `plus new step <fil>` eller ta bort avsnittsfilen.',
      en: () => 'Add a step with `plus new step <file>` or remove the section file.',
    },
  },
  PLUS307: {
    name: 'empty-module',
    severity: 'error',
    message: {
      sv: (a) => `Modulen \`${a.id}\` har inga avsnitt`,
      en: (a) => `The module \`${a.id}\` has no sections`,
    },
    hint: {
      sv: () => 'Lägg till en avsnittsfil med `plus new section <modulmapp>`.',
      en: () => 'Add a section file with `plus new section <module folder>`.',
    },
  },
  PLUS308: {
    name: 'unresolved-reference',
    severity: 'error',
    message: {
      sv: (a) => `Länken \`#${a.id}\` leder inte till någon modul, något avsnitt eller steg`,
      en: (a) => `The link \`#${a.id}\` leads to no module, section or step`,
    },
    hint: {
      sv: (a) => (a.suggestion ? `Menade du \`#${a.suggestion}\`?` : 'Kontrollera id:t i länken.'),
      en: (a) => (a.suggestion ? `Did you mean \`#${a.suggestion}\`?` : 'Check the id in the link.'),
    },
  },
  PLUS309: {
    name: 'band-coverage',
    severity: 'error',
    message: {
      sv: (a) => (a.problem === 'gap' ? `Poängen ${a.from}–${a.to} hör inte till något tolkningsintervall (möjliga poäng är ${a.min}–${a.max})` : a.problem === 'overlap' ? `Poängen ${a.from}–${a.to} hör till flera tolkningsintervall` : `Tolkningsintervallet ${a.from}–${a.to} ligger utanför möjliga poäng ${a.min}–${a.max}`),
      en: (a) => (a.problem === 'gap' ? `The scores ${a.from}–${a.to} fall in no band (possible scores are ${a.min}–${a.max})` : a.problem === 'overlap' ? `The scores ${a.from}–${a.to} fall in more than one band` : `The band ${a.from}–${a.to} lies outside the possible scores ${a.min}–${a.max}`),
    },
    hint: {
      sv: () => 'Varje möjlig poängsumma ska höra till exakt ett intervall, från lägsta till högsta summa.',
      en: () => 'Every possible score must fall in exactly one band, from the lowest to the highest sum.',
    },
  },
  PLUS310: {
    name: 'media-outside-module',
    severity: 'error',
    message: {
      sv: (a) => `Sökvägen \`${a.path}\` pekar utanför modulmappen`,
      en: (a) => `The path \`${a.path}\` points outside the module folder`,
    },
    hint: {
      sv: () => 'Lägg filen i modulens mapp `media/` och skriv sökvägen som `media/filnamn`.',
      en: () => 'Put the file in the module\'s `media/` folder and write the path as `media/filename`.',
    },
  },
  PLUS311: {
    name: 'film-pending',
    severity: 'warning',
    message: {
      sv: (a) => `Filmen \`${a.id}\` har ingen videofil ännu`,
      en: (a) => `The film \`${a.id}\` has no video file yet`,
    },
    hint: {
      sv: () => 'Lägg till `src="media/…"` när videofilen har levererats.',
      en: () => 'Add `src="media/…"` once the video file has been delivered.',
    },
  },
  PLUS312: {
    name: 'release-not-approved',
    severity: 'error',
    message: {
      sv: (a) => `Modulen \`${a.id}\` har granskningsstatus \`${a.status}\`; en release kräver \`approved\` med granskare och datum`,
      en: (a) => `The module \`${a.id}\` has review status \`${a.status}\`; a release needs \`approved\` with a reviewer and a date`,
    },
    hint: {
      sv: () => 'Låt modulen granskas och skriv sedan `status: approved`, `reviewer:` och `date:` under `review:` i `module.md`.',
      en: () => 'Have the module reviewed, then set `status: approved`, `reviewer:` and `date:` under `review:` in `module.md`.',
    },
  },
  PLUS313: {
    name: 'readability',
    severity: 'warning',
    message: {
      sv: (a) => `Steget har LIX ${a.lix}; målet för textsteg är högst ${a.limit}`,
      en: (a) => `The step has a LIX of ${a.lix}; the target for text steps is at most ${a.limit}`,
    },
    hint: {
      sv: () => 'Skriv kortare meningar och byt långa ord mot kortare. Se avsnittet om klarspråk i författarguiden.',
      en: () => 'Write shorter sentences and swap long words for shorter ones. See the plain-language section of the authoring guide.',
    },
  },
  PLUS314: {
    name: 'skeleton-text',
    severity: 'warning',
    message: {
      sv: (a) => `${a.what === 'summary' ? 'Modulens sammanfattning' : 'Steget'} har kvar texten från \`plus new\`: ”${a.text}”`,
      en: (a) => `The ${a.what === 'summary' ? "module's summary" : 'step'} still has the text \`plus new\` wrote: “${a.text}”`,
    },
    hint: {
      sv: () => 'Skriv det riktiga innehållet, eller ta bort steget om det inte behövs.',
      en: () => 'Write the real content, or remove the step if it is not needed.',
    },
  },
  PLUS315: {
    name: 'unsafe-svg',
    severity: 'error',
    message: {
      sv: (a) => `SVG-filen \`${a.path}\` innehåller ${a.what}, som inte är tillåtet i en bild`,
      en: (a) => `The SVG file \`${a.path}\` contains ${a.whatEn}, which is not allowed in a picture`,
    },
    hint: {
      sv: () => 'En bild får bara rita: inga skript, inga händelseattribut (onload …), inga länkar eller filer utanför bilden. Spara om bilden som ren SVG eller som PNG.',
      en: () => 'A picture may only draw: no scripts, no event attributes (onload …), no links or files outside the picture. Save it again as plain SVG or as PNG.',
    },
  },
  PLUS316: {
    name: 'closing-step',
    severity: 'warning',
    message: {
      sv: (a) => `Modulen \`${a.id}\` slutar inte med ett sammanfattande textsteg: ${a.problem === 'kind' ? 'sista steget är inget textsteg' : a.problem === 'title' ? 'sista stegets rubrik säger inte ”Sammanfattning”' : 'sista steget säger inte när man ska kontakta vårdcentralen'}`,
      en: (a) => `The module \`${a.id}\` does not end with a closing summary step: ${a.problem === 'kind' ? 'the last step is not a text step' : a.problem === 'title' ? 'the last step\'s title does not say “Sammanfattning”' : 'the last step does not say when to contact the vårdcentral'}`,
    },
    hint: {
      sv: () => 'Avsluta modulen med ett textsteg med ”Sammanfattning” i rubriken som sammanfattar modulen och säger när man ska kontakta vårdcentralen.',
      en: () => 'End the module with a text step titled with “Sammanfattning” that sums up the module and says when to contact the vårdcentral.',
    },
  },
  PLUS317: {
    name: 'captions-sparse',
    severity: 'warning',
    message: {
      sv: (a) => `Undertexterna har ${a.cues} textrutor för en film på ${a.duration}; det behövs minst ${a.needed} (en per tio sekunder)`,
      en: (a) => `The captions have ${a.cues} cues for a film of ${a.duration}; at least ${a.needed} are needed (one per ten seconds)`,
    },
    hint: {
      sv: () => 'Dela upp undertexterna i kortare textrutor som följer det som sägs, högst två rader åt gången.',
      en: () => 'Split the captions into shorter cues that follow what is said, at most two lines at a time.',
    },
  },
  PLUS318: {
    name: 'transcript-short',
    severity: 'warning',
    message: {
      sv: (a) => `Transkriptionen av filmen \`${a.id}\` har ${a.words} ord, men undertexterna har ${a.captionWords}`,
      en: (a) => `The transcript of the film \`${a.id}\` has ${a.words} words, but its captions have ${a.captionWords}`,
    },
    hint: {
      sv: () => 'Transkriptionen ska ge allt som sägs och visas i filmen, för den som inte kan se eller höra den.',
      en: () => 'The transcript gives everything said and shown in the film, for those who cannot see or hear it.',
    },
  },
  PLUS319: {
    name: 'guide-module-list',
    severity: 'warning',
    message: {
      sv: (a) => (a.expected ? `Listan över moduler och avsnitt i författarguiden stämmer inte med innehållet: här ska stå \`${a.expected}\`` : `Listan över moduler och avsnitt i författarguiden har en rad för mycket: \`${a.actual}\``),
      en: (a) => (a.expected ? `The authoring guide's list of modules and sections does not match the content: this line should read \`${a.expected}\`` : `The authoring guide's list of modules and sections has a line too many: \`${a.actual}\``),
    },
    hint: {
      sv: () => 'Uppdatera listan i författarguiden när du lägger till, byter namn på eller tar bort en modul eller ett avsnitt.',
      en: () => 'Update the list in the authoring guide when you add, rename or remove a module or section.',
    },
  },
  PLUS320: {
    name: 'estimated-time',
    severity: 'warning',
    message: {
      sv: (a) => `Modulen \`${a.id}\` anger ${a.stated} minuter, men läsning, filmer och formulär tar ungefär ${a.computed} minuter`,
      en: (a) => `The module \`${a.id}\` states ${a.stated} minutes, but reading, films and forms take about ${a.computed} minutes`,
    },
    hint: {
      sv: (a) => `Ändra \`estimatedMinutes\` till ungefär ${a.computed}, eller justera innehållet. Tiden räknas som i \`plus report\` och på sidan Kvalitet.`,
      en: (a) => `Change \`estimatedMinutes\` to about ${a.computed}, or adjust the content. The time is computed as in \`plus report\` and on the Kvalitet page.`,
    },
  },
  PLUS321: {
    name: 'urgent-help-missing',
    severity: 'warning',
    message: {
      sv: (a) => `Steget \`${a.step}\` nämner självmordstankar men säger inte vart man vänder sig i akuta lägen`,
      en: (a) => `The step \`${a.step}\` mentions suicidal thoughts but does not say where to turn in an emergency`,
    },
    hint: {
      sv: () => 'Skriv ut 112 och Självmordslinjen 90101 (och gärna 1177) i samma steg.',
      en: () => 'Give 112 and Självmordslinjen 90101 (and preferably 1177) in the same step.',
    },
  },
  PLUS322: {
    name: 'risk-question-alert',
    severity: 'warning',
    message: {
      sv: (a) => `Frågan \`${a.question}\` handlar om tankar på döden eller att skada sig, men larmar ${a.actual === '' ? 'inte' : `först från ${a.actual}`}; den ska larma från ${a.expected}`,
      en: (a) => `The question \`${a.question}\` is about thoughts of death or self-harm but alerts ${a.actual === '' ? 'never' : `only from ${a.actual}`}; it should alert from ${a.expected}`,
    },
    hint: {
      sv: (a) => `Skriv \`alert="${a.expected}"\` på frågan, så att varje svar utom ”aldrig” syns för behandlaren.`,
      en: (a) => `Write \`alert="${a.expected}"\` on the question, so that every answer but “never” reaches the clinician.`,
    },
  },
  PLUS323: {
    name: 'band-text',
    severity: 'warning',
    message: {
      sv: (a) => (a.problem === 'count' ? `Självskattningen \`${a.form}\` har ${a.count} tolkningsintervall; den behöver minst två` : a.problem === 'short' ? `Tolkningen ”${a.band}” i \`${a.form}\` är bara ${a.count} tecken` : `Den högsta tolkningen ”${a.band}” i \`${a.form}\` säger inte att man ska kontakta vårdcentralen`),
      en: (a) => (a.problem === 'count' ? `The self-assessment \`${a.form}\` has ${a.count} bands; it needs at least two` : a.problem === 'short' ? `The band “${a.band}” of \`${a.form}\` is only ${a.count} characters` : `The highest band “${a.band}” of \`${a.form}\` does not say to contact the vårdcentral`),
    },
    hint: {
      sv: () => 'Varje tolkning säger vad poängen betyder och vad man kan göra; den högsta säger när man ska kontakta vårdcentralen.',
      en: () => 'Each band says what the score means and what to do; the highest says when to contact the vårdcentral.',
    },
  },

  PLUS324: {
    name: 'module-requirements',
    severity: 'warning',
    message: {
      sv: (a) => `Modulen \`${a.id}\` har ${a.count} ${({ sections: 'avsnitt', steps: 'steg', films: 'filmer', assessments: 'självskattningar', exercises: 'övningar' } as Record<string, string>)[String(a.what)] ?? a.what}; programmet kräver minst ${a.min}`,
      en: (a) => `The module \`${a.id}\` has ${a.count} ${({ sections: 'sections', steps: 'steps', films: 'films', assessments: 'self-assessments', exercises: 'exercises' } as Record<string, string>)[String(a.what)] ?? a.what}; the programme requires at least ${a.min}`,
    },
    hint: {
      sv: () => 'Se `requirements` i `programme.md`: vad varje modul ska innehålla.',
      en: () => 'See `requirements` in `programme.md`: what every module must hold.',
    },
  },
  PLUS325: {
    name: 'safety-information',
    severity: 'warning',
    message: {
      sv: (a) => (a.form ? `Den högsta tolkningen i \`${a.form}\` nämner inte ${list(a.missing)}` : `Modulen \`${a.id}\` nämner inte ${list(a.missing)}`),
      en: (a) => (a.form ? `The highest band of \`${a.form}\` does not mention ${list(a.missing)}` : `The module \`${a.id}\` does not mention ${list(a.missing)}`),
    },
    hint: {
      sv: () => 'Modulen står under `safetyModules` i `programme.md`: den ska säga vart man vänder sig i akuta lägen (112, 1177, Självmordslinjen 90101), också i den högsta tolkningen av varje självskattning.',
      en: () => 'The module is listed under `safetyModules` in `programme.md`: it must say where to turn in an emergency (112, 1177, Självmordslinjen 90101), also in the highest band of each self-assessment.',
    },
  },
  PLUS326: {
    name: 'flag-text',
    severity: 'warning',
    message: {
      sv: (a) => (a.problem === 'long' ? `Texten för flaggan \`${a.id}\` är ${a.count} tecken; ett sms får vara högst ${a.limit}` : `Texten för flaggan \`${a.id}\` nämner ”${a.word}” och avslöjar vad patienten får hjälp med`),
      en: (a) => (a.problem === 'long' ? `The text of the flag \`${a.id}\` is ${a.count} characters; a text message may be at most ${a.limit}` : `The text of the flag \`${a.id}\` mentions “${a.word}”, which tells what the patient gets help with`),
    },
    hint: {
      sv: () => 'Flaggor skickas som sms eller e-post: skriv kort och utan något om hälsa eller besvär, och hänvisa till 1177.se.',
      en: () => 'Flags go out by text message or e-mail: keep them short, with nothing about health or problems, and refer to 1177.se.',
    },
  },

  PLUS327: {
    name: 'band-level-urgent',
    severity: 'error',
    message: {
      sv: (a) => `Tolkningsintervallet ”${a.label}” hänvisar till ${a.number} men har ${a.level ? `\`level="${a.level}"\`` : 'ingen nivå'}; ett intervall som skickar invånaren till ${a.number} måste vara \`urgent\``,
      en: (a) => `The band “${a.label}” sends the patient to ${a.number} but has ${a.level ? `\`level="${a.level}"\`` : 'no level'}; a band that sends the patient to ${a.number} must be \`urgent\``,
    },
    hint: {
      sv: () => 'Skriv `{level="urgent"}` sist på intervallets rad, till exempel `- [21–27] Mycket starka besvär {level="urgent"}`. Då visas resultatet med hjälpnumren först. Gäller numret bara den som svarat på en viss fråga? Skriv det då vid frågan i stället.',
      en: () => 'Add `{level="urgent"}` at the end of the band\'s line, for example `- [21–27] Very strong {level="urgent"}`. The result then leads with the help numbers. If the number is only for those who gave a certain answer, put it next to that question instead.',
    },
  },
  PLUS328: {
    name: 'signoff-unknown-step',
    severity: 'error',
    message: {
      sv: (a) => `Granskningen gäller steget \`${a.step}\`, men avsnittet \`${a.section}\` har inget sådant steg`,
      en: (a) => `The sign-off is for the step \`${a.step}\`, but the section \`${a.section}\` has no such step`,
    },
    hint: {
      sv: () => 'Skriv id:t för ett steg i den här filen. Har steget flyttats till ett annat avsnitt behöver det granskas där.',
      en: () => 'Give the id of a step in this file. A step that moved to another section needs to be reviewed there.',
    },
  },

  // 4xx — writing the output
  PLUS401: {
    name: 'write-failed',
    severity: 'error',
    message: {
      sv: (a) => `Paketet kunde inte skrivas till \`${a.path}\` (${a.reason}); det tidigare paketet är orört`,
      en: (a) => `The bundle could not be written to \`${a.path}\` (${a.reason}); the previous bundle is untouched`,
    },
    hint: {
      sv: () => 'Kontrollera att mappen går att skriva till och att disken inte är full.',
      en: () => 'Check that the folder is writable and the disk is not full.',
    },
  },
} as const satisfies Record<string, Entry>


/** Every diagnostic code. */
export type Code = keyof typeof catalogue

/** Every code in order, for documentation and tests. */
export const codes = Object.keys(catalogue) as Code[]
