/**
 * One CSV cell (RFC 4180), safe to open in a spreadsheet: a value starting
 * with = + - @ (or a tab or carriage return, which some spreadsheets skip
 * before reading a formula) is prefixed with an apostrophe, so it is shown as
 * text and never run as a formula (OWASP "CSV Injection"); then a value
 * holding a comma, quote or line break is quoted, its quotes doubled. Every
 * CSV Mandate writes goes through here: audit fields such as client_id or
 * X-Request-Id are chosen by unauthenticated callers.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record: its cells, separated by commas (no line ending). */
export function csvRow(values: readonly string[]): string {
  return values.map(csvCell).join(",");
}
