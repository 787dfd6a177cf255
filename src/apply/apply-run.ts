/**
 * What one `applyPlan` run shares between its check, write and verify phases: the one results
 * value (every change of the plan ends with exactly one result), progress events, the stop and
 * cancel signals of Ctrl-C and fail-fast, and one Graph client per tenant.
 */
import type { GraphClient } from "../graph/types.ts";
import type { Plan, ResourceChange } from "../plan/model.ts";
import { formatSeconds } from "../format-duration.ts";
import { toApplyError } from "./apply-error.ts";
import { propertiesOf, refOf } from "./change-groups.ts";
import {
  summarise,
  type ApplyError,
  type ApplyEvent,
  type ApplyResult,
  type ObjectRef,
  type ObjectResult,
  type SkipReason,
} from "./model.ts";

export interface ApplyRunOptions {
  readonly clientFor: (tenant: string) => GraphClient | Promise<GraphClient>;
  readonly onEvent?: (event: ApplyEvent) => void;
  readonly failFast?: boolean;
  readonly abortSignal?: AbortSignal;
  readonly graceInMs: number;
}

export interface ApplyRun {
  readonly emit: (event: ApplyEvent) => void;
  /** Aborted when nothing new may start: Ctrl-C, or (with failFast) the first failure. */
  readonly stopped: AbortSignal;
  /** Why nothing new may start; undefined while work goes on. */
  stopReason(): SkipReason | undefined;
  /** Aborted after an interrupt's grace: whatever is still on the wire is cancelled. */
  readonly cancelled: AbortSignal;
  /** Graph's error in the result's terms, marked interrupted when the grace cut it short. */
  errorOf(error: unknown): ApplyError;
  clientFor(tenant: string): Promise<GraphClient>;
  settle(change: ResourceChange, result: Omit<ObjectResult, keyof ObjectRef | "properties">): void;
  /** Adds to a change's result (the verify phase's findings). */
  amend(change: ResourceChange, update: Partial<ObjectResult>): void;
  fail(
    change: ResourceChange,
    phase: "check" | "write",
    error: ApplyError,
    durationMs?: number,
  ): void;
  skip(change: ResourceChange, reason: SkipReason): void;
  /** The results in plan order, with their summary. */
  finish(): ApplyResult;
  /** Stops listening to the abort signal and clears the grace timer. */
  dispose(): void;
}

export function createApplyRun(plan: Plan, options: ApplyRunOptions): ApplyRun {
  const emit = options.onEvent ?? (() => undefined);
  const results = new Map<string, ObjectResult>();

  const stopController = new AbortController();
  let stopReason: SkipReason | undefined;
  const stop = (reason: SkipReason) => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    stopController.abort(new Error(`apply stopped: ${reason}`));
  };
  const cancelController = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    stop("interrupted");
    graceTimer ??= setTimeout(
      () =>
        cancelController.abort(
          new Error(`interrupted: cancelled after the ${formatSeconds(options.graceInMs)} grace`),
        ),
      options.graceInMs,
    );
  };
  if (options.abortSignal?.aborted) onAbort();
  options.abortSignal?.addEventListener("abort", onAbort, { once: true });
  const cancelled = cancelController.signal;

  // A client per tenant, asked once; a tenant whose client cannot be made fails its objects.
  const clients = new Map<string, Promise<GraphClient>>();

  const settle: ApplyRun["settle"] = (change, result) =>
    results.set(change.address, {
      ...refOf(change),
      properties: propertiesOf(change),
      propertyChanges: change.changes,
      ...result,
    });

  return {
    emit,
    stopped: stopController.signal,
    stopReason: () => stopReason,
    cancelled,
    // A request the grace cut short failed because of the interrupt, whatever its error says.
    errorOf: (error) => ({
      ...toApplyError(error),
      ...(cancelled.aborted ? { interrupted: true } : {}),
    }),
    clientFor(tenant) {
      let client = clients.get(tenant);
      if (!client) {
        client = Promise.resolve().then(() => options.clientFor(tenant));
        clients.set(tenant, client);
      }
      return client;
    },
    settle,
    amend(change, update) {
      const result = results.get(change.address);
      if (result !== undefined) results.set(change.address, { ...result, ...update });
    },
    fail(change, phase, error, durationMs) {
      settle(change, {
        status: "failed",
        failedIn: phase,
        error,
        ...(durationMs === undefined ? {} : { durationMs }),
      });
      emit({
        type: "object-failed",
        object: refOf(change),
        phase,
        error,
        ...(durationMs === undefined ? {} : { durationMs }),
      });
      if (options.failFast) stop("fail-fast");
    },
    skip(change, reason) {
      settle(change, { status: "skipped", skipReason: reason });
      emit({ type: "object-skipped", object: refOf(change), reason });
    },
    finish() {
      const ordered = plan.changes.map((change) => {
        const result = results.get(change.address);
        if (!result) throw new Error(`internal error: no apply result for ${change.address}`);
        return result;
      });
      const summary = summarise(ordered);
      // Interrupted means something was left unwritten because of it, not merely that the
      // signal fired (during the read-back, say).
      const interrupted = ordered.some((result) => result.skipReason === "interrupted");
      return { results: ordered, summary, refusedAsStale: summary.stale > 0, interrupted };
    },
    dispose() {
      clearTimeout(graceTimer);
      options.abortSignal?.removeEventListener("abort", onAbort);
    },
  };
}
