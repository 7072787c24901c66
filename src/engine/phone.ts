// The patient's Swedish mobile number, optional, shown to the clinician in the overview.

/** Normalises a Swedish mobile number (07X XXX XX XX or +46 7X …) to +467XXXXXXXX, or null. */
export function normaliseMobileNumber(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '')
  const match = /^(?:\+46|0046|0)(7[02369]\d{7})$/.exec(compact)
  return match ? `+46${match[1]}` : null
}
