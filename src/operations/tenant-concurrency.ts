import { AdaptiveLimit, forEachAdaptive } from "../adaptive-limit.ts";
import type { ApplyScheduler } from "../apply/scheduler.ts";
import type { DesiredState } from "../config/model.ts";
import type { GraphRequestEvent } from "../graph/client.ts";
import { appOfTenant } from "./connections.ts";

/**
 * Tenants in flight at the start, per app registration. A plan is two round trips per tenant
 * (a token, then its collections at once), so the run's wall time is mostly how many tenants
 * overlap: 8 at once made a 500-tenant plan 63 rounds of latency, 32 makes it 16.
 */
export const INITIAL_TENANTS_PER_APP = 32;
/** PATCHes in flight per tenant at the start (Intune allows 100 per 20 s per app and tenant). */
export const INITIAL_WRITES_PER_TENANT = 4;

/**
 * How many tenants, and how many writes within a tenant, run at once: limits that start high
 * and back off when Graph pushes back (a 429 or a 5xx), fed by the Graph client's request
 * events (`observe`).
 * - per app registration: Graph throttles an app across the tenants it works in, so a tenant's
 *   429 halves the tenants in flight for its app (tenants of other apps are not held back);
 * - per tenant: Intune throttles per app and tenant, so a tenant's 429 also halves that tenant's
 *   writes in flight. The write budget (apply/write-budget.ts) still caps the rate on top.
 * Both grow back while requests succeed, up to where they started.
 */
export interface TenantConcurrency extends ApplyScheduler {
  /** A request's outcome: feed it every `GraphRequestEvent`. */
  observe(event: GraphRequestEvent): void;
}

export interface TenantConcurrencyOptions {
  readonly tenantsPerApp?: number;
  readonly writesPerTenant?: number;
}

export function createTenantConcurrency(
  state: DesiredState,
  options: TenantConcurrencyOptions = {},
): TenantConcurrency {
  const tenantsPerApp = options.tenantsPerApp ?? INITIAL_TENANTS_PER_APP;
  const writesPerTenant = options.writesPerTenant ?? INITIAL_WRITES_PER_TENANT;
  const appOf = appOfTenant(state);
  const knownTenants = new Set(state.tenants.map((tenant) => tenant.name));
  const appLimits = new Map<string, AdaptiveLimit>();
  const writeLimits = new Map<string, AdaptiveLimit>();
  const appLimit = (tenant: string): AdaptiveLimit => {
    // The same app key as the per-app write budget; a tenant outside the configuration alone.
    const key = knownTenants.has(tenant) ? appOf(tenant) : `tenant:${tenant}`;
    let limit = appLimits.get(key);
    if (limit === undefined) {
      limit = new AdaptiveLimit({ initial: tenantsPerApp });
      appLimits.set(key, limit);
    }
    return limit;
  };
  const writeLimit = (tenant: string): AdaptiveLimit => {
    let limit = writeLimits.get(tenant);
    if (limit === undefined) {
      limit = new AdaptiveLimit({ initial: writesPerTenant });
      writeLimits.set(tenant, limit);
    }
    return limit;
  };
  return {
    forEachTenant: (groups, tenantOf, task) =>
      forEachAdaptive(groups, (group) => [appLimit(tenantOf(group))], task),
    forEachWrite: (tenant, items, task) => forEachAdaptive(items, () => [writeLimit(tenant)], task),
    observe(event) {
      if (event.status === 429 || (event.status !== undefined && event.status >= 500)) {
        appLimit(event.tenant).throttled();
        writeLimit(event.tenant).throttled();
      } else if (event.status !== undefined && event.status < 400) {
        appLimit(event.tenant).succeeded();
        writeLimit(event.tenant).succeeded();
      }
    },
  };
}

/** A request hook that feeds `concurrency` and then `next` (the caller's own hook, if any). */
export function observedBy(
  concurrency: TenantConcurrency,
  next?: (event: GraphRequestEvent) => void,
): (event: GraphRequestEvent) => void {
  return (event) => {
    concurrency.observe(event);
    next?.(event);
  };
}
