import type { DesiredState } from "../config/model.ts";
import type { GraphOperation } from "../auth/permissions.ts";
import { readLiveState, type ReadProgressEvent } from "../graph/read-live.ts";
import type { GraphClient } from "../graph/types.ts";
import type { Plan } from "../plan/model.ts";
import { createPlan } from "../plan/planner.ts";
import { TOOL_VERSION } from "../version.ts";
import { createConnectionPool, type ConnectionSettings } from "./connections.ts";

export interface PlanRunOptions extends ConnectionSettings {
  /** The tenants to plan, already narrowed by `--tenant` / `--shard`. */
  readonly tenants: readonly string[];
  /**
   * What the run will go on to do: `write` when the plan is for `apply`, so the permission
   * preflight fails before any read when the app cannot write.
   */
  readonly operation: GraphOperation;
  /** Tenants read at once (default 8). */
  readonly concurrency?: number;
  readonly onReadProgress?: (event: ReadProgressEvent) => void;
  readonly abortSignal?: AbortSignal;
}

export interface PlanRun {
  readonly plan: Plan;
  /** The connected clients, so `apply` reuses the same token and preflight. */
  readonly clientFor: (tenant: string) => Promise<GraphClient>;
}

/** Reads the live tenants (one GET per tenant, kind and Graph version) and plans. */
export async function planTenants(state: DesiredState, options: PlanRunOptions): Promise<PlanRun> {
  const clientFor = createConnectionPool(state, options.operation, options);
  const live = await readLiveState(state, clientFor, {
    tenants: options.tenants,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.onReadProgress === undefined ? {} : { onProgress: options.onReadProgress }),
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  });
  const plan = createPlan({
    desired: state,
    live,
    toolVersion: TOOL_VERSION,
    tenants: options.tenants,
  });
  return { plan, clientFor };
}
