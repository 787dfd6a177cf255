import { canonicalJson, compareStrings } from "../../canonical-json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../json.ts";
import type { ElementChange, ElementDiff } from "./behaviour.ts";

/**
 * An assignment-collection change as set additions, removals and element-level changes (a target
 * present on both sides whose other fields differ is one change, not a removal and an addition),
 * over the two sides' normalised sets; undefined when they are not lists.
 */
export function assignmentDiff(before: JsonValue, after: JsonValue): ElementDiff | undefined {
  if (!Array.isArray(before) || !Array.isArray(after)) return undefined;
  const beforeKeys = new Set(before.map((element) => canonicalJson(element)));
  const afterKeys = new Set(after.map((element) => canonicalJson(element)));
  const added = after.filter((element) => !beforeKeys.has(canonicalJson(element)));
  const removed = before.filter((element) => !afterKeys.has(canonicalJson(element)));
  // Pair a removal with an addition of the same target: one change inside the element.
  const changed: ElementChange[] = [];
  const unpairedAdded = [...added];
  const unpairedRemoved: JsonValue[] = [];
  for (const element of removed) {
    const identity = targetIdentity(element);
    const index =
      identity === undefined
        ? -1
        : unpairedAdded.findIndex((candidate) => targetIdentity(candidate) === identity);
    if (index < 0) {
      unpairedRemoved.push(element);
      continue;
    }
    const [partner] = unpairedAdded.splice(index, 1);
    changed.push(targetChange(element, partner ?? null));
  }
  return {
    added: unpairedAdded,
    removed: unpairedRemoved,
    changed,
    kept: after.filter((element) => beforeKeys.has(canonicalJson(element))).length,
  };
}

/** Members that say which target it is; the others (filters) are its settings. */
const IDENTITY_MEMBERS = new Set(["@odata.type", "groupId", "collectionId"]);

/** The assignment with its target's identity members only (type and group or collection). */
export function withIdentityOnly(element: JsonValue): JsonValue {
  const target = isJsonObject(element) ? element["target"] : undefined;
  if (!isJsonObject(target)) return element;
  return {
    target: Object.fromEntries(Object.entries(target).filter(([key]) => IDENTITY_MEMBERS.has(key))),
  };
}

/** A target's type and group or collection, as text; undefined for a shape that is not a target. */
function targetIdentity(element: JsonValue): string | undefined {
  const target = isJsonObject(element) ? element["target"] : undefined;
  if (!isJsonObject(target)) return undefined;
  return canonicalJson(
    Object.fromEntries(Object.entries(target).filter(([key]) => IDENTITY_MEMBERS.has(key))),
  );
}

function targetChange(before: JsonValue, after: JsonValue): ElementChange {
  const members = (element: JsonValue) => {
    const target = isJsonObject(element) ? element["target"] : undefined;
    return isJsonObject(target) ? target : {};
  };
  const [from, to] = [members(before), members(after)];
  const names = [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((name) => !IDENTITY_MEMBERS.has(name))
    .sort(compareStrings);
  const shown = (target: JsonObject, name: string): JsonValue =>
    target[name] ?? (name === FILTER_TYPE ? "none" : null);
  return {
    before,
    after,
    fields: names
      .map((field) => ({ field, before: shown(from, field), after: shown(to, field) }))
      .filter((field) => canonicalJson(field.before) !== canonicalJson(field.after)),
  };
}

const FILTER_TYPE = "deviceAndAppManagementAssignmentFilterType";
