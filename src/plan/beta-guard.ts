import { canonicalJson } from "../canonical-json.ts";
import type { LiveObject } from "../live-object.ts";
import { isJsonObject, type JsonValue } from "../json.ts";
import { ASSIGNMENT_TARGET_BASE_PROPERTIES } from "../resources/assignment-targets.ts";
import { findResource } from "../resources/registry.ts";
import { normaliseValue } from "./normalise.ts";
import type { LiveSnapshot, Plan, PlanProblem, ResourceChange } from "./model.ts";
import { compareProblems } from "./planner.ts";
import { propertyTypeOf } from "./property-type.ts";

/**
 * A collection property (assignments) is sent whole on PATCH. On beta each target also carries
 * assignment-filter fields that v1.0 neither returns nor sends, so a PATCH through v1.0 of an
 * object whose live targets have filters (set in the portal or through beta) would clear them,
 * and no v1.0 plan could show it. Before such a write, the object is read through beta; a change
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
    const properties = v1CollectionWrites(change);
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
    const properties = v1CollectionWrites(change);
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
    const losses = properties
      .map((property) => ({ property, targets: filteredTargetsKept(change, property, live) }))
      .filter((loss) => loss.targets > 0);
    if (losses.length === 0) {
      kept.push(change);
      continue;
    }
    for (const loss of losses) {
      const targets = loss.targets === 1 ? "1 target" : `${loss.targets} targets`;
      problems.push(
        problem(
          change,
          `writing ${loss.property} through v1.0 would clear the assignment filter on ${targets}`,
          "The live targets have assignment filters (set in the Intune portal or through beta), which v1.0 neither shows nor sends. It was not written. Set metadata.graphVersion: beta on this object and state the filters on its targets (deviceAndAppManagementAssignmentFilterId and deviceAndAppManagementAssignmentFilterType), or remove the filters in Intune first.",
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

/** The assignment properties a v1.0 change writes. */
function v1CollectionWrites(change: ResourceChange): string[] {
  if (change.graphVersion !== "v1.0") return [];
  const resource = findResource(change.kind);
  return Object.keys(change.patch).filter(
    (property) => propertyTypeOf(resource, "v1.0", property).kind === "assignments",
  );
}

/**
 * How many targets the write keeps (the same target type and members, as v1.0 sees them) whose
 * beta form carries filter data: those are the filters the v1.0 PATCH would clear. A target the
 * write removes takes its filter with it, as intended.
 */
function filteredTargetsKept(
  change: ResourceChange,
  property: string,
  live: LiveObject | undefined,
): number {
  if (!live) return 0;
  const type = propertyTypeOf(findResource(change.kind), "beta", property);
  const betaTargets = normaliseValue(type, live[property], "beta");
  const sent = normaliseValue(type, change.patch[property], "v1.0");
  if (!Array.isArray(betaTargets) || !Array.isArray(sent)) return 0;
  const sentKeys = new Set(sent.map((element) => canonicalJson(withoutBetaFields(element))));
  return betaTargets.filter(
    (element) => hasBetaFields(element) && sentKeys.has(canonicalJson(withoutBetaFields(element))),
  ).length;
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

function problem(change: ResourceChange, summary: string, detail: string): PlanProblem {
  return {
    code: "would-clear-beta-data",
    tenant: change.tenant,
    address: change.address,
    summary,
    detail,
  };
}
