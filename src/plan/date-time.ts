/**
 * Edm.DateTimeOffset as an instant with Graph's full precision (100 ns "ticks", as .NET stores it).
 *
 * JavaScript's `Date` keeps only milliseconds, so `…36.6670033Z` and `…36.6670034Z` would look
 * equal to it (false "no drift") while `…36.667Z` and `…36.6670000Z` compare fine either way. The
 * parser here reads the text itself and counts ticks with BigInt instead.
 */

const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_MINUTE = 60n * TICKS_PER_SECOND;
const TICKS_PER_DAY = 86_400n * TICKS_PER_SECOND;
/** 0001-01-01 in days since 1970-01-01 (the function declaration below is hoisted). */
const DAY_OF_YEAR_ONE = daysFromCivil(1, 1, 1);

/** `YYYY-MM-DDTHH:MM:SS[.f{1,7}](Z|±HH:MM)`; `T` and `Z` in either case, as RFC 3339 allows. */
const DATE_TIME_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** A parsed DateTimeOffset: ticks of 100 ns since 0001-01-01T00:00:00Z (negative before it). */
export interface DateTimeInstant {
  readonly ticks: bigint;
  /**
   * The text's own date and time (before applying its offset) is `0001-01-01T00:00:00(.0…)`:
   * .NET's `DateTimeOffset.MinValue`, which Graph sends for an unset non-nullable date, whatever
   * offset it was written with.
   */
  readonly isMinValue: boolean;
}

/** Parses a DateTimeOffset; undefined when the text is not one (bad shape or impossible date). */
export function parseDateTimeOffset(text: string): DateTimeInstant | undefined {
  const match = DATE_TIME_OFFSET.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = "", zulu, sign, offsetH, offsetM] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (!zulu) {
    const hours = Number(offsetH);
    const minutes = Number(offsetM);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (sign === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const fractionTicks = BigInt(fraction.padEnd(7, "0"));
  const days = BigInt(daysFromCivil(year, month, day) - DAY_OF_YEAR_ONE);
  const secondsOfDay = BigInt(hour * 3600 + minute * 60 + second);
  // Local wall-clock time minus the offset is UTC.
  const ticks =
    days * TICKS_PER_DAY +
    secondsOfDay * TICKS_PER_SECOND +
    fractionTicks -
    BigInt(offsetMinutes) * TICKS_PER_MINUTE;
  const isMinValue = days === 0n && secondsOfDay === 0n && fractionTicks === 0n;
  return { ticks, isMinValue };
}

/** The canonical text of an instant: UTC, always 7 fractional digits, `Z`. */
export function formatTicks(ticks: bigint): string {
  const days = floorDiv(ticks, TICKS_PER_DAY);
  const ofDay = ticks - days * TICKS_PER_DAY;
  const [year, month, day] = civilFromDays(Number(days) + DAY_OF_YEAR_ONE);
  const seconds = Number(ofDay / TICKS_PER_SECOND);
  const fraction = ofDay % TICKS_PER_SECOND;
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  return (
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}` +
    `.${fraction.toString().padStart(7, "0")}Z`
  );
}

/**
 * The comparable form of a DateTimeOffset text: the canonical UTC text, `null` when it means
 * "unset" (`0001-01-01T00:00:00` in any offset or precision, or any instant at or before it),
 * and undefined when it is not a DateTimeOffset at all.
 */
export function canonicalDateTime(text: string): string | null | undefined {
  const instant = parseDateTimeOffset(text);
  if (!instant) return undefined;
  if (instant.isMinValue || instant.ticks <= 0n) return null;
  return formatTicks(instant.ticks);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function floorDiv(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? quotient - 1n : quotient;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, days since 1970-01-01):
// exact integer arithmetic over the whole 0001–9999 range, no Date involved.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilFromDays(daysSinceEpoch: number): [number, number, number] {
  const z = daysSinceEpoch + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}
