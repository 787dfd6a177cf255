/**
 * The shared table of Edm.DateTimeOffset cases: OData's `dateTimeOffsetValue` rule
 * (`year "-" month "-" day "T" hour ":" minute [ ":" second [ "." fractionalSeconds ] ]
 * ( "Z" / SIGN hour ":" minute )`, ABNF literals case-insensitive) within what Graph (.NET's
 * DateTimeOffset) can hold: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.9999999Z, offsets up to
 * ±14:00, 100 ns precision (more fractional digits are refused, not rounded).
 *
 * Config validation, the planner, the exporter and the emulator each run every case.
 */
export type DateTimeOffsetCase =
  | {
      readonly text: string;
      readonly verdict: "valid";
      /** The instant in canonical UTC text (7 fractional digits, `Z`). */
      readonly utc: string;
      /** Graph's "unset": written as 0001-01-01T00:00:00 (any precision and offset), or tick 0. */
      readonly unset?: true;
    }
  | {
      readonly text: string;
      readonly verdict: "invalid";
      /** Words the explanation must contain, so the user learns what to change. */
      readonly because: RegExp;
    };

const valid = (text: string, utc: string): DateTimeOffsetCase => ({ text, verdict: "valid", utc });
const unset = (text: string, utc: string): DateTimeOffsetCase => ({
  text,
  verdict: "valid",
  utc,
  unset: true,
});
const invalid = (text: string, because: RegExp): DateTimeOffsetCase => ({
  text,
  verdict: "invalid",
  because,
});

export const DATE_TIME_OFFSET_CASES: readonly DateTimeOffsetCase[] = [
  // One instant, many spellings: offsets, precisions, seconds omitted.
  valid("2030-01-31T09:30Z", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T09:30:00Z", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T09:30:00.0Z", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T09:30:00.0000000Z", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T09:30+00:00", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T09:30-00:00", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T10:30+01:00", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T15:00:00.000+05:30", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T01:30:00-08:00", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31T23:30+14:00", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-30T19:30-14:00", "2030-01-31T09:30:00.0000000Z"),
  valid("2030-01-31t09:30z", "2030-01-31T09:30:00.0000000Z"),
  // The seed pages' own examples.
  valid("2016-12-31T23:58:36.6670033-08:00", "2017-01-01T07:58:36.6670033Z"),
  valid("2017-01-01T07:58:36.6670033Z", "2017-01-01T07:58:36.6670033Z"),
  valid("2017-01-01T07:58:36.6670033+00:00", "2017-01-01T07:58:36.6670033Z"),
  valid("2017-01-01T00:00:34.890321-08:00", "2017-01-01T08:00:34.8903210Z"),
  valid("2017-01-01T13:28:36.667+05:30", "2017-01-01T07:58:36.6670000Z"),
  // Each precision from 1 to 7 digits.
  valid("2024-06-01T12:00:00.1Z", "2024-06-01T12:00:00.1000000Z"),
  valid("2024-06-01T12:00:00.12Z", "2024-06-01T12:00:00.1200000Z"),
  valid("2024-06-01T12:00:00.123Z", "2024-06-01T12:00:00.1230000Z"),
  valid("2024-06-01T12:00:00.1234Z", "2024-06-01T12:00:00.1234000Z"),
  valid("2024-06-01T12:00:00.12345Z", "2024-06-01T12:00:00.1234500Z"),
  valid("2024-06-01T12:00:00.123456Z", "2024-06-01T12:00:00.1234560Z"),
  valid("2024-06-01T12:00:00.1234567Z", "2024-06-01T12:00:00.1234567Z"),
  // Offsets that cross a day, a month, a year, a leap day.
  valid("2020-02-29T23:00:00-01:00", "2020-03-01T00:00:00.0000000Z"),
  valid("2000-03-01T00:00:00.1+00:30", "2000-02-29T23:30:00.1000000Z"),
  valid("2024-12-31T20:00-05:00", "2025-01-01T01:00:00.0000000Z"),
  valid("2025-01-01T00:30+01:00", "2024-12-31T23:30:00.0000000Z"),
  valid("2024-02-29T00:00Z", "2024-02-29T00:00:00.0000000Z"),
  valid("2000-02-29T12:00:00Z", "2000-02-29T12:00:00.0000000Z"),
  valid("2400-02-29T12:00:00Z", "2400-02-29T12:00:00.0000000Z"),
  valid("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.0000000Z"),
  valid("2021-03-28T02:30:00+02:00", "2021-03-28T00:30:00.0000000Z"),
  valid("2030-01-31T09:30:59.9999999+09:45", "2030-01-30T23:45:59.9999999Z"),
  // The ends of what Graph can store.
  unset("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z"),
  unset("0001-01-01T00:00Z", "0001-01-01T00:00:00.0000000Z"),
  unset("0001-01-01T00:00:00.0000000Z", "0001-01-01T00:00:00.0000000Z"),
  unset("0001-01-01T00:00:00-08:00", "0001-01-01T08:00:00.0000000Z"),
  valid("0001-01-01T00:00:00.0000001Z", "0001-01-01T00:00:00.0000001Z"),
  unset("0001-01-01T14:00+14:00", "0001-01-01T00:00:00.0000000Z"),
  valid("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"),
  valid("9999-12-31T09:59:59.9999999-14:00", "9999-12-31T23:59:59.9999999Z"),
  valid("9999-12-31T23:59Z", "9999-12-31T23:59:00.0000000Z"),

  // Not the grammar.
  invalid("2030-01-31", /no time/),
  invalid("2030-01-31T09:30", /no offset/),
  invalid("2030-01-31T09:30:00", /no offset/),
  invalid("2030-01-31T09:30:00.5", /no offset/),
  invalid("2030-01-31 09:30:00Z", /with T, not a space/),
  invalid("2030-01-31T09Z", /hours and minutes/),
  invalid("2030-01-31T9:30Z", /two digits/),
  invalid("2030-1-31T09:30Z", /two digits/),
  invalid("20300131T093000Z", /ISO 8601/),
  invalid("2030-01-31T09:30:00+0100", /±hh:mm/),
  invalid("2030-01-31T09:30:00+01", /±hh:mm/),
  invalid("2030-01-31T09:30:00.Z", /ISO 8601/),
  invalid("2030-01-31T09:30:00,5Z", /ISO 8601/),
  invalid("2030-01-31T09:30:00.12345678Z", /7 fractional digits/),
  invalid("2030-01-31T09:30:00.000000000000Z", /7 fractional digits/),
  invalid(" 2030-01-31T09:30Z", /ISO 8601/),
  invalid("2030-01-31T09:30Z ", /ISO 8601/),
  invalid("2030-01-31T09:30:00Z[Europe/Paris]", /ISO 8601/),
  invalid("+002030-01-31T09:30Z", /ISO 8601/),
  invalid("", /ISO 8601/),
  // The grammar, but not a time Graph can hold.
  invalid("2030-01-31T24:00Z", /24:00/),
  invalid("2030-01-31T24:00:00Z", /24:00/),
  invalid("2030-01-31T23:60Z", /minutes/),
  invalid("2030-01-31T23:59:60Z", /seconds/),
  invalid("2030-13-01T00:00Z", /month 13/),
  invalid("2030-00-10T00:00Z", /month 00/),
  invalid("2030-01-00T00:00Z", /does not exist/),
  invalid("2030-01-32T00:00Z", /does not exist/),
  invalid("2030-04-31T00:00Z", /does not exist/),
  invalid("2023-02-29T00:00Z", /does not exist/),
  invalid("1900-02-29T00:00Z", /does not exist/),
  invalid("2030-01-31T09:30+15:00", /±14:00/),
  invalid("2030-01-31T09:30-14:01", /±14:00/),
  invalid("2030-01-31T09:30+01:60", /±14:00/),
  invalid("0000-01-01T00:00:00Z", /year/),
  invalid("0001-01-01T00:00:00+00:01", /0001-01-01T00:00:00Z to 9999/),
  invalid("9999-12-31T23:59:59.9999999-00:01", /0001-01-01T00:00:00Z to 9999/),
];

/**
 * The valid cases grouped by instant: every spelling in a group means the same thing. Unset ones
 * are left out: they all mean "unset", whatever instant they name.
 */
export function casesByInstant(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const entry of DATE_TIME_OFFSET_CASES) {
    if (entry.verdict !== "valid" || entry.unset) continue;
    groups.set(entry.utc, [...(groups.get(entry.utc) ?? []), entry.text]);
  }
  return groups;
}
