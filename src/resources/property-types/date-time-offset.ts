import { formatTicks, MIN_DATE_TIME_OFFSET, parseDateTimeOffset } from "../../date-time-offset.ts";
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
export function dateTimeOffsetBehaviour(_type: DateTimeOffsetType): PropertyBehaviour {
  return {
    ...exactValues("Edm.DateTimeOffset"),
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
