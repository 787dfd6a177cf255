import type { DesiredState } from "../config/model.ts";
import type { GraphOperation } from "../auth/permissions.ts";
import { readLiveState, type ReadProgressEvent } from "./read-live.ts";
import type { GraphClient } from "../graph/types.ts";
import type { LiveCollection, LiveReadFailure, LiveSnapshot, Plan } from "../plan/model.ts";
import { betaChecksFor, withholdBetaDataLoss, type BetaCheck } from "../plan/beta-guard.ts";
import { redact } from "../redact.ts";
import { oneLine } from "../one-line.ts";
import { createPlan } from "../plan/planner.ts";
import { TOOL_VERSION } from "../version.ts";
import type { DriftAttribution } from "../plan/attribution.ts";
import { attributeDrift } from "./attribute-drift.ts";
import { createConnectionPool, type ConnectionSettings } from "./connections.ts";
import {
  createTenantConcurrency,
  observedBy,
  type TenantConcurrency,
} from "./tenant-concurrency.ts";

export interface PlanRunOptions extends ConnectionSettings {
  /** The tenants to plan, already narrowed by `--tenant` / `--shard`. */
  readonly tenants: readonly string[];
  /**
   * What the run will go on to do: `write` when the plan is for `apply`, so the permission
   * preflight fails before any read when the app cannot write.
   */
  readonly operation: GraphOperation;
  /** How many tenants run at once (default: adaptive, see tenant-concurrency.ts). */
  readonly concurrency?: TenantConcurrency;
  readonly onReadProgress?: (event: ReadProgressEvent) => void;
  readonly abortSignal?: AbortSignal;
  /** Today, for the acceptances' expiry (default: the system clock). */
  readonly now?: Date;
  /**
   * Drift attribution: for the tenants with changes, read Intune's audit log over the last
   * `windowDays` days and name who last changed each drifted property. Off when absent.
   */
  readonly attribution?: { readonly windowDays: number };
}

export interface PlanRun {
  readonly plan: Plan;
  /** The connected clients, so `apply` reuses the same token and preflight. */
  readonly clientFor: (tenant: string) => Promise<GraphClient>;
  /** The tenant concurrency the reads adapted, for `apply` to go on with. */
  readonly concurrency: TenantConcurrency;
  /** Who changed the drifted properties; absent when attribution is off or nothing drifted. */
  readonly attribution?: DriftAttribution;
}

/**
 * Reads the live tenants (one GET per tenant, kind and Graph version) and plans. When the plan
 * rewrites an assignment collection through v1.0, the affected collections are read once more
 * through beta (one GET per tenant and kind) and a write that would clear beta-only data is
 * withheld (`beta-guard.ts`). With `attribution`, the drifted tenants' audit logs are read last
 * (`attribute-drift.ts`).
 */
export async function planTenants(state: DesiredState, options: PlanRunOptions): Promise<PlanRun> {
  const concurrency = options.concurrency ?? createTenantConcurrency(state);
  const clientFor = createConnectionPool(state, options.operation, {
    ...options,
    onRequest: observedBy(concurrency, options.onRequest),
  });
  const live = await readLiveState(state, clientFor, {
    tenants: options.tenants,
    forEachTenant: (groups, tenantOf, task) => concurrency.forEachTenant(groups, tenantOf, task),
    ...(options.onReadProgress === undefined ? {} : { onProgress: options.onReadProgress }),
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  });
  const plan = createPlan({
    desired: state,
    live,
    toolVersion: TOOL_VERSION,
    tenants: options.tenants,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const checks = betaChecksFor(plan);
  const guarded =
    checks.length === 0
      ? plan
      : withholdBetaDataLoss(plan, await readBetaChecks(checks, clientFor, options.abortSignal));
  // Only a plan with changes reads the audit log: a clean tenant costs no request.
  if (options.attribution === undefined || guarded.changes.length === 0)
    return { plan: guarded, clientFor, concurrency };
  const attribution = await attributeDrift(guarded, (tenant) => clientFor.auditAccess(tenant), {
    windowDays: options.attribution.windowDays,
    now: options.now ?? new Date(),
    forEachTenant: (groups, tenantOf, task) => concurrency.forEachTenant(groups, tenantOf, task),
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  });
  return { plan: guarded, clientFor, concurrency, attribution };
}

/** The beta reads of `betaChecksFor`, all at once (there is at most one per tenant and kind). */
async function readBetaChecks(
  checks: readonly BetaCheck[],
  clientFor: (tenant: string) => Promise<GraphClient>,
  abortSignal: AbortSignal | undefined,
): Promise<LiveSnapshot> {
  const results = await Promise.allSettled(
    checks.map(async (check) => {
      const client = await clientFor(check.tenant);
      return client.listCollection(
        {
          graphVersion: "beta",
          collectionPath: check.collectionPath,
          select: ["id", ...check.properties],
        },
        abortSignal === undefined ? undefined : { abortSignal },
      );
    }),
  );
  const collections: LiveCollection[] = [];
  const failures: LiveReadFailure[] = [];
  results.forEach((result, index) => {
    const { tenant, kind } = checks[index]!;
    if (result.status === "fulfilled") {
      collections.push({ tenant, kind, graphVersion: "beta", objects: result.value });
    } else {
      const message =
        result.reason instanceof Error ? result.reason.message : String(result.reason);
      failures.push({
        tenant,
        kind,
        graphVersion: "beta",
        message: redact(oneLine(message, 1000)),
      });
    }
  });
  return { collections, failures };
}
