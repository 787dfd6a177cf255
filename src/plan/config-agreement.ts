import type { DesiredObject, DesiredState } from "../config/model.ts";
import { findResource, propertyTypeOf } from "../resources/registry.ts";
import { canonicalJson } from "../canonical-json.ts";
import type { Plan, ResourceChange } from "./model.ts";
import { declaredProperties, patchValue } from "./planner.ts";

/**
 * Whether a saved plan could have been made from this configuration: every change is for a
 * declared object (same tenant, kind, name and Graph version), matched the way it declares, and
 * writes only properties it declares, with exactly the declared values.
 *
 * A plan file's checksum only catches accidents: anyone who can edit the file can recompute it.
 * The configuration (reviewed in git, and pinned by the plan's `configDigest`) is what a plan is
 * checked against, so that `apply PLANFILE` never writes what the configuration does not say.
 *
 * Returns the first disagreement, one line, or undefined when the plan agrees.
 */
export function planDisagreement(plan: Plan, state: DesiredState): string | undefined {
  for (const change of plan.changes) {
    const problem = changeDisagreement(change, state);
    if (problem !== undefined) return `${change.address}: ${problem}`;
  }
  return undefined;
}

/** The declared object a change is for (same kind, tenant and name), if the configuration has it. */
export function declaredObjectOf(
  change: ResourceChange,
  state: DesiredState,
): DesiredObject | undefined {
  return state.objects.find(
    (candidate) =>
      candidate.kind === change.kind &&
      candidate.tenant === change.tenant &&
      candidate.name === change.name,
  );
}

function changeDisagreement(change: ResourceChange, state: DesiredState): string | undefined {
  const object = declaredObjectOf(change, state);
  if (object === undefined) return "the configuration declares no such object";
  // An edited plan must not turn an observed object into a written one.
  if (object.mode === "observe" && change.mode !== "observe") {
    return "the configuration observes this object (metadata.mode: observe), the plan would write it";
  }
  if (object.graphVersion !== change.graphVersion) {
    return `the configuration uses Graph ${object.graphVersion}, the plan ${change.graphVersion}`;
  }
  const { match } = object;
  if (match.by === "id" && match.id.toLowerCase() !== change.liveId.toLowerCase()) {
    return `the configuration matches id ${match.id}, the plan writes ${change.liveId}`;
  }
  if (match.by === "displayName" && match.displayName !== change.liveDisplayName) {
    return `the configuration matches displayName ${JSON.stringify(match.displayName)}, the plan's object is ${JSON.stringify(change.liveDisplayName)}`;
  }
  const resource = findResource(change.kind);
  if (resource === undefined) return `unknown kind ${change.kind}`;
  const declared = declaredProperties(resource, object.graphVersion, object.spec);
  if (
    change.declaredProperties !== undefined &&
    change.declaredProperties.join("\n") !== declared.join("\n")
  ) {
    return `the plan's declared properties (${change.declaredProperties.join(", ")}) are not the configuration's (${declared.join(", ")})`;
  }
  for (const { property, after } of change.changes) {
    const value = object.spec[property];
    if (value === undefined) return `the configuration does not declare ${property}`;
    const sent = patchValue(propertyTypeOf(resource, object.graphVersion, property), value);
    if (canonicalJson(sent) !== canonicalJson(after)) {
      return `${property} would be set to ${JSON.stringify(after)}, the configuration says ${JSON.stringify(sent)}`;
    }
  }
  return undefined;
}
