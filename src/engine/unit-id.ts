// Care unit ids. A unit id ends up in places that are not the database: export file names, the
// host's URLs and logs. So it is held to a safe character set when the unit is created: ASCII
// letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters. HSA-ids
// (`SE2321000016-15D3`) fit; a path separator, `..`, whitespace or a control character cannot.

const SAFE_UNIT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

/** True when the value may be a unit id. */
export function isSafeUnitId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_UNIT_ID.test(value)
}
