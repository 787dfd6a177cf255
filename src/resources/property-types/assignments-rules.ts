import { canonicalJson } from "../../canonical-json.ts";
import { canonicalGuid, isUpperCaseGuid } from "../../guid.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../json.ts";
import { oneLine } from "../../one-line.ts";
import {
  ASSIGNMENT_TARGET_BASE_PROPERTIES,
  assignmentTargetTypes,
  canonicalTargetType,
  GUID_TARGET_PROPERTIES,
} from "../assignment-targets.ts";
import type { GraphVersion } from "../types.ts";
import type { V1WriteLoss, ValueFinding } from "./behaviour.ts";
import { upperCaseGuidFinding } from "./guid-findings.ts";

/**
 * The rules about assignment collections that stages other than the planner ask for
 * (`PropertyBehaviour`'s optional capabilities): validate's findings on a declared collection,
 * the beta guard's count of filters a v1.0 write would clear, and doctor's watch for members
 * Graph added.
 */

/** A target listed twice (an error: assignments are a set), and targets' GUIDs in upper case. */
export function assignmentFindings(value: JsonValue): ValueFinding[] {
  if (!Array.isArray(value)) return [];
  return [...duplicateTargets(value), ...upperCaseTargetGuids(value)];
}

/** Assignments are a set: the same target twice is a mistake, and Graph would reject it. */
function duplicateTargets(items: readonly JsonValue[]): ValueFinding[] {
  const findings: ValueFinding[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const target = isJsonObject(item) ? item["target"] : undefined;
    if (!isJsonObject(target)) return;
    const key = targetKey(target);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    findings.push({
      severity: "error",
      code: "duplicate-target",
      path: [index],
      text: ({ name, at }) => ({
        summary: `${name([index])} is the same target as ${name([first])}`,
        detail: `remove one of them (the first is at ${at([first])}): assignments are a set`,
      }),
    });
  });
  return findings;
}

/** A target's members as compared: the canonical `@odata.type`, GUIDs lower-case. */
function targetKey(target: JsonObject): string {
  const entries = Object.keys(target)
    .sort()
    .map((key) => {
      const value = target[key];
      if (key === "@odata.type" && typeof value === "string")
        return [key, canonicalTargetType(value)];
      if (GUID_TARGET_PROPERTIES.has(key) && typeof value === "string")
        return [key, canonicalGuid(value)];
      return [key, value];
    });
  return JSON.stringify(entries);
}

function upperCaseTargetGuids(items: readonly JsonValue[]): ValueFinding[] {
  return items.flatMap((item, index) => {
    const target = isJsonObject(item) ? item["target"] : undefined;
    if (!isJsonObject(target)) return [];
    return Object.keys(target).flatMap((key) => {
      const value = target[key];
      return GUID_TARGET_PROPERTIES.has(key) && typeof value === "string" && isUpperCaseGuid(value)
        ? [upperCaseGuidFinding([index, "target", key], value)]
        : [];
    });
  });
}

/**
 * On beta each target also carries assignment-filter fields that v1.0 neither returns nor sends,
 * so a v1.0 PATCH of the collection clears them. What it clears: the targets the write keeps (the
 * same target type and members, as v1.0 sees them) whose beta form carries filter data. A target
 * the write removes takes its filter with it, as intended.
 */
export function assignmentsV1WriteLoss(
  normalise: (value: JsonValue | undefined, version: GraphVersion) => JsonValue,
): V1WriteLoss {
  return {
    cleared: (betaLive, sent) => {
      if (betaLive === undefined) return undefined;
      const betaTargets = normalise(betaLive, "beta");
      const written = normalise(sent, "v1.0");
      if (!Array.isArray(betaTargets) || !Array.isArray(written)) return undefined;
      const sentKeys = new Set(written.map((element) => canonicalJson(withoutBetaFields(element))));
      const kept = betaTargets.filter(
        (element) =>
          hasBetaFields(element) && sentKeys.has(canonicalJson(withoutBetaFields(element))),
      ).length;
      if (kept === 0) return undefined;
      return `the assignment filter on ${kept === 1 ? "1 target" : `${kept} targets`}`;
    },
    detail:
      "The live targets have assignment filters (set in the Intune portal or through beta), which v1.0 neither shows nor sends. It was not written. Set metadata.graphVersion: beta on this object and state the filters on its targets (deviceAndAppManagementAssignmentFilterId and deviceAndAppManagementAssignmentFilterType), or remove the filters in Intune first.",
  };
}

const BETA_ONLY = ASSIGNMENT_TARGET_BASE_PROPERTIES.beta.filter(
  (name) => !ASSIGNMENT_TARGET_BASE_PROPERTIES["v1.0"].includes(name),
);

/** Normalised beta targets drop the default filter type, so any beta-only member left is data. */
function hasBetaFields(element: JsonValue): boolean {
  const target = isJsonObject(element) ? element["target"] : undefined;
  return isJsonObject(target) && BETA_ONLY.some((name) => target[name] !== undefined);
}

function withoutBetaFields(element: JsonValue): JsonValue {
  const target = isJsonObject(element) ? element["target"] : undefined;
  if (!isJsonObject(target)) return element;
  const stripped = Object.fromEntries(
    Object.entries(target).filter(([name]) => !BETA_ONLY.includes(name)),
  );
  return { target: stripped };
}

/**
 * Inside an assignment list Graph returned: members of an assignment other than `target`, target
 * types the registry does not list, and target members its type does not have, as `[].member`,
 * `[].target (#type)` and `[].target.member`.
 */
export function unknownAssignmentMembers(value: JsonValue, version: GraphVersion): string[] {
  if (!Array.isArray(value)) return [];
  const found: string[] = [];
  const types = assignmentTargetTypes(version);
  for (const element of value.filter(isJsonObject)) {
    for (const key of Object.keys(element)) {
      if (key !== "target" && !isAnnotation(key)) found.push(`[].${key}`);
    }
    const target = element["target"];
    if (!isJsonObject(target)) continue;
    const odataType = target["@odata.type"];
    const type =
      typeof odataType === "string"
        ? types.find(
            (candidate) =>
              canonicalTargetType(candidate.odataType) === canonicalTargetType(odataType),
          )
        : undefined;
    if (type === undefined) {
      const shownType = typeof odataType === "string" ? oneLine(odataType, 100) : "no @odata.type";
      found.push(`[].target (${shownType})`);
      continue;
    }
    const known = new Set([...ASSIGNMENT_TARGET_BASE_PROPERTIES[version], ...type.properties]);
    for (const key of Object.keys(target)) {
      if (!known.has(key) && !isAnnotation(key)) found.push(`[].target.${key}`);
    }
  }
  return found;
}

/** An instance or property annotation, as doctor reads Graph's answers. */
function isAnnotation(name: string): boolean {
  return name.startsWith("@") || name.includes("@odata.");
}
