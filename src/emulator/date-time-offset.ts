/**
 * Edm.DateTimeOffset the way the Intune service stores and returns it: .NET ticks (100 ns since
 * 0001-01-01T00:00:00Z), written back as UTC with `Z` and exactly 7 fractional digits, and the
 * minimum value (what Intune shows for an unset non-nullable date) as `0001-01-01T00:00:00Z`.
 *
 * Parsed by hand rather than through JS `Date`, which keeps only milliseconds and would silently
 * drop the last four digits a client sends.
 */

/** What Intune returns for a non-nullable date that was never set. */
export const MIN_DATE_TIME_OFFSET = "0001-01-01T00:00:00Z";

const TICKS_PER_SECOND = 10_000_000n;
const SECONDS_PER_DAY = 86_400n;
/** Day number of 0001-01-01 relative to 1970-01-01 (proleptic Gregorian). */
const EPOCH_DAY_OF_YEAR_ONE = daysFromCivil(1, 1, 1);
/** 9999-12-31T23:59:59.9999999Z, .NET's DateTimeOffset.MaxValue. */
const MAX_TICKS =
  BigInt(daysFromCivil(10000, 1, 1) - EPOCH_DAY_OF_YEAR_ONE) * SECONDS_PER_DAY * TICKS_PER_SECOND -
  1n;

// OData ABNF: seconds optional, 1+ fractional digits, `Z` or an offset. .NET keeps 7 digits, so
// more than 7 is refused rather than rounded.
const DATE_TIME_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

/**
 * The instant a DateTimeOffset literal names, in ticks since 0001-01-01T00:00:00Z, or undefined
 * when the text is not a valid DateTimeOffset (bad shape, impossible date, offset beyond ±14:00,
 * or an instant outside 0001..9999).
 */
export function parseDateTimeOffset(text: string): bigint | undefined {
  const match = DATE_TIME_OFFSET.exec(text);
  if (!match) return undefined;
  const [
    ,
    yearText,
    monthText,
    dayText,
    hourText,
    minuteText,
    secondText,
    fraction,
    zone,
    sign,
    offsetHourText,
    offsetMinuteText,
  ] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? "0");
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone?.toUpperCase() !== "Z") {
    const offsetHour = Number(offsetHourText);
    const offsetMinute = Number(offsetMinuteText);
    if (offsetMinute > 59 || offsetHour * 60 + offsetMinute > 14 * 60) return undefined;
    offsetMinutes = (sign === "-" ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const days = BigInt(daysFromCivil(year, month, day) - EPOCH_DAY_OF_YEAR_ONE);
  const seconds =
    days * SECONDS_PER_DAY + BigInt(hour * 3600 + minute * 60 + second - offsetMinutes * 60);
  const ticks = seconds * TICKS_PER_SECOND + BigInt((fraction ?? "").padEnd(7, "0"));
  return ticks < 0n || ticks > MAX_TICKS ? undefined : ticks;
}

/** Ticks as the service writes them: UTC, `Z`, 7 fractional digits; tick 0 as the bare minimum. */
export function formatDateTimeOffset(ticks: bigint): string {
  if (ticks === 0n) return MIN_DATE_TIME_OFFSET;
  const seconds = ticks / TICKS_PER_SECOND;
  const fraction = ticks % TICKS_PER_SECOND;
  const days = Number(seconds / SECONDS_PER_DAY);
  const secondOfDay = Number(seconds % SECONDS_PER_DAY);
  const [year, month, day] = civilFromDays(days + EPOCH_DAY_OF_YEAR_ONE);
  const time = [
    Math.floor(secondOfDay / 3600),
    Math.floor(secondOfDay / 60) % 60,
    secondOfDay % 60,
  ];
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${time.map((part) => pad(part, 2)).join(":")}.${fraction.toString().padStart(7, "0")}Z`;
}

/** The canonical form of a DateTimeOffset literal, or undefined when it is not one. */
export function normalizeDateTimeOffset(text: string): string | undefined {
  const ticks = parseDateTimeOffset(text);
  return ticks === undefined ? undefined : formatDateTimeOffset(ticks);
}

/** A JS time (milliseconds since 1970) in the canonical form, for server-set timestamps. */
export function dateTimeOffsetFromMilliseconds(milliseconds: number): string {
  const ticks =
    BigInt(Math.trunc(milliseconds)) * 10_000n -
    BigInt(EPOCH_DAY_OF_YEAR_ONE) * SECONDS_PER_DAY * TICKS_PER_SECOND;
  return formatDateTimeOffset(ticks);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The inverse of `daysFromCivil`: [year, month, day]. */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}
