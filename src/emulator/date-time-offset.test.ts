import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MIN_DATE_TIME_OFFSET,
  dateTimeOffsetFromMilliseconds,
  formatDateTimeOffset,
  normalizeDateTimeOffset,
  parseDateTimeOffset,
} from "./date-time-offset.ts";

describe("DateTimeOffset", () => {
  it("converts an offset to UTC and keeps all 7 fractional digits", () => {
    expect(normalizeDateTimeOffset("2016-12-31T23:58:36.6670033-08:00")).toBe(
      "2017-01-01T07:58:36.6670033Z",
    );
    expect(normalizeDateTimeOffset("2017-01-01T00:02:07.7573274+05:30")).toBe(
      "2016-12-31T18:32:07.7573274Z",
    );
  });

  it("pads short fractions and missing seconds to the service's 7-digit form", () => {
    expect(normalizeDateTimeOffset("2024-02-29T10:00Z")).toBe("2024-02-29T10:00:00.0000000Z");
    expect(normalizeDateTimeOffset("2024-02-29T10:00:01.5Z")).toBe("2024-02-29T10:00:01.5000000Z");
  });

  it("writes the minimum (unset) value without a fraction, as Intune does", () => {
    expect(formatDateTimeOffset(0n)).toBe(MIN_DATE_TIME_OFFSET);
    expect(normalizeDateTimeOffset("0001-01-01T00:00:00Z")).toBe(MIN_DATE_TIME_OFFSET);
    expect(normalizeDateTimeOffset("0001-01-01T00:00:00.0000001Z")).toBe(
      "0001-01-01T00:00:00.0000001Z",
    );
  });

  it.each([
    "2016-12-31",
    "2016-12-31T23:58:36",
    "2016-13-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2016-12-31T24:00:00Z",
    "2016-12-31T23:60:00Z",
    "2016-12-31T23:58:36.12345678Z",
    "2016-12-31T23:58:36+15:00",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "yesterday",
    "",
  ])("refuses %j", (text) => {
    expect(parseDateTimeOffset(text)).toBeUndefined();
  });

  it("agrees with Date at millisecond precision over the whole range", () => {
    const instant = fc.date({
      min: new Date("0001-01-01T00:00:00.001Z"),
      max: new Date("9999-12-31T23:59:59.999Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, (date) => {
        const iso = date.toISOString();
        const expected = iso.replace(/\.(\d{3})Z$/, ".$10000Z");
        expect(normalizeDateTimeOffset(iso)).toBe(expected);
        expect(dateTimeOffsetFromMilliseconds(date.getTime())).toBe(expected);
      }),
    );
  });

  it("orders instants by ticks regardless of the offset written", () => {
    const earlier = parseDateTimeOffset("2017-01-01T00:00:00.0000001+01:00")!;
    const later = parseDateTimeOffset("2016-12-31T23:00:00.0000002Z")!;
    expect(later - earlier).toBe(1n);
  });
});
