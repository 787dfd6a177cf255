/**
 * Edm.DateTimeOffset, once for the whole tool: config validation, the planner, the exporter and
 * the emulator all read dates through here, so they cannot disagree on what a date is.
 *
 * The grammar is OData's `dateTimeOffsetValue` (ABNF):
 *   year "-" month "-" day "T" hour ":" minute [ ":" second [ "." fractionalSeconds ] ]
 *   ( "Z" / SIGN hour ":" minute )
 * so seconds and the fraction are optional, and `T` / `Z` may be lower case (ABNF literals are
 * case-insensitive). The values are those Graph (.NET's DateTimeOffset) can hold: years 0001 to
 * 9999 and an instant from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.9999999Z, an offset of
 * at most ±14:00, and 100 ns "ticks". More than 7 fractional digits (OData allows 12) are
 * REFUSED rather than rounded: a rounded value is not what the user wrote, and Graph would store
 * something else than the configuration says.
 *
 * The arithmetic is exact: BigInt ticks and Howard Hinnant's civil-date algorithms, no `Date`
 * (which keeps milliseconds only and would call `…36.6670033Z` and `…36.6670034Z` equal). A
 * Temporal polyfill's `Instant` would carry nanoseconds, but it parses RFC 9557 (bracketed zones,
 * 9 digits, years beyond 9999, offsets with seconds), not OData's rule, so the grammar and range
 * checks here would stay, and the few lines of day arithmetic do not earn a 50 kB dependency.
 */

/** A parsed DateTimeOffset. */
export interface DateTimeOffsetInstant {
  readonly ok: true;
  /** 100 ns ticks since 0001-01-01T00:00:00Z: 0 to `MAX_TICKS`. */
  readonly ticks: bigint;
  /**
   * Graph's "unset" for a non-nullable date: .NET's `DateTimeOffset.MinValue`, i.e. the text's
   * own date and time are `0001-01-01T00:00:00(.0…)` whatever its offset, or the instant is tick 0.
   */
  readonly isMinValue: boolean;
}

/** Why a text is not a DateTimeOffset, in words that say what to change. */
export interface DateTimeOffsetError {
  readonly ok: false;
  readonly reason: string;
}

/** An example for messages and documentation. */
export const DATE_TIME_OFFSET_EXAMPLE = "2025-01-31T09:30:00Z";

/** What Intune returns for a non-nullable date nobody set. */
export const MIN_DATE_TIME_OFFSET = "0001-01-01T00:00:00Z";

/**
 * The grammar as a plain ECMAScript pattern (JSON Schema carries it too), with the field ranges
 * a pattern can say; calendar days and the instant's range need `parseDateTimeOffset`.
 */
export const DATE_TIME_OFFSET_PATTERN =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,7})?)?([Zz]|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$/;

const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_DAY = 86_400n * TICKS_PER_SECOND;
/** 0001-01-01 in days since 1970-01-01. */
const DAY_OF_YEAR_ONE = daysFromCivil(1, 1, 1);
/** 9999-12-31T23:59:59.9999999Z: .NET's DateTimeOffset.MaxValue. */
export const MAX_TICKS = BigInt(daysFromCivil(10_000, 1, 1) - DAY_OF_YEAR_ONE) * TICKS_PER_DAY - 1n;

/** The shape alone, each field captured; field ranges are checked in code to explain them. */
const SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parses a DateTimeOffset literal, or says why it is not one. */
export function parseDateTimeOffset(text: string): DateTimeOffsetInstant | DateTimeOffsetError {
  const match = SHAPE.exec(text);
  if (!match) return { ok: false, reason: shapeProblem(text) };
  const [, y, mo, d, h, mi, s = "00", fraction = "", zulu, sign, offsetH, offsetM] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fail = (reason: string): DateTimeOffsetError => ({ ok: false, reason });
  if (fraction.length > 7) {
    return fail("Graph keeps at most 7 fractional digits (100 ns): drop the rest");
  }
  if (year < 1) return fail("there is no year 0000: years run from 0001 to 9999");
  if (month < 1 || month > 12) return fail(`there is no month ${mo}: months run from 01 to 12`);
  if (day < 1 || day > daysInMonth(year, month)) return fail("that day does not exist");
  if (hour === 24) return fail("24:00 is not a time: write 00:00 of the next day");
  if (hour > 23) return fail("hours run from 00 to 23");
  if (minute > 59) return fail("minutes run from 00 to 59");
  if (second > 59) return fail("seconds run from 00 to 59 (Graph has no leap seconds)");
  let offsetMinutes = 0;
  if (!zulu) {
    const hours = Number(offsetH);
    const minutes = Number(offsetM);
    if (minutes > 59 || hours * 60 + minutes > 14 * 60) {
      return fail("an offset is at most ±14:00 (from -14:00 to +14:00)");
    }
    offsetMinutes = (sign === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const days = BigInt(daysFromCivil(year, month, day) - DAY_OF_YEAR_ONE);
  const wallTicks =
    days * TICKS_PER_DAY +
    BigInt(hour * 3600 + minute * 60 + second) * TICKS_PER_SECOND +
    BigInt(fraction.padEnd(7, "0"));
  // Local wall-clock time minus the offset is UTC.
  const ticks = wallTicks - BigInt(offsetMinutes * 60) * TICKS_PER_SECOND;
  if (ticks < 0n || ticks > MAX_TICKS) {
    return fail(
      `Graph stores instants from ${MIN_DATE_TIME_OFFSET} to 9999-12-31T23:59:59.9999999Z`,
    );
  }
  return { ok: true, ticks, isMinValue: wallTicks === 0n || ticks === 0n };
}

/** Whether a text is a DateTimeOffset Graph can hold. */
export function isDateTimeOffset(text: string): boolean {
  return parseDateTimeOffset(text).ok;
}

/** Why a text is not a DateTimeOffset Graph can hold, as what to change (for diagnostics). */
export function explainDateTimeOffset(text: string): string {
  const parsed = parseDateTimeOffset(text);
  return parsed.ok ? "it is a valid DateTimeOffset" : parsed.reason;
}

/** The canonical text of an instant: UTC, `Z`, always 7 fractional digits. */
export function formatTicks(ticks: bigint): string {
  const days = ticks / TICKS_PER_DAY;
  const ofDay = ticks % TICKS_PER_DAY;
  const [year, month, day] = civilFromDays(Number(days) + DAY_OF_YEAR_ONE);
  const seconds = Number(ofDay / TICKS_PER_SECOND);
  const fraction = ofDay % TICKS_PER_SECOND;
  const time = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  return (
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${time.map((part) => pad(part, 2)).join(":")}` +
    `.${fraction.toString().padStart(7, "0")}Z`
  );
}

/** The canonical text of a DateTimeOffset literal (see `formatTicks`), or undefined. */
export function canonicalDateTimeOffset(text: string): string | undefined {
  const parsed = parseDateTimeOffset(text);
  return parsed.ok ? formatTicks(parsed.ticks) : undefined;
}

/** A JS time (milliseconds since 1970) as ticks, for timestamps the emulator sets itself. */
export function ticksFromMilliseconds(milliseconds: number): bigint {
  return BigInt(Math.trunc(milliseconds)) * 10_000n - BigInt(DAY_OF_YEAR_ONE) * TICKS_PER_DAY;
}

/** Why a text does not even have the grammar's shape. */
function shapeProblem(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text))
    return "it has no time: add one and an offset, e.g. T00:00:00Z";
  if (/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
    return "it has no offset: add Z for UTC or an offset like +01:00";
  }
  if (/^\d{4}-\d{2}-\d{2} \d/.test(text))
    return "separate the date and the time with T, not a space";
  if (/^\d{4}-\d{2}-\d{2}[Tt]\d{1,2}([Zz]|[+-]\d{2}:?\d{2})$/.test(text)) {
    return "write the time as hours and minutes at least (hh:mm)";
  }
  if (
    /^\d{1,4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}/.test(text) &&
    !/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}/.test(text)
  ) {
    return "write every date and time field with two digits (four for the year), e.g. 2025-01-31T09:30Z";
  }
  if (/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?[+-]\d{2}(\d{2})?$/.test(text)) {
    return "write the offset as ±hh:mm, e.g. +01:00";
  }
  return `write an ISO 8601 date-time with an offset, e.g. ${DATE_TIME_OFFSET_EXAMPLE}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, days since
// 1970-01-01): exact integer arithmetic over the whole 0001–9999 range.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(daysSinceEpoch: number): [number, number, number] {
  const z = daysSinceEpoch + 719_468;
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
