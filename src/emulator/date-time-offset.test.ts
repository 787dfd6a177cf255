import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DATE_TIME_OFFSET_CASES } from "../../test/helpers/date-time-offset-cases.ts";
import { graphSchemas } from "./metadata-schema.ts";
import { validateEntityPayload } from "./payload-validation.ts";
import {
  MIN_DATE_TIME_OFFSET,
  dateTimeOffsetFromMilliseconds,
  formatDateTimeOffset,
  normalizeDateTimeOffset,
} from "./date-time-offset.ts";

describe("DateTimeOffset in the emulator", () => {
  const schema = graphSchemas().beta;
  const partners = schema.collections.get("deviceManagementPartners")!;

  it.each(DATE_TIME_OFFSET_CASES.map((entry) => [entry.text, entry] as const))(
    "a PATCH carrying %j gets the shared table's verdict",
    (text, entry) => {
      const result = validateEntityPayload(schema, partners, {
        whenPartnerDevicesWillBeRemovedDateTime: text,
      });
      if (entry.verdict === "valid") {
        const stored =
          entry.utc === "0001-01-01T00:00:00.0000000Z" ? MIN_DATE_TIME_OFFSET : entry.utc;
        expect(result).toEqual({
          ok: true,
          value: { whenPartnerDevicesWillBeRemovedDateTime: stored },
        });
      } else {
        expect(result).toMatchObject({
          ok: false,
          message: `Cannot convert the literal '${text}' to the expected type 'Edm.DateTimeOffset'.`,
        });
      }
    },
  );

  it("writes the minimum (unset) value without a fraction, as Intune does", () => {
    expect(formatDateTimeOffset(0n)).toBe(MIN_DATE_TIME_OFFSET);
    expect(normalizeDateTimeOffset("0001-01-01T00:00:00Z")).toBe(MIN_DATE_TIME_OFFSET);
    expect(normalizeDateTimeOffset("0001-01-01T00:00:00.0000001Z")).toBe(
      "0001-01-01T00:00:00.0000001Z",
    );
  });

  it("stamps server-set times at millisecond precision over the whole range", () => {
    const instant = fc.date({
      min: new Date("0001-01-01T00:00:00.001Z"),
      max: new Date("9999-12-31T23:59:59.999Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, (date) => {
        const iso = date.toISOString();
        expect(dateTimeOffsetFromMilliseconds(date.getTime())).toBe(
          iso.replace(/\.(\d{3})Z$/, ".$10000Z"),
        );
      }),
    );
  });
});
