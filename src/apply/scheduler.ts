import { forEachLimited } from "../for-each-limited.ts";

/** See `ApplyOptions.scheduler`. */
export interface ApplyScheduler {
  /** Runs `task` per group, starting groups in order as their tenant (or its app) has room. */
  forEachTenant<T>(
    groups: readonly T[],
    tenantOf: (group: T) => string,
    task: (group: T) => Promise<void>,
  ): Promise<void>;
  /** Runs `task` per item of one tenant, as many at once as that tenant's write limit allows. */
  forEachWrite<T>(
    tenant: string,
    items: readonly T[],
    task: (item: T) => Promise<void>,
  ): Promise<void>;
}

export function fixedScheduler(tenants: number, writesPerTenant: number): ApplyScheduler {
  return {
    forEachTenant: (groups, _tenantOf, task) => forEachLimited(groups, tenants, task),
    forEachWrite: (_tenant, items, task) => forEachLimited(items, writesPerTenant, task),
  };
}
