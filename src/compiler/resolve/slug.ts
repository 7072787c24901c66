// Readable ASCII ids from Swedish titles: "Ångest och oro" → "angest-och-oro".

const letters: Record<string, string> = { å: 'a', ä: 'a', ö: 'o', é: 'e', ü: 'u', æ: 'ae', ø: 'o' }

export function slugify(text: string, maxLength = 48): string {
  const lowered = text.normalize('NFC').toLowerCase()
  const mapped = Array.from(lowered, (ch) => letters[ch] ?? ch).join('')
  const ascii = mapped.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  if (slug.length <= maxLength) return slug
  return slug.slice(0, maxLength).replace(/-[^-]*$/, '') || slug.slice(0, maxLength)
}
