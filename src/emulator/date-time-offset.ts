import {
  formatTicks,
  MIN_DATE_TIME_OFFSET,
  parseDateTimeOffset,
  ticksFromMilliseconds,
} from "../date-time-offset.ts";

/**
 * Edm.DateTimeOffset the way the Intune service stores and returns it: .NET ticks, written back as
 * UTC with `Z` and exactly 7 fractional digits, and the minimum value (what Intune shows for an
 * unset non-nullable date) as `0001-01-01T00:00:00Z`. The grammar and the arithmetic are the
 * tool's shared module (`src/date-time-offset.ts`, OData's `dateTimeOffsetValue`), whose case
 * table the emulator runs too (`date-time-offset.test.ts`): a literal the configuration accepts
 * is one the emulator accepts, and the other way round.
 */

export { MIN_DATE_TIME_OFFSET };

/** Ticks as the service writes them: UTC, `Z`, 7 fractional digits; tick 0 as the bare minimum. */
export function formatDateTimeOffset(ticks: bigint): string {
  return ticks === 0n ? MIN_DATE_TIME_OFFSET : formatTicks(ticks);
}

/** The stored form of a DateTimeOffset literal, or undefined when Graph would refuse it. */
export function normalizeDateTimeOffset(text: string): string | undefined {
  const parsed = parseDateTimeOffset(text);
  return parsed.ok ? formatDateTimeOffset(parsed.ticks) : undefined;
}

/** A JS time (milliseconds since 1970) in the stored form, for server-set timestamps. */
export function dateTimeOffsetFromMilliseconds(milliseconds: number): string {
  return formatDateTimeOffset(ticksFromMilliseconds(milliseconds));
}
