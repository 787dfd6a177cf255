import type { V1WriteLoss } from "../resources/property-types/behaviour.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import { findResource, propertyTypeOf } from "../resources/registry.ts";
import type { LiveSnapshot, Plan, PlanProblem, ResourceChange } from "./model.ts";
import { compareProblems } from "./planner.ts";

/**
 * A collection property (assignments) is sent whole on PATCH. On beta each target also carries
 * assignment-filter fields that v1.0 neither returns nor sends, so a PATCH through v1.0 of an
 * object whose live targets have filters (set in the portal or through beta) would clear them,
 * and no v1.0 plan could show it (the property type says what a v1.0 write clears:
 * `PropertyBehaviour.v1WriteLoss`). Before such a write, the object is read through beta; a change
 * that would clear beta-only data is withheld and becomes a problem that says so.
 */

/** The collections to read through beta: one per tenant and kind with such a write planned. */
export interface BetaCheck {
  readonly tenant: string;
  readonly kind: string;
  readonly collectionPath: string;
  /** The collection properties to select (besides `id`). */
  readonly properties: readonly string[];
}

/** The v1.0 changes that rewrite a collection, grouped into one beta read per tenant and kind. */
export function betaChecksFor(plan: Plan): BetaCheck[] {
  const checks = new Map<string, { check: BetaCheck; properties: Set<string> }>();
  for (const change of plan.changes) {
    const properties = v1LossyWrites(change).map(({ property }) => property);
    if (properties.length === 0) continue;
    const key = JSON.stringify([change.tenant, change.kind]);
    const entry = checks.get(key) ?? {
      check: {
        tenant: change.tenant,
        kind: change.kind,
        collectionPath: change.collectionPath,
        properties: [],
      },
      properties: new Set<string>(),
    };
    for (const property of properties) entry.properties.add(property);
    checks.set(key, entry);
  }
  return [...checks.values()].map(({ check, properties }) => ({
    ...check,
    properties: [...properties].sort(),
  }));
}

/**
 * The plan without the changes that would clear beta-only data (each one a
 * `would-clear-beta-data` problem instead). `beta` holds the collections of `betaChecksFor(plan)`
 * read through beta, or their failures: a write that could not be checked is withheld too.
 */
export function withholdBetaDataLoss(plan: Plan, beta: LiveSnapshot): Plan {
  const kept: ResourceChange[] = [];
  const problems: PlanProblem[] = [];
  for (const change of plan.changes) {
    const writes = v1LossyWrites(change);
    const properties = writes.map(({ property }) => property);
    if (properties.length === 0) {
      kept.push(change);
      continue;
    }
    const failure = beta.failures.find(
      (candidate) =>
        candidate.tenant === change.tenant &&
        (candidate.kind === undefined || candidate.kind === change.kind),
    );
    if (failure) {
      problems.push(
        problem(
          change,
          `could not read it through beta to check what writing ${properties.join(", ")} through v1.0 would clear: ${failure.message}`,
          "It was not written. Run plan again; if the beta read keeps failing, set metadata.graphVersion: beta on this object.",
        ),
      );
      continue;
    }
    const live = beta.collections
      .filter(
        (collection) => collection.tenant === change.tenant && collection.kind === change.kind,
      )
      .flatMap((collection) => collection.objects)
      .find((object) => object.id.toLowerCase() === change.liveId.toLowerCase());
    const losses = writes.flatMap(({ property, loss }) => {
      const cleared =
        live === undefined
          ? undefined
          : loss.cleared(live[property], change.patch[property] ?? null);
      return cleared === undefined ? [] : [{ property, cleared, detail: loss.detail }];
    });
    if (losses.length === 0) {
      kept.push(change);
      continue;
    }
    for (const loss of losses) {
      problems.push(
        problem(
          change,
          `writing ${loss.property} through v1.0 would clear ${loss.cleared}`,
          loss.detail,
        ),
      );
    }
  }
  if (problems.length === 0) return plan;
  return {
    ...plan,
    changes: kept,
    problems: [...plan.problems, ...problems].sort(compareProblems),
  };
}

/**
 * The properties a v1.0 change writes whose type says such a write clears data only beta shows
 * (`v1WriteLoss`: an assignment collection's filters), with that rule.
 */
function v1LossyWrites(change: ResourceChange): { property: string; loss: V1WriteLoss }[] {
  if (change.graphVersion !== "v1.0") return [];
  const resource = findResource(change.kind);
  return Object.keys(change.patch).flatMap((property) => {
    const loss = propertyBehaviour(propertyTypeOf(resource, "v1.0", property)).v1WriteLoss;
    return loss === undefined ? [] : [{ property, loss }];
  });
}

function problem(change: ResourceChange, summary: string, detail: string): PlanProblem {
  return {
    code: "would-clear-beta-data",
    tenant: change.tenant,
    address: change.address,
    summary,
    detail,
  };
}
