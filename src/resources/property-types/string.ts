import { canonicalGuid, isUpperCaseGuid } from "../../guid.ts";
import type { JsonValue } from "../../json.ts";
import { z } from "../../zod.ts";
import { exactValues, type PropertyBehaviour } from "./behaviour.ts";
import { upperCaseGuidFinding } from "./guid-findings.ts";

/** Edm.String. */
export interface StringType {
  readonly kind: "string";
  /**
   * `guid` marks a string whose values are GUIDs: compared regardless of case, and sent and
   * exported lower-case when the text is a GUID, as Graph matches and returns them (`src/guid.ts`).
   */
  readonly holds?: "guid";
}

export function stringBehaviour(type: StringType): PropertyBehaviour {
  const exact = exactValues("Edm.String", z.string());
  if (type.holds !== "guid") return exact;
  const lowerCase = (value: JsonValue): JsonValue =>
    typeof value === "string" ? canonicalGuid(value) : value;
  return {
    ...exact,
    normalise: (value) => lowerCase(value ?? null),
    patchValue: lowerCase,
    exportValue: lowerCase,
    declaredValueFindings: (value) =>
      typeof value === "string" && isUpperCaseGuid(value) ? [upperCaseGuidFinding([], value)] : [],
  };
}
