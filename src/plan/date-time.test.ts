import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rewriteDateTime } from "../../test/helpers/plan-builders.ts";
import { canonicalDateTime, formatTicks, parseDateTimeOffset } from "./date-time.ts";

describe("DateTimeOffset at 100-ns precision", () => {
  it.each([
    ["2016-12-31T23:58:36.6670033-08:00", "2017-01-01T07:58:36.6670033Z"],
    ["2017-01-01T07:58:36.6670033Z", "2017-01-01T07:58:36.6670033Z"],
    ["2017-01-01T07:58:36.6670033+00:00", "2017-01-01T07:58:36.6670033Z"],
    ["2017-01-01T13:28:36.667+05:30", "2017-01-01T07:58:36.6670000Z"],
    ["2017-01-01T07:58:36Z", "2017-01-01T07:58:36.0000000Z"],
    ["2017-01-01t07:58:36.1z", "2017-01-01T07:58:36.1000000Z"],
    ["2020-02-29T23:00:00-01:00", "2020-03-01T00:00:00.0000000Z"],
    ["2000-03-01T00:00:00.1+00:30", "2000-02-29T23:30:00.1000000Z"],
    ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00.0000000Z"],
    ["9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"],
  ])("%s is %s", (text, canonical) => {
    expect(canonicalDateTime(text)).toBe(canonical);
  });

  it("tells apart instants that differ by 100 ns, which Date cannot", () => {
    const a = "2017-01-01T07:58:36.6670033Z";
    const b = "2017-01-01T07:58:36.6670034Z";
    expect(new Date(a).getTime()).toBe(new Date(b).getTime());
    expect(canonicalDateTime(a)).not.toBe(canonicalDateTime(b));
    expect(parseDateTimeOffset(b)!.ticks - parseDateTimeOffset(a)!.ticks).toBe(1n);
  });

  it.each([
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00.0000000Z",
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00.000-08:00",
    "0001-01-01T00:00:00+05:00",
    "0001-01-01T01:00:00+01:00",
  ])("%s is unset", (text) => {
    expect(canonicalDateTime(text)).toBeNull();
  });

  it("does not take a real date in year 1 for unset", () => {
    expect(canonicalDateTime("0001-01-01T00:00:00.0000001Z")).toBe("0001-01-01T00:00:00.0000001Z");
  });

  it.each([
    "2017-01-01",
    "2017-01-01T07:58:36",
    "2017-01-01T07:58:36.12345678Z",
    "2017-13-01T00:00:00Z",
    "2019-02-29T00:00:00Z",
    "2017-04-31T00:00:00Z",
    "2017-01-01T24:00:00Z",
    "2017-01-01T00:60:00Z",
    "2017-01-01T00:00:60Z",
    "2017-01-01T00:00:00+24:00",
    "2017-01-01T00:00:00+0100",
    " 2017-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
  ])("rejects %s", (text) => {
    expect(parseDateTimeOffset(text)).toBeUndefined();
    expect(canonicalDateTime(text)).toBeUndefined();
  });

  it("round-trips every instant through its canonical text", () => {
    const maxTicks = parseDateTimeOffset("9999-12-31T23:59:59.9999999Z")!.ticks;
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: maxTicks }), (ticks) => {
        const text = formatTicks(ticks);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
        expect(parseDateTimeOffset(text)!.ticks).toBe(ticks);
      }),
    );
  });

  it("agrees with Date to the millisecond", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("0100-01-01T00:00:00Z"),
          max: new Date("9999-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        (date) => {
          const text = date.toISOString();
          expect(canonicalDateTime(text)).toBe(text.replace("Z", "0000Z"));
        },
      ),
    );
  });

  it("gives the same instant in every offset and precision", () => {
    const maxTicks = parseDateTimeOffset("9998-12-31T00:00:00Z")!.ticks;
    const minTicks = parseDateTimeOffset("0002-01-01T00:00:00Z")!.ticks;
    fc.assert(
      fc.property(
        fc.bigInt({ min: minTicks, max: maxTicks }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.integer({ min: 0, max: 7 }),
        (ticks, offset, digits) => {
          const text = formatTicks(ticks);
          const rewritten = rewriteDateTime(text, offset, digits);
          expect(canonicalDateTime(rewritten)).toBe(text);
        },
      ),
    );
  });
});
