import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DATE_TIME_OFFSET_CASES, casesByInstant } from "../test/helpers/date-time-offset-cases.ts";
import { rewriteDateTime } from "../test/helpers/plan-builders.ts";
import {
  DATE_TIME_OFFSET_PATTERN,
  MAX_TICKS,
  canonicalDateTimeOffset,
  formatTicks,
  parseDateTimeOffset,
} from "./date-time-offset.ts";

describe("DateTimeOffset: the shared case table", () => {
  it("has at least 60 cases, valid and invalid", () => {
    expect(DATE_TIME_OFFSET_CASES.length).toBeGreaterThanOrEqual(60);
    expect(
      DATE_TIME_OFFSET_CASES.filter((entry) => entry.verdict === "invalid").length,
    ).toBeGreaterThan(20);
    expect(new Set(DATE_TIME_OFFSET_CASES.map((entry) => entry.text)).size).toBe(
      DATE_TIME_OFFSET_CASES.length,
    );
  });

  it.each(DATE_TIME_OFFSET_CASES.map((entry) => [entry.text, entry] as const))(
    "%j",
    (text, entry) => {
      const parsed = parseDateTimeOffset(text);
      if (entry.verdict === "valid") {
        expect(parsed).toMatchObject({ ok: true, isMinValue: entry.unset === true });
        expect(canonicalDateTimeOffset(text)).toBe(entry.utc);
      } else {
        expect(parsed.ok).toBe(false);
        expect(parsed.ok ? "" : parsed.reason).toMatch(entry.because);
        expect(canonicalDateTimeOffset(text)).toBeUndefined();
      }
    },
  );

  it("the JSON Schema pattern accepts every valid case (the calendar is checked apart)", () => {
    for (const entry of DATE_TIME_OFFSET_CASES) {
      if (entry.verdict === "valid") expect(entry.text).toMatch(DATE_TIME_OFFSET_PATTERN);
    }
  });

  it("groups several spellings under most instants", () => {
    const groups = [...casesByInstant().values()];
    expect(groups.filter((texts) => texts.length >= 3).length).toBeGreaterThanOrEqual(2);
  });
});

describe("DateTimeOffset arithmetic", () => {
  it("tells apart instants 100 ns apart, which Date cannot", () => {
    const a = "2017-01-01T07:58:36.6670033Z";
    const b = "2017-01-01T07:58:36.6670034Z";
    expect(new Date(a).getTime()).toBe(new Date(b).getTime());
    const [pa, pb] = [parseDateTimeOffset(a), parseDateTimeOffset(b)];
    expect(pa.ok && pb.ok && pb.ticks - pa.ticks).toBe(1n);
  });

  it("round-trips every instant through its canonical text", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_TICKS }), (ticks) => {
        const text = formatTicks(ticks);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
        expect(parseDateTimeOffset(text)).toMatchObject({ ok: true, ticks });
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
          expect(canonicalDateTimeOffset(text)).toBe(text.replace("Z", "0000Z"));
        },
      ),
    );
  });

  it("gives the same instant in every offset, precision and with seconds left out", () => {
    const min = parseDateTimeOffset("0002-01-01T00:00:00Z");
    const max = parseDateTimeOffset("9998-12-31T00:00:00Z");
    if (!min.ok || !max.ok) throw new Error("bounds");
    fc.assert(
      fc.property(
        fc.bigInt({ min: min.ticks, max: max.ticks }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.integer({ min: 0, max: 7 }),
        fc.boolean(),
        fc.boolean(),
        (ticks, offset, digits, wholeMinute, dropSeconds) => {
          const instant = wholeMinute ? ticks - (ticks % 600_000_000n) : ticks;
          const text = formatTicks(instant);
          const rewritten = rewriteDateTime(text, offset, digits, dropSeconds);
          expect(canonicalDateTimeOffset(rewritten)).toBe(text);
        },
      ),
    );
  });
});
