import type { GraphClient } from "../graph/types.ts";
import type { Plan, ResourceChange } from "../plan/model.ts";
import type { ObjectMatch } from "../config/model.ts";
import { createApplyRun } from "./apply-run.ts";
import { checkPlan } from "./check.ts";
import { groupChanges, inPlanOrder } from "./change-groups.ts";
import type { ApplyEvent, ApplyResult } from "./model.ts";
import { fixedScheduler, type ApplyScheduler } from "./scheduler.ts";
import { verifyWritten } from "./verify.ts";
import { writeChanges } from "./write.ts";
import {
  abortableSleep,
  createWriteWindow,
  DEFAULT_APP_WRITE_BUDGET,
  DEFAULT_WRITE_BUDGET,
  type WriteWindow,
} from "./write-budget.ts";

export type { ApplyScheduler } from "./scheduler.ts";

export interface ApplyOptions {
  /** The Graph client for a tenant (asked once per tenant, and only for tenants with changes). */
  readonly clientFor: (tenant: string) => GraphClient | Promise<GraphClient>;
  /** PATCHes in flight per tenant (default 4). */
  readonly concurrencyPerTenant?: number;
  /** Tenants worked on at the same time (default 8; ignored when `scheduler` decides). */
  readonly concurrentTenants?: number;
  /**
   * Decides how many tenants, and how many writes within a tenant, run at once (the CLI's adapts
   * to throttling: operations/tenant-concurrency.ts). Default: `concurrentTenants` and
   * `concurrencyPerTenant`, fixed.
   */
  readonly scheduler?: ApplyScheduler;
  /**
   * PATCH requests that may start per tenant in any window of `perMs`, every retry included
   * (default 80 per 20 000 ms: under Intune's 100 writes per 20 s per app per tenant even when
   * the server does not throttle).
   */
  readonly writeBudget?: { readonly writes: number; readonly perMs: number };
  /**
   * PATCH requests that may start per app across all its tenants in any window of `perMs`
   * (default 2,000 per 20 000 ms, `DEFAULT_APP_WRITE_BUDGET`).
   */
  readonly appWriteBudget?: { readonly writes: number; readonly perMs: number };
  /**
   * The app a tenant signs in with (its client id), so that tenants sharing an app share its
   * budget. By default every tenant counts as the same app: the safe side.
   */
  readonly appOf?: (tenant: string) => string;
  /**
   * After this many PATCH attempts in a row in one tenant answered 429, 5xx or nothing, no more
   * are sent to it; its remaining writes are `skipped` (`circuit-open`). Default 10
   * (`DEFAULT_CIRCUIT_BREAKER`).
   */
  readonly circuitBreaker?: { readonly consecutiveFailures: number };
  /** Stop starting writes after the first failure; the rest are `skipped` (`fail-fast`). */
  readonly failFast?: boolean;
  /**
   * Ctrl-C / SIGTERM: no new write and no new attempt starts (a write waiting to be retried is
   * stopped and reported failed), writes on the wire get `graceInMs` to finish, the rest are
   * `skipped` (`interrupted`). Reads before writing are cancelled; the read-back still runs within
   * the grace, so the result tells what was written.
   */
  readonly abortSignal?: AbortSignal;
  /**
   * After `abortSignal`, how long requests on the wire (and the read-back) may go on before they
   * are cancelled (default 2000 ms): the summary must be out within seconds of a signal, before
   * CI's SIGKILL.
   */
  readonly graceInMs?: number;
  /**
   * The declared match of a change's object (from the configuration, not the plan: a plan file
   * can be edited). When given, the check phase runs the match rule again on its fresh read: the
   * object the plan writes must still be the one and only object the match selects, else it is
   * `stale` (a same-named twin appeared, or the plan was re-aimed at one).
   */
  readonly matchOf?: (change: ResourceChange) => ObjectMatch | undefined;
  /** Progress, as it happens. Must not throw. */
  readonly onEvent?: (event: ApplyEvent) => void;
  /** Injectable clock for tests (default `Date.now`). */
  readonly now?: () => number;
  /** Injectable sleep for tests (default `setTimeout`; must reject when the signal aborts). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How long requests on the wire may go on after Ctrl-C / SIGTERM. */
export const DEFAULT_GRACE_IN_MS = 2_000;

/**
 * Executes a plan, in three phases:
 *
 * 1. **Check.** Re-read every collection the plan writes to (one `listCollection` per tenant,
 *    kind and Graph version) and recompute each object's fingerprint. An object whose fingerprint
 *    moved, whose displayName is not the plan's, that is no longer the one object its declared
 *    match selects (`matchOf`), or that vanished, is `stale`; when any object is
 *    stale NOTHING is written (the plan as a whole no longer describes what was reviewed; the
 *    fix is to plan again). A collection that cannot be read fails its own objects only: they
 *    were not shown to be stale.
 * 2. **Write.** Each change's `patch` body exactly as the plan holds it (nothing added), with
 *    bounded concurrency and a write budget per tenant. A failure does not stop the others
 *    unless `failFast`.
 * 3. **Verify.** Read back each collection written to (one `listCollection` each again) and
 *    compare every changed property; a value the server holds differently is `not-converged`.
 *
 * Never throws for a Graph or auth failure (those are per-object results); throws `UserError`
 * only for a plan this tool cannot execute (an unknown kind or property).
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const groups = groupChanges(plan.changes);
  const scheduler =
    options.scheduler ??
    fixedScheduler(options.concurrentTenants ?? 8, options.concurrencyPerTenant ?? 4);
  const appBudget = options.appWriteBudget ?? DEFAULT_APP_WRITE_BUDGET;
  const appWindows = new Map<string, WriteWindow>();
  const appWindowOf = (tenant: string): WriteWindow => {
    const app = options.appOf?.(tenant) ?? "";
    let window = appWindows.get(app);
    if (window === undefined) {
      window = createWriteWindow(appBudget);
      appWindows.set(app, window);
    }
    return window;
  };
  const run = createApplyRun(plan, {
    clientFor: options.clientFor,
    graceInMs: options.graceInMs ?? DEFAULT_GRACE_IN_MS,
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(options.failFast === undefined ? {} : { failFast: options.failFast }),
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  });
  try {
    const { current, staleCount } = await checkPlan(run, plan, groups, scheduler, options.matchOf);
    if (staleCount > 0) {
      run.emit({ type: "refused", staleObjects: staleCount });
      for (const change of inPlanOrder(plan, current)) run.skip(change, "plan-stale");
      return run.finish();
    }
    const written = await writeChanges(run, inPlanOrder(plan, current), {
      scheduler,
      budget: options.writeBudget ?? DEFAULT_WRITE_BUDGET,
      appWindowOf,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? abortableSleep,
      ...(options.circuitBreaker === undefined ? {} : { circuitBreaker: options.circuitBreaker }),
      ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
    });
    await verifyWritten(run, plan, written, scheduler);
    return run.finish();
  } finally {
    run.dispose();
  }
}
