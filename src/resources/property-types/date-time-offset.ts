import {
  DATE_TIME_OFFSET_EXAMPLE,
  DATE_TIME_OFFSET_PATTERN,
  formatTicks,
  isDateTimeOffset,
  MIN_DATE_TIME_OFFSET,
  parseDateTimeOffset,
} from "../../date-time-offset.ts";
import { field } from "../../schema-field.ts";
import { z } from "../../zod.ts";
import type { JsonValue } from "../../json.ts";
import { exactValues, type PropertyBehaviour } from "./behaviour.ts";

/** Edm.DateTimeOffset: ISO 8601 with an offset, up to 7 fractional digits. */
export interface DateTimeOffsetType {
  readonly kind: "dateTimeOffset";
}

/**
 * Compared as instants: the canonical UTC text with 7 fractional digits
 * (`2017-01-01T07:58:36.6670033Z`), so any offset, precision or seconds-less spelling of the same
 * instant is equal (`src/date-time-offset.ts`, OData's grammar); `0001-01-01T00:00:00Z` in any
 * form (Graph's "unset" for non-nullable dates) is `null`. Text that is not a DateTimeOffset is
 * kept as it is and compared exactly. Sent as declared. Exported as the canonical UTC text, so a
 * second export of the same instant is byte-identical; an unset one as `0001-01-01T00:00:00Z`.
 */
export const DateTimeOffset = field(
  z
    .string()
    .regex(DATE_TIME_OFFSET_PATTERN)
    // The pattern is the grammar; the calendar and Graph's range need the parser.
    .refine((text) => !DATE_TIME_OFFSET_PATTERN.test(text) || isDateTimeOffset(text), {
      params: { code: "invalid-date-time" },
    }),
  "ISO 8601 date-time with an offset (Z or ±hh:mm), seconds optional, up to 7 fractional digits (OData's Edm.DateTimeOffset).",
  { expected: "an ISO 8601 date-time with an offset", example: DATE_TIME_OFFSET_EXAMPLE },
);

export function dateTimeOffsetBehaviour(_type: DateTimeOffsetType): PropertyBehaviour {
  return {
    ...exactValues("Edm.DateTimeOffset", DateTimeOffset),
    normalise: normaliseDateTime,
    exportValue: (live) => {
      if (typeof live !== "string") return live;
      const parsed = parseDateTimeOffset(live);
      if (!parsed.ok) return live;
      // Any spelling of "unset" is written as Graph's own, which the planner reads as unset too.
      return parsed.isMinValue ? MIN_DATE_TIME_OFFSET : formatTicks(parsed.ticks);
    },
  };
}

function normaliseDateTime(value: JsonValue | undefined): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") return value;
  const parsed = parseDateTimeOffset(value);
  if (!parsed.ok) return value;
  return parsed.isMinValue ? null : formatTicks(parsed.ticks);
}
