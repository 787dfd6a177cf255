/**
 * The text formats the configuration checks, each with the words diagnostics use for it. The
 * patterns are plain ECMAScript regular expressions that JSON Schema can carry too.
 */

/** `metadata.name` of tenants and objects: a DNS label, so it is safe in addresses and file names. */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** What a shell or CI system accepts as an environment variable name. */
export const ENV_VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Edm.DateTimeOffset as OData JSON writes it: date, `T`, hours and minutes, optional seconds with
 * up to 7 fractional digits (100 ns, Graph's precision), and a `Z` or `±hh:mm` offset.
 */
export const DATE_TIME_OFFSET_PATTERN =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,7})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

export const DATE_TIME_OFFSET_EXAMPLE = "2025-01-31T09:30:00Z";

/** True when the date part of a pattern-valid DateTimeOffset exists in the calendar (no 31 April). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day >= 1 && day <= days;
}

/** Explains why a string is not a DateTimeOffset, in terms of what to change. */
export function explainDateTimeOffset(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text))
    return "it has no time: add one and an offset, e.g. T00:00:00Z";
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
    return "it has no offset: add Z for UTC or an offset like +01:00";
  }
  if (/^\d{4}-\d{2}-\d{2} \d/.test(text))
    return "separate the date and the time with T, not a space";
  if (/\.\d{8,}/.test(text)) return "Graph keeps at most 7 fractional digits (100 ns)";
  if (DATE_TIME_OFFSET_PATTERN.test(text) && !isCalendarDate(text))
    return "that day does not exist";
  return `write an ISO 8601 date-time with an offset, e.g. ${DATE_TIME_OFFSET_EXAMPLE}`;
}
