/**
 * Phase 1 of applying a plan: is it still current? Re-reads every collection the plan writes
 * to and settles each object `stale` (with what moved), `already-applied`, or leaves it current
 * for the write phase. A collection that cannot be read fails its own objects only: they were
 * not shown to be stale.
 */
import type { ObjectMatch } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import type { LiveObject } from "../live-object.ts";
import type { Plan, ResourceChange } from "../plan/model.ts";
import { fingerprintObject } from "../plan/fingerprint.ts";
import { normaliseValue, valuesEqual } from "../plan/normalise.ts";
import { liveMatches } from "../plan/planner.ts";
import type { ApplyRun } from "./apply-run.ts";
import { toApplyError } from "./apply-error.ts";
import type { ApplyScheduler } from "./scheduler.ts";
import {
  fingerprintPropertiesOf,
  groupByTenant,
  propertiesOf,
  propertyTypeOf,
  refOf,
  showValue,
  tenantOfGroup,
  type ChangeGroup,
} from "./change-groups.ts";
import { readCollections } from "./read-collections.ts";

export interface CheckOutcome {
  /** The changes still to write, in no particular order. */
  readonly current: ResourceChange[];
  readonly staleCount: number;
}

export async function checkPlan(
  run: ApplyRun,
  plan: Plan,
  groups: readonly ChangeGroup[],
  scheduler: ApplyScheduler,
  matchOf: ((change: ResourceChange) => ObjectMatch | undefined) | undefined,
): Promise<CheckOutcome> {
  const tenants = groupByTenant(groups);
  run.emit({
    type: "check-started",
    tenants: tenants.length,
    collections: groups.length,
    objects: plan.changes.length,
  });
  const current: ResourceChange[] = [];
  let staleCount = 0;
  const skipGroup = (group: ChangeGroup, reason: ReturnType<ApplyRun["stopReason"]>) => {
    if (reason === undefined) return false;
    group.changes.forEach((change) => run.skip(change, reason));
    return true;
  };
  await scheduler.forEachTenant(tenants, tenantOfGroup, (tenantGroups) =>
    readCollections(run, tenantGroups, run.stopped, {
      before: (group) => skipGroup(group, run.stopReason()),
      failed(group, error) {
        // A read cancelled because we are stopping says nothing about the objects.
        if (!skipGroup(group, run.stopReason())) {
          group.changes.forEach((change) => run.fail(change, "check", toApplyError(error)));
        }
      },
      read(group, live) {
        const byId = new Map(live.map((object) => [object.id, object]));
        for (const change of group.changes) {
          const object = byId.get(change.liveId);
          const match = matchOf?.(change);
          // The match rule first: a twin that appeared since makes the plan's target doubtful.
          const matchProblem =
            match === undefined ? undefined : matchReason(group, change, match, live);
          const check: ObjectCheck =
            matchProblem !== undefined
              ? { stale: matchProblem }
              : object
                ? checkObject(group, change, object)
                : { stale: vanishedReason(change) };
          if (check === "current") {
            current.push(change);
            continue;
          }
          if (check === "already-applied") {
            run.settle(change, { status: "already-applied" });
            run.emit({ type: "object-already-applied", object: refOf(change) });
            continue;
          }
          const reason = check.stale;
          staleCount++;
          run.settle(change, { status: "stale", staleReason: reason });
          run.emit({ type: "object-stale", object: refOf(change), reason });
        }
      },
    }),
  );
  return { current, staleCount };
}

/** See `checkObject`. */
type ObjectCheck = "current" | "already-applied" | { readonly stale: string };

/**
 * Whether the plan still describes the live object: `current` when it has the fingerprint the
 * plan saw; `already-applied` when it holds the plan's values and nothing else declared moved
 * (the plan's own earlier write, so running a saved plan again finishes it); else what moved.
 */
function checkObject(group: ChangeGroup, change: ResourceChange, object: LiveObject): ObjectCheck {
  const fingerprint = (candidate: LiveObject) =>
    fingerprintObject(
      group.resource,
      group.graphVersion,
      candidate,
      fingerprintPropertiesOf(change),
    );
  // The object as the plan saw it, if only the plan's own changes were made since.
  const planned = new Map(change.changes.map(({ property, before }) => [property, before]));
  const asPlanned: LiveObject = {
    ...Object.fromEntries(Object.entries(object).filter(([property]) => !planned.has(property))),
    ...Object.fromEntries(
      [...planned].filter((entry): entry is [string, JsonValue] => entry[1] !== undefined),
    ),
    id: object.id,
  };
  const othersUnmoved = fingerprint(asPlanned) === change.fingerprint;
  const holds = (property: string, value: JsonValue | undefined) =>
    valuesEqual(propertyTypeOf(change, property), value, object[property], group.graphVersion);
  // The object must still be the one the plan matched and the reviewer saw: a rename since, or a
  // plan file edited to aim at another object, is caught here (the fingerprint covers only the
  // declared properties, which two objects may share). A rename the plan itself makes is fine.
  const displayName = object["displayName"] ?? null;
  const renamedByPlan = change.changes.some(
    ({ property, after }) => property === "displayName" && holds(property, after),
  );
  if (displayName !== change.liveDisplayName && !renamedByPlan) {
    return {
      stale: `its displayName is now ${showValue(displayName)} (the plan saw ${showValue(change.liveDisplayName)})`,
    };
  }
  if (fingerprint(object) === change.fingerprint) return "current";
  if (othersUnmoved && change.changes.every(({ property, after }) => holds(property, after))) {
    return "already-applied";
  }
  const moved = change.changes
    .filter(({ property, before, after }) => !holds(property, before) && !holds(property, after))
    .map(({ property, before }) => {
      const live = normaliseValue(
        propertyTypeOf(change, property),
        object[property],
        group.graphVersion,
      );
      return `${property} is now ${showValue(live)} (the plan saw ${showValue(before)})`;
    });
  if (!othersUnmoved) {
    // Declared but unchanged by the plan: which one moved is not in the plan (only its
    // fingerprint), so name each with its live value; with one candidate, that is the one.
    const changed = new Set(propertiesOf(change));
    const others = fingerprintPropertiesOf(change)
      .filter((property) => !changed.has(property))
      .map((property) => ({
        property,
        live: showValue(
          normaliseValue(propertyTypeOf(change, property), object[property], group.graphVersion),
        ),
      }));
    const [only] = others;
    if (only !== undefined && others.length === 1) {
      moved.push(`${only.property} is now ${only.live} (the plan saw the configuration's value)`);
    } else if (others.length > 1) {
      const list = others.map(({ property, live }) => `${property} (now ${live})`).join(", ");
      moved.push(`one of ${list} is no longer the value the plan saw`);
    }
  }
  return {
    stale:
      moved.length > 0 ? moved.join("; ") : "a declared property changed since the plan was made",
  };
}

/** Undefined when `match` still selects exactly the plan's object; else why it does not. */
function matchReason(
  group: ChangeGroup,
  change: ResourceChange,
  match: ObjectMatch,
  live: readonly LiveObject[],
): string | undefined {
  const found = liveMatches(match, group.resource, live);
  const [only, ...others] = found;
  if (only?.id === change.liveId && others.length === 0) return undefined;
  const what =
    match.by === "id" ? `id ${match.id}` : `displayName ${JSON.stringify(match.displayName)}`;
  if (only === undefined) return `no live object has ${what} any more`;
  if (others.length > 0) {
    return `${found.length} live objects have ${what} (ids ${found.map((object) => object.id).join(", ")}): plan refuses that match as ambiguous, so the plan's object (id ${change.liveId}) cannot be told apart`;
  }
  return `the object with ${what} is ${only.id}, not the plan's ${change.liveId}`;
}

function vanishedReason(change: ResourceChange): string {
  return `the object (id ${change.liveId}) no longer exists`;
}
