import { canonicalJson, compareStrings } from "../../canonical-json.ts";
import { canonicalGuid } from "../../guid.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../json.ts";
import {
  ASSIGNMENT_TARGET_BASE_PROPERTIES,
  assignmentTargetTypes,
  canonicalTargetType,
  GUID_TARGET_PROPERTIES,
} from "../assignment-targets.ts";
import type { GraphVersion } from "../types.ts";
import { assignmentDiff } from "./assignment-diff.ts";
import {
  assignmentFindings,
  assignmentsV1WriteLoss,
  unknownAssignmentMembers,
} from "./assignments-rules.ts";
import { assignmentsSchema } from "./assignments-schema.ts";
import type { PropertyBehaviour } from "./behaviour.ts";

/**
 * Collection(deviceManagementPartnerAssignment): a set of assignment targets, each identified by
 * its `@odata.type` (and group or collection; see `assignment-targets.ts`).
 */
export interface AssignmentsType {
  readonly kind: "assignments";
}

export function assignmentsBehaviour(_type: AssignmentsType): PropertyBehaviour {
  return {
    edmName: "Collection(graph.deviceManagementPartnerAssignment)",
    valueSchema: assignmentsSchema,
    normalise: normaliseAssignments,
    patchValue,
    graphValue,
    // What is written is exactly what plans compare, in a stable order.
    exportValue: normaliseAssignments,
    patchProblem: assignmentsProblem,
    elementDiff: (before, after, version) =>
      assignmentDiff(normaliseAssignments(before, version), normaliseAssignments(after, version)),
    declaredValueFindings: assignmentFindings,
    v1WriteLoss: assignmentsV1WriteLoss(normaliseAssignments),
    unknownMembers: unknownAssignmentMembers,
  };
}

/**
 * The comparable form: a sorted, duplicate-free list of `{ target }` (a set): the wrapper's
 * `@odata.type` and other keys are dropped, the target's `@odata.type` is canonical (`#…`), other
 * annotations and `null` members are dropped, and so are members a known target type does not
 * have in that version (Graph adds properties), GUID members are lower-case, and on beta the
 * default filter type `none` is dropped; a `null` collection is the empty one. The result is also
 * what plans show as the live value of an assignment collection (desired-style).
 */
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

/**
 * Sent as a list of `{ target }` with the target's `@odata.type` canonical (the one annotation
 * Graph needs, to know the concrete target type), every other annotation dropped, and GUID
 * members lower-case (as Graph returns them).
 */
function patchValue(declared: JsonValue): JsonValue {
  if (!Array.isArray(declared)) return declared;
  return declared.map((element) => {
    const target = isJsonObject(element) ? element["target"] : undefined;
    if (!isJsonObject(target)) return element;
    const cleaned: JsonObject = {};
    const odataType = target["@odata.type"];
    if (typeof odataType === "string") cleaned["@odata.type"] = canonicalTargetType(odataType);
    for (const [key, value] of Object.entries(target)) {
      if (key.includes("@")) continue;
      cleaned[key] =
        GUID_TARGET_PROPERTIES.has(key) && typeof value === "string" ? canonicalGuid(value) : value;
    }
    return { target: cleaned };
  });
}

/**
 * As the desired state holds it: each assignment as `{ target }` (the wrapper's optional
 * `@odata.type` dropped), the target's `@odata.type` first, as Graph writes it, and canonical;
 * the rest as declared.
 */
function graphValue(declared: JsonValue): JsonValue {
  if (!Array.isArray(declared)) return declared;
  return declared.map((assignment) => {
    const target = isJsonObject(assignment) ? assignment["target"] : undefined;
    if (!isJsonObject(target)) return assignment;
    const canonical: JsonObject = {};
    const odataType = target["@odata.type"];
    if (odataType !== undefined) {
      canonical["@odata.type"] =
        typeof odataType === "string" ? canonicalTargetType(odataType) : odataType;
    }
    for (const [key, item] of Object.entries(target)) {
      if (key !== "@odata.type") canonical[key] = item;
    }
    return { target: canonical };
  });
}

/** Why an assignment collection is not `[{ target: { "@odata.type": …, … } }, …]`, if it is not. */
function assignmentsProblem(value: JsonValue): string | undefined {
  if (value === null) return undefined;
  if (!Array.isArray(value)) return "must be a list of assignments";
  for (const element of value) {
    if (typeof element !== "object" || element === null || Array.isArray(element)) {
      return "each assignment must be an object";
    }
    if (Object.keys(element).some((key) => key !== "target")) {
      return "an assignment has only a target";
    }
    const target = element["target"];
    if (typeof target !== "object" || target === null || Array.isArray(target)) {
      return "each assignment needs a target object";
    }
    if (typeof target["@odata.type"] !== "string") return "each target needs its @odata.type";
    if (Object.keys(target).some((key) => key !== "@odata.type" && key.includes("@"))) {
      return "a target's only annotation is @odata.type";
    }
    // Graph stores a group target without its group as null (Microsoft's SDK sends exactly that).
    if (
      /GroupAssignmentTarget$/i.test(String(target["@odata.type"])) &&
      typeof target["groupId"] !== "string"
    ) {
      return "a group target needs its groupId";
    }
  }
  return undefined;
}
