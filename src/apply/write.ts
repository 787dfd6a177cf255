/**
 * Phase 2 of applying a plan: each change's `patch` body exactly as the plan holds it (nothing
 * added), with bounded concurrency, a write budget per tenant and per app, and a circuit breaker
 * per tenant. A failure does not stop the others unless `failFast`.
 */
import type { GraphClient } from "../graph/types.ts";
import type { JsonValue } from "../json.ts";
import type { LiveObject } from "../live-object.ts";
import type { ResourceChange } from "../plan/model.ts";
import { normaliseValue, valuesEqual } from "../plan/normalise.ts";
import { toApplyError } from "./apply-error.ts";
import type { ApplyRun } from "./apply-run.ts";
import {
  groupByTenant,
  propertiesOf,
  propertyTypeOf,
  refOf,
  showValue,
  tenantOfGroup,
} from "./change-groups.ts";
import {
  CircuitOpenError,
  createCircuitBreaker,
  DEFAULT_CIRCUIT_BREAKER,
} from "./circuit-breaker.ts";
import type { SkipReason } from "./model.ts";
import type { ApplyScheduler } from "./scheduler.ts";
import { createWriteBudget, type WriteWindow } from "./write-budget.ts";

export interface WriteLimits {
  readonly scheduler: ApplyScheduler;
  readonly budget: { readonly writes: number; readonly perMs: number };
  /** The write window of the app a tenant signs in with, shared by that app's tenants. */
  readonly appWindowOf: (tenant: string) => WriteWindow;
  readonly circuitBreaker?: { readonly consecutiveFailures: number };
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Ctrl-C / SIGTERM: no retry starts once it fires (the attempt on the wire may finish). */
  readonly abortSignal?: AbortSignal;
}

/** Writes `toWrite` (in plan order); returns the changes written, in completion order. */
export async function writeChanges(
  run: ApplyRun,
  toWrite: readonly ResourceChange[],
  limits: WriteLimits,
): Promise<ResourceChange[]> {
  const { budget, now } = limits;
  const written: ResourceChange[] = [];
  run.emit({ type: "write-started", objects: toWrite.length });
  await limits.scheduler.forEachTenant(groupByTenant(toWrite), tenantOfGroup, async (changes) => {
    const tenant = tenantOfGroup(changes);
    const appWindow = limits.appWindowOf(tenant);
    const tenantBudget = createWriteBudget({
      ...budget,
      alsoWithin: [appWindow],
      now,
      sleep: limits.sleep,
    });
    const breaker = createCircuitBreaker({
      ...(limits.circuitBreaker ?? DEFAULT_CIRCUIT_BREAKER),
      onOpen: (failures) => run.emit({ type: "circuit-open", tenant, failures }),
    });
    // Waits for a budget slot end on Ctrl-C (or fail-fast) and when the tenant's circuit opens.
    const tenantStopped = AbortSignal.any([run.stopped, breaker.signal]);
    const takeSlot = () =>
      tenantBudget.acquire(tenantStopped, (waitMs, holding) =>
        run.emit({
          type: "budget-wait",
          tenant,
          budget: holding === appWindow ? "app" : "tenant",
          waitMs,
          writes: holding.writes,
          perMs: holding.perMs,
        }),
      );
    const client = await run.clientFor(tenant);
    const notStarted = (): SkipReason | undefined =>
      run.stopReason() ?? (breaker.isOpen() ? "circuit-open" : undefined);
    await limits.scheduler.forEachWrite(tenant, changes, async (change) => {
      const before = notStarted();
      if (before !== undefined) return run.skip(change, before);
      try {
        await takeSlot();
      } catch {
        // Only the stop signal and the circuit opening reject a budget wait.
        return run.skip(change, notStarted() ?? "interrupted");
      }
      const properties = propertiesOf(change);
      run.emit({ type: "object-started", object: refOf(change), properties });
      const startedAt = now();
      let sent = 0;
      let sentNothing = false;
      /** The status of this write's last answer (undefined: none, or no answer). */
      let lastStatus: number | undefined;
      // The first request's slot was taken above; every later one (retry, redirect) takes its
      // own, and none is sent once the tenant's circuit is open.
      const beforeSend = async () => {
        if (breaker.isOpen()) {
          sentNothing = sent === 0;
          throw new CircuitOpenError(
            limits.circuitBreaker?.consecutiveFailures ??
              DEFAULT_CIRCUIT_BREAKER.consecutiveFailures,
          );
        }
        if (sent > 0) await takeSlot();
        sent++;
      };
      try {
        // On Ctrl-C the attempt on the wire may finish (and is reported) within the grace;
        // no retry starts, and a retry's budget wait is cut short.
        const response = await client.patch(
          {
            graphVersion: change.graphVersion,
            collectionPath: change.collectionPath,
            id: change.liveId,
            body: change.patch,
          },
          {
            beforeSend,
            onAnswer: (answer) => {
              lastStatus = answer.status;
              breaker.record(answer);
            },
            onUnknownOutcome: () => settleUnknownOutcome(client, change),
            abortSignal: run.cancelled,
            ...(limits.abortSignal === undefined ? {} : { stopSignal: limits.abortSignal }),
          },
        );
        const durationMs = now() - startedAt;
        const requestId = response.requestId === undefined ? {} : { requestId: response.requestId };
        run.settle(change, {
          status: "changed",
          httpStatus: response.status,
          durationMs,
          ...requestId,
        });
        written.push(change);
        run.emit({
          type: "object-written",
          object: refOf(change),
          properties,
          httpStatus: response.status,
          durationMs,
          ...requestId,
        });
      } catch (error) {
        // The circuit opened before this write's first request: it was never attempted.
        if (sentNothing) return run.skip(change, "circuit-open");
        const applyError = run.errorOf(error);
        // Stopped between retries, by the circuit opening or by Ctrl-C / fail-fast while the
        // retry waited for its budget slot: the status its attempts got is the news (a 429 or
        // 503 was answered; it is not a write with an unknown outcome).
        const stoppedByRun = error === run.stopped.reason;
        const stoppedBeforeRetry =
          (error instanceof CircuitOpenError || stoppedByRun) &&
          lastStatus !== undefined &&
          applyError.status === undefined;
        const interrupted = stoppedByRun && run.stopReason() === "interrupted";
        run.fail(
          change,
          "write",
          stoppedBeforeRetry
            ? { ...applyError, status: lastStatus, ...(interrupted ? { interrupted } : {}) }
            : applyError,
          now() - startedAt,
        );
      }
    });
  });
  return written;
}

/**
 * A PATCH of `change` got no answer (timeout, reset): did it land? Reads the object: every
 * changed property at the plan's `after` → `applied` (sending it again would be a second write);
 * each at `before` or `after` → `resend` (PATCH of values is idempotent); any other value, or
 * the object gone → throws: someone else is changing it, and writing over that was not planned.
 * A failed read throws too: without knowing, nothing more is sent.
 */
async function settleUnknownOutcome(
  client: GraphClient,
  change: ResourceChange,
): Promise<"applied" | "resend"> {
  const lost = "the PATCH got no answer";
  let live: LiveObject[];
  try {
    live = await client.listCollection({
      graphVersion: change.graphVersion,
      collectionPath: change.collectionPath,
      select: propertiesOf(change),
    });
  } catch (error) {
    throw new Error(
      `${lost}, and reading the object to see whether it landed failed too (${toApplyError(error).message}): not sent again; run plan to see its state`,
      { cause: error },
    );
  }
  const object = live.find((candidate) => candidate.id === change.liveId);
  if (object === undefined) {
    throw new Error(
      `${lost}, and the object (id ${change.liveId}) is no longer listed: not sent again`,
    );
  }
  // groupChanges checked every kind and property before anything was written.
  const typeOfProperty = (property: string) => propertyTypeOf(change, property);
  const holds = (property: string, value: JsonValue | undefined) =>
    valuesEqual(typeOfProperty(property), value, object[property], change.graphVersion);
  const foreign = change.changes.filter(
    ({ property, before, after }) => !holds(property, after) && !holds(property, before),
  );
  if (foreign.length > 0) {
    const what = foreign
      .map(
        ({ property, before, after }) =>
          `${property} is now ${showValue(normaliseValue(typeOfProperty(property), object[property], change.graphVersion))} (the plan: ${showValue(before)} → ${showValue(after)})`,
      )
      .join("; ");
    throw new Error(
      `${lost}, and the object now holds values the plan has neither before nor after: ${what}. Someone else is changing it: not sent again; run plan to see its state`,
    );
  }
  return change.changes.every(({ property, after }) => holds(property, after))
    ? "applied"
    : "resend";
}
