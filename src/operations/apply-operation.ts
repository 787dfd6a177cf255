/**
 * The apply operation: a plan (fresh from `planTenants`, or saved by `plan --out` and checked
 * here against the configuration) executed through the tenants' Graph clients. The CLI parses
 * flags, shows progress and maps the result to an exit code; the wiring is here.
 */
import { applyPlan } from "../apply/applier.ts";
import type { ApplyEvent, ApplyResult } from "../apply/model.ts";
import type { DesiredState } from "../config/model.ts";
import { UserError } from "../errors.ts";
import type { GraphClient } from "../graph/types.ts";
import { declaredObjectOf, planDisagreement } from "../plan/config-agreement.ts";
import type { Plan } from "../plan/model.ts";
import { appOfTenant, createConnectionPool, type ConnectionSettings } from "./connections.ts";
import {
  createTenantConcurrency,
  observedBy,
  type TenantConcurrency,
} from "./tenant-concurrency.ts";

/**
 * A saved plan, checked before anything is written: made from this configuration (its digest,
 * and its changes agree with what the configuration declares: the digest can be forged along
 * with an edit), free of errors, and narrowed to `tenants` when a selection was given. Throws a
 * `UserError` saying what to do otherwise. `label` names the file in messages.
 */
export function checkSavedPlan(
  saved: Plan,
  state: DesiredState,
  options: { readonly label: string; readonly tenants?: readonly string[] },
): Plan {
  if (saved.configDigest !== state.digest) {
    throw new UserError(
      `the plan was made from a different configuration (digest ${saved.configDigest.slice(0, 12)}…, the files under --config now give ${state.digest.slice(0, 12)}…). Nothing was written. Run plan again on this configuration and apply the new plan.`,
    );
  }
  const disagreement = planDisagreement(saved, state);
  if (disagreement !== undefined) {
    throw new UserError(
      `the plan does not match the configuration (${disagreement}): edited by hand? Nothing was written. Run plan again on this configuration and apply the new plan.`,
    );
  }
  // As with a fresh plan: a plan that could not see every declared object is not applied.
  if (saved.problems.length > 0) {
    throw new UserError(
      `${options.label}: the plan has ${saved.problems.length} error${saved.problems.length === 1 ? "" : "s"} (shown when it was made): nothing was written. Fix them, plan again and apply the new plan.`,
    );
  }
  if (options.tenants === undefined) return saved;
  const selected = new Set(options.tenants);
  return { ...saved, changes: saved.changes.filter((change) => selected.has(change.tenant)) };
}

/** The Graph clients (write permission checked first) and tenant concurrency a saved plan runs with. */
export function connectForSavedPlan(
  state: DesiredState,
  settings: ConnectionSettings,
): {
  readonly clientFor: (tenant: string) => Promise<GraphClient>;
  readonly concurrency: TenantConcurrency;
} {
  const concurrency = createTenantConcurrency(state);
  const clientFor = createConnectionPool(state, "write", {
    ...settings,
    onRequest: observedBy(concurrency, settings.onRequest),
  });
  return { clientFor, concurrency };
}

export interface ApplyRunSettings {
  readonly clientFor: (tenant: string) => Promise<GraphClient>;
  readonly concurrency: TenantConcurrency;
  readonly failFast: boolean;
  readonly abortSignal?: AbortSignal;
  readonly onEvent: (event: ApplyEvent) => void;
}

/**
 * Executes `plan`: tenants sharing an app share its write budget, and each change's object
 * must still be the one its declared match selects.
 */
export function applyToTenants(
  plan: Plan,
  state: DesiredState,
  settings: ApplyRunSettings,
): Promise<ApplyResult> {
  return applyPlan(plan, {
    clientFor: settings.clientFor,
    appOf: appOfTenant(state),
    scheduler: settings.concurrency,
    failFast: settings.failFast,
    matchOf: (change) => declaredObjectOf(change, state)?.match,
    onEvent: settings.onEvent,
    ...(settings.abortSignal === undefined ? {} : { abortSignal: settings.abortSignal }),
  });
}
