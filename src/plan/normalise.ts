import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import {
  ASSIGNMENT_TARGET_BASE_PROPERTIES,
  assignmentTargetTypes,
  canonicalTargetType,
  GUID_TARGET_PROPERTIES,
} from "../resources/assignment-targets.ts";
import { canonicalGuid } from "../guid.ts";
import type { GraphVersion, PropertyType } from "../resources/types.ts";
import { canonicalJson, compareStrings } from "../canonical-json.ts";
import { formatTicks, parseDateTimeOffset } from "../date-time-offset.ts";

/**
 * The comparable form of a property value, so that two values Graph treats as the same compare
 * equal and two it treats as different do not (no false drift, no missed drift):
 *
 * - absent (`undefined`) is `null`: Graph omits or nulls an unset property alike.
 * - `dateTimeOffset`: the instant in canonical UTC text with 7 fractional digits
 *   (`2017-01-01T07:58:36.6670033Z`), so any offset, precision or seconds-less spelling of the
 *   same instant is equal (`src/date-time-offset.ts`, OData's grammar); `0001-01-01T00:00:00Z` in
 *   any form (Graph's "unset" for non-nullable dates) is `null`. Text that is not a
 *   DateTimeOffset is kept as it is and compared exactly.
 * - `assignments`: a sorted, duplicate-free list of `{ target }` (a set): the wrapper's
 *   `@odata.type` and other keys are dropped, the target's `@odata.type` is canonical (`#…`),
 *   other annotations and `null` members are dropped, and so are members a known target type
 *   does not have in that version (Graph adds properties), GUID members are lower-case, and on
 *   beta the default filter type `none` is dropped; a `null` collection is the empty one. The result is also what plans show
 *   as the live value of an assignment collection (desired-style).
 * - GUIDs (a `string` the registry marks `holds: "guid"`, and the GUID members of targets such as
 *   `groupId`): lower-case when the text is a GUID, as Graph matches and returns them.
 * - `string`, `url`, `enum`, `boolean`: the value itself, compared exactly (no case folding, no
 *   trailing-slash games on URLs: Graph stores what it is sent).
 *
 * The applier uses this to verify its writes, so it never throws, whatever Graph sends.
 * The result is never `undefined`; the signature allows it for callers passing values through.
 */
export function normaliseValue(
  type: PropertyType,
  value: JsonValue | undefined,
  version: GraphVersion,
): JsonValue | undefined {
  switch (type.kind) {
    case "dateTimeOffset":
      return normaliseDateTime(value);
    case "assignments":
      return normaliseAssignments(value, version);
    case "string":
      return type.holds === "guid" && typeof value === "string"
        ? canonicalGuid(value)
        : (value ?? null);
    case "url":
    case "enum":
    case "boolean":
      return value ?? null;
  }
}

/** Whether two values of a property mean the same thing to Graph (see `normaliseValue`). */
export function valuesEqual(
  type: PropertyType,
  a: JsonValue | undefined,
  b: JsonValue | undefined,
  version: GraphVersion,
): boolean {
  return (
    canonicalJson(normaliseValue(type, a, version) ?? null) ===
    canonicalJson(normaliseValue(type, b, version) ?? null)
  );
}

function normaliseDateTime(value: JsonValue | undefined): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") return value;
  const parsed = parseDateTimeOffset(value);
  if (!parsed.ok) return value;
  return parsed.isMinValue ? null : formatTicks(parsed.ticks);
}

function normaliseAssignments(value: JsonValue | undefined, version: GraphVersion): JsonValue {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return value;
  const byText = new Map<string, JsonValue>();
  for (const element of value) {
    const normalised = normaliseAssignment(element, version);
    byText.set(canonicalJson(normalised), normalised);
  }
  return [...byText.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, element]) => element);
}

/** One `deviceManagementPartnerAssignment`: only its `target` matters (the wrapper has no state). */
function normaliseAssignment(element: JsonValue, version: GraphVersion): JsonValue {
  if (!isJsonObject(element)) return element;
  const target = element["target"];
  if (isJsonObject(target)) return { target: normaliseTarget(target, version) };
  return withoutAnnotations(element);
}

function normaliseTarget(target: JsonObject, version: GraphVersion): JsonObject {
  const result: JsonObject = {};
  const odataType = target["@odata.type"];
  if (odataType !== undefined) {
    result["@odata.type"] =
      typeof odataType === "string" ? canonicalTargetType(odataType) : odataType;
  }
  const known = knownTargetMembers(result["@odata.type"], version);
  for (const key of Object.keys(target).sort(compareStrings)) {
    const member = target[key]!;
    if (isAnnotation(key) || member === null) continue;
    // A member Graph added after this version of the tool (with its default on every target)
    // is not declared and cannot be: comparing it would show drift that no apply can remove.
    if (known !== undefined && !known.has(key)) continue;
    // beta's filter type is a non-nullable enum whose default is `none`: Graph returns it on
    // every target, and a target declared without a filter means exactly that.
    if (
      version === "beta" &&
      key === "deviceAndAppManagementAssignmentFilterType" &&
      member === "none"
    ) {
      continue;
    }
    result[key] =
      GUID_TARGET_PROPERTIES.has(key) && typeof member === "string"
        ? canonicalGuid(member)
        : member;
  }
  return result;
}

/** The members a known target type has in a version; undefined for a type this tool does not know. */
function knownTargetMembers(
  odataType: JsonValue | undefined,
  version: GraphVersion,
): ReadonlySet<string> | undefined {
  const type = assignmentTargetTypes(version).find(
    (candidate) => candidate.odataType === odataType,
  );
  if (type === undefined) return undefined;
  return new Set([...type.properties, ...ASSIGNMENT_TARGET_BASE_PROPERTIES[version]]);
}

function withoutAnnotations(object: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, member] of Object.entries(object)) {
    if (!isAnnotation(key)) result[key] = member;
  }
  return result;
}

/**
 * `@odata.context`, `@odata.type`, `groupId@odata.type` …: instance and property annotations.
 * The caller keeps a target's own `@odata.type` before this is asked.
 */
function isAnnotation(key: string): boolean {
  return key.includes("@");
}
