/**
 * Phase 3 of applying a plan: read back each collection written to (one `listCollection` each)
 * and compare every changed property; a value the server holds differently is `not-converged`.
 */
import type { LiveObject } from "../live-object.ts";
import type { Plan, ResourceChange } from "../plan/model.ts";
import { normaliseValue, valuesEqual } from "../plan/normalise.ts";
import type { ApplyRun } from "./apply-run.ts";
import {
  groupByTenant,
  groupChanges,
  inPlanOrder,
  propertyTypeOf,
  refOf,
  tenantOfGroup,
  type ChangeGroup,
} from "./change-groups.ts";
import type { NotConvergedProperty } from "./model.ts";
import { readCollections } from "./read-collections.ts";
import type { ApplyScheduler } from "./scheduler.ts";

export async function verifyWritten(
  run: ApplyRun,
  plan: Plan,
  written: readonly ResourceChange[],
  scheduler: ApplyScheduler,
): Promise<void> {
  const verifyGroups = groupChanges(inPlanOrder(plan, written));
  if (verifyGroups.length > 0) {
    run.emit({ type: "verify-started", collections: verifyGroups.length, objects: written.length });
  }
  await scheduler.forEachTenant(groupByTenant(verifyGroups), tenantOfGroup, (tenantGroups) =>
    readCollections(run, tenantGroups, run.cancelled, {
      failed(group, error) {
        const verifyError = run.errorOf(error);
        for (const change of group.changes) run.amend(change, { verifyError });
        run.emit({
          type: "verify-failed",
          tenant: group.tenant,
          kind: group.resource.kind,
          graphVersion: group.graphVersion,
          error: verifyError,
          objects: group.changes.map(refOf),
        });
      },
      read(group, live) {
        const byId = new Map(live.map((object) => [object.id, object]));
        for (const change of group.changes) {
          const notConverged = unconverged(group, change, byId.get(change.liveId));
          if (notConverged.length === 0) {
            run.emit({ type: "object-verified", object: refOf(change) });
            continue;
          }
          run.amend(change, { status: "not-converged", notConverged });
          run.emit({ type: "object-not-converged", object: refOf(change), notConverged });
        }
      },
    }),
  );
}

/** The changed properties whose read-back value differs from the plan's; all of them when the object is gone. */
function unconverged(
  group: ChangeGroup,
  change: ResourceChange,
  object: LiveObject | undefined,
): NotConvergedProperty[] {
  return change.changes
    .filter(
      ({ property, after }) =>
        !object ||
        !valuesEqual(propertyTypeOf(change, property), after, object[property], group.graphVersion),
    )
    .map(({ property, after }) => ({
      property,
      desired: after,
      live: object
        ? normaliseValue(propertyTypeOf(change, property), object[property], group.graphVersion)
        : undefined,
    }));
}
