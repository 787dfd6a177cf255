import { ExitError } from "../errors.ts";
import type { GraphClient, GraphRequestErrorDetails } from "../graph/types.ts";
import type { LiveObject } from "../live-object.ts";
import type { JsonValue } from "../json.ts";
import type { Plan, ResourceChange } from "../plan/model.ts";
import type { ObjectMatch } from "../config/model.ts";
import { fingerprintObject } from "../plan/fingerprint.ts";
import { liveMatches } from "../plan/planner.ts";
import { normaliseValue, valuesEqual } from "../plan/normalise.ts";
import { findProperty, findResource } from "../resources/registry.ts";
import type { GraphVersion, PropertyType, ResourceDefinition } from "../resources/types.ts";
import { forEachLimited } from "../for-each-limited.ts";
import { formatSeconds } from "../format-duration.ts";
import {
  summarise,
  type ApplyError,
  type ApplyEvent,
  type ApplyResult,
  type NotConvergedProperty,
  type ObjectRef,
  type ObjectResult,
  type SkipReason,
} from "./model.ts";
import {
  CircuitOpenError,
  createCircuitBreaker,
  DEFAULT_CIRCUIT_BREAKER,
} from "./circuit-breaker.ts";
import {
  abortableSleep,
  createWriteBudget,
  createWriteWindow,
  DEFAULT_APP_WRITE_BUDGET,
  DEFAULT_WRITE_BUDGET,
  type WriteWindow,
} from "./write-budget.ts";

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
   * (default 400 per 20 000 ms, `DEFAULT_APP_WRITE_BUDGET`).
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
 * Never throws for a Graph or auth failure (those are per-object results); throws `ExitError`
 * only for a plan this tool cannot execute (an unknown kind or property).
 */
/** How long requests on the wire may go on after Ctrl-C / SIGTERM. */
export const DEFAULT_GRACE_IN_MS = 2_000;

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

function fixedScheduler(tenants: number, writesPerTenant: number): ApplyScheduler {
  return {
    forEachTenant: (groups, _tenantOf, task) => forEachLimited(groups, tenants, task),
    forEachWrite: (_tenant, items, task) => forEachLimited(items, writesPerTenant, task),
  };
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const groups = groupChanges(plan.changes);
  const emit = options.onEvent ?? (() => undefined);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const scheduler =
    options.scheduler ??
    fixedScheduler(options.concurrentTenants ?? 8, options.concurrencyPerTenant ?? 4);
  const budget = options.writeBudget ?? DEFAULT_WRITE_BUDGET;
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

  const results = new Map<string, ObjectResult>();
  const settle = (
    change: ResourceChange,
    result: Omit<ObjectResult, keyof ObjectRef | "properties">,
  ) =>
    results.set(change.address, {
      ...refOf(change),
      properties: propertiesOf(change),
      propertyChanges: change.changes,
      ...result,
    });
  const amend = (change: ResourceChange, update: Partial<ObjectResult>) =>
    results.set(change.address, { ...results.get(change.address)!, ...update });

  // One signal for "start nothing new": Ctrl-C or (with failFast) the first failure.
  const stopController = new AbortController();
  let stopReason: SkipReason | undefined;
  const stop = (reason: SkipReason) => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    stopController.abort(new Error(`apply stopped: ${reason}`));
  };
  // After an interrupt and its grace: cancel whatever is still on the wire.
  const cancelController = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const graceInMs = options.graceInMs ?? DEFAULT_GRACE_IN_MS;
  const onAbort = () => {
    stop("interrupted");
    graceTimer ??= setTimeout(
      () =>
        cancelController.abort(
          new Error(`interrupted: cancelled after the ${formatSeconds(graceInMs)} grace`),
        ),
      graceInMs,
    );
  };
  if (options.abortSignal?.aborted) onAbort();
  options.abortSignal?.addEventListener("abort", onAbort, { once: true });
  const stopped = stopController.signal;
  const cancelled = cancelController.signal;
  // A request the grace cut short failed because of the interrupt, whatever its error says.
  const interruptedError = (error: unknown): ApplyError => ({
    ...toApplyError(error),
    ...(cancelled.aborted ? { interrupted: true } : {}),
  });

  const fail = (
    change: ResourceChange,
    phase: "check" | "write",
    error: ApplyError,
    durationMs?: number,
  ) => {
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
  };
  const skip = (change: ResourceChange, reason: SkipReason) => {
    settle(change, { status: "skipped", skipReason: reason });
    emit({ type: "object-skipped", object: refOf(change), reason });
  };

  // A client per tenant, asked once; a tenant whose client cannot be made fails its objects.
  const clients = new Map<string, Promise<GraphClient>>();
  const clientFor = (tenant: string) => {
    let client = clients.get(tenant);
    if (!client) {
      client = Promise.resolve().then(() => options.clientFor(tenant));
      clients.set(tenant, client);
    }
    return client;
  };

  try {
    // Phase 1: check the plan is still current.
    const tenants = groupByTenant(groups);
    emit({
      type: "check-started",
      tenants: tenants.length,
      collections: groups.length,
      objects: plan.changes.length,
    });
    const current: ResourceChange[] = [];
    let staleCount = 0;
    await scheduler.forEachTenant(tenants, tenantOfGroup, async (tenantGroups) => {
      // A tenant's collections are read at the same time: one round trip, not one per kind.
      await Promise.all(
        tenantGroups.map(async (group) => {
          if (stopped.aborted) {
            group.changes.forEach((change) => skip(change, stopReason!));
            return;
          }
          let live: LiveObject[];
          try {
            const client = await clientFor(group.tenant);
            live = await client.listCollection(
              {
                graphVersion: group.graphVersion,
                collectionPath: group.collectionPath,
                select: group.select,
              },
              { abortSignal: stopped },
            );
          } catch (error) {
            // A read cancelled because we are stopping says nothing about the objects.
            if (stopped.aborted) group.changes.forEach((change) => skip(change, stopReason!));
            else group.changes.forEach((change) => fail(change, "check", toApplyError(error)));
            return;
          }
          const byId = new Map(live.map((object) => [object.id, object]));
          for (const change of group.changes) {
            const object = byId.get(change.liveId);
            const match = options.matchOf?.(change);
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
              settle(change, { status: "already-applied" });
              emit({ type: "object-already-applied", object: refOf(change) });
              continue;
            }
            const reason = check.stale;
            staleCount++;
            settle(change, { status: "stale", staleReason: reason });
            emit({ type: "object-stale", object: refOf(change), reason });
          }
        }),
      );
    });

    if (staleCount > 0) {
      emit({ type: "refused", staleObjects: staleCount });
      for (const change of inPlanOrder(plan, current)) skip(change, "plan-stale");
      return finish(plan, results);
    }

    // Phase 2: write.
    const toWrite = inPlanOrder(plan, current);
    const written: ResourceChange[] = [];
    emit({ type: "write-started", objects: toWrite.length });
    await scheduler.forEachTenant(groupByTenant(toWrite), tenantOfGroup, async (changes) => {
      const tenant = changes[0]!.tenant;
      const tenantBudget = createWriteBudget({
        ...budget,
        alsoWithin: [appWindowOf(tenant)],
        now,
        sleep,
      });
      const breaker = createCircuitBreaker({
        ...(options.circuitBreaker ?? DEFAULT_CIRCUIT_BREAKER),
        onOpen: (failures) => emit({ type: "circuit-open", tenant, failures }),
      });
      // Waits for a budget slot end on Ctrl-C (or fail-fast) and when the tenant's circuit opens.
      const tenantStopped = AbortSignal.any([stopped, breaker.signal]);
      const takeSlot = () =>
        tenantBudget.acquire(tenantStopped, (waitMs) =>
          emit({
            type: "budget-wait",
            tenant,
            waitMs,
            writes: budget.writes,
            perMs: budget.perMs,
          }),
        );
      const client = await clientFor(tenant);
      const notStarted = (): SkipReason | undefined =>
        stopReason ?? (breaker.isOpen() ? "circuit-open" : undefined);
      await scheduler.forEachWrite(tenant, changes, async (change) => {
        const before = notStarted();
        if (before !== undefined) return skip(change, before);
        try {
          await takeSlot();
        } catch {
          // Only the stop signal and the circuit opening reject a budget wait.
          return skip(change, notStarted()!);
        }
        const properties = propertiesOf(change);
        emit({ type: "object-started", object: refOf(change), properties });
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
              options.circuitBreaker?.consecutiveFailures ??
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
              abortSignal: cancelled,
              ...(options.abortSignal === undefined ? {} : { stopSignal: options.abortSignal }),
            },
          );
          const durationMs = now() - startedAt;
          const requestId =
            response.requestId === undefined ? {} : { requestId: response.requestId };
          settle(change, {
            status: "changed",
            httpStatus: response.status,
            durationMs,
            ...requestId,
          });
          written.push(change);
          emit({
            type: "object-written",
            object: refOf(change),
            properties,
            httpStatus: response.status,
            durationMs,
            ...requestId,
          });
        } catch (error) {
          // The circuit opened before this write's first request: it was never attempted.
          if (sentNothing) return skip(change, "circuit-open");
          const applyError = interruptedError(error);
          // Stopped by the circuit between retries: the status its attempts got is the news
          // (a 429 or 503 was answered; it is not a write with an unknown outcome).
          const stoppedByCircuit =
            error instanceof CircuitOpenError &&
            lastStatus !== undefined &&
            applyError.status === undefined;
          fail(
            change,
            "write",
            stoppedByCircuit ? { ...applyError, status: lastStatus } : applyError,
            now() - startedAt,
          );
        }
      });
    });

    // Phase 3: verify what was written.
    const verifyGroups = groupChanges(inPlanOrder(plan, written));
    if (verifyGroups.length > 0) {
      emit({ type: "verify-started", collections: verifyGroups.length, objects: written.length });
    }
    await scheduler.forEachTenant(
      groupByTenant(verifyGroups),
      tenantOfGroup,
      async (tenantGroups) => {
        // A tenant's collections are read at the same time: one round trip, not one per kind.
        await Promise.all(
          tenantGroups.map(async (group) => {
            let live: LiveObject[];
            try {
              const client = await clientFor(group.tenant);
              live = await client.listCollection(
                {
                  graphVersion: group.graphVersion,
                  collectionPath: group.collectionPath,
                  select: group.select,
                },
                { abortSignal: cancelled },
              );
            } catch (error) {
              const verifyError = interruptedError(error);
              for (const change of group.changes) {
                amend(change, { verifyError });
              }
              emit({
                type: "verify-failed",
                tenant: group.tenant,
                kind: group.resource.kind,
                graphVersion: group.graphVersion,
                error: verifyError,
                objects: group.changes.map(refOf),
              });
              return;
            }
            const byId = new Map(live.map((object) => [object.id, object]));
            for (const change of group.changes) {
              const notConverged = unconverged(group, change, byId.get(change.liveId));
              if (notConverged.length === 0) {
                emit({ type: "object-verified", object: refOf(change) });
                continue;
              }
              amend(change, { status: "not-converged", notConverged });
              emit({ type: "object-not-converged", object: refOf(change), notConverged });
            }
          }),
        );
      },
    );
    return finish(plan, results);
  } finally {
    clearTimeout(graceTimer);
    options.abortSignal?.removeEventListener("abort", onAbort);
  }
}

/** The changes of one tenant, kind and Graph version: read with one `listCollection`. */
interface ChangeGroup {
  readonly tenant: string;
  readonly resource: ResourceDefinition;
  readonly graphVersion: GraphVersion;
  readonly collectionPath: string;
  /** The `$select` for reading the collection: every property any change's fingerprint covers. */
  readonly select: string[];
  readonly changes: ResourceChange[];
}

/**
 * Groups changes by tenant, kind and Graph version, in the order first seen. Throws `ExitError`
 * for a kind or property this tool does not know: such a plan was not made by this version, and
 * finding out before anything is written is the point.
 */
function groupChanges(changes: readonly ResourceChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const resource = findResource(change.kind);
    if (!resource) {
      throw new ExitError(
        `the plan names the unknown kind ${change.kind} (${change.address}): make the plan again with this version`,
      );
    }
    for (const property of new Set([...propertiesOf(change), ...fingerprintPropertiesOf(change)])) {
      if (!findProperty(resource, change.graphVersion, property)) {
        throw new ExitError(
          `the plan names the unknown property ${property} of ${change.kind} in Graph ${change.graphVersion} (${change.address}): make the plan again with this version`,
        );
      }
    }
    const key = JSON.stringify([change.tenant, change.kind, change.graphVersion]);
    let group = groups.get(key);
    if (!group) {
      group = {
        tenant: change.tenant,
        resource,
        graphVersion: change.graphVersion,
        collectionPath: change.collectionPath,
        select: [],
        changes: [],
      };
      groups.set(key, group);
    }
    // What the fingerprints cover (the changed properties among them): the declared ones only,
    // as `plan` read them; never a property the configuration does not mention.
    for (const property of fingerprintPropertiesOf(change)) {
      if (!group.select.includes(property)) group.select.push(property);
    }
    group.changes.push(change);
  }
  return [...groups.values()];
}

/** Items grouped by tenant, tenants in order of first appearance. */
/** The tenant of a non-empty group made by `groupByTenant`. */
function tenantOfGroup(group: readonly { readonly tenant: string }[]): string {
  return group[0]?.tenant ?? "";
}

function groupByTenant<T extends { readonly tenant: string }>(items: readonly T[]): T[][] {
  const byTenant = new Map<string, T[]>();
  for (const item of items) {
    const list = byTenant.get(item.tenant) ?? [];
    list.push(item);
    byTenant.set(item.tenant, list);
  }
  return [...byTenant.values()];
}

/** The subset, in the plan's order (results and writes follow the plan, not completion order). */
function inPlanOrder(plan: Plan, subset: readonly ResourceChange[]): ResourceChange[] {
  const wanted = new Set(subset);
  return plan.changes.filter((change) => wanted.has(change));
}

/**
 * The properties the plan's fingerprint covers: `declaredProperties`, which `createPlan` always
 * records. A plan built by hand without it is fingerprinted over its changed properties.
 */
function fingerprintPropertiesOf(change: ResourceChange): readonly string[] {
  return change.declaredProperties ?? propertiesOf(change);
}

function propertiesOf(change: ResourceChange): string[] {
  return change.changes.map((propertyChange) => propertyChange.property);
}

function refOf(change: ResourceChange): ObjectRef {
  return {
    address: change.address,
    tenant: change.tenant,
    kind: change.kind,
    graphVersion: change.graphVersion,
    liveId: change.liveId,
  };
}

function typeOf(group: ChangeGroup, property: string): PropertyType {
  // groupChanges has checked every property exists.
  return findProperty(group.resource, group.graphVersion, property)!.type;
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
    valuesEqual(typeOf(group, property), value, object[property], group.graphVersion);
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
      const live = normaliseValue(typeOf(group, property), object[property], group.graphVersion);
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
          normaliseValue(typeOf(group, property), object[property], group.graphVersion),
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
        !valuesEqual(typeOf(group, property), after, object[property], group.graphVersion),
    )
    .map(({ property, after }) => ({
      property,
      desired: after,
      live: object
        ? normaliseValue(typeOf(group, property), object[property], group.graphVersion)
        : undefined,
    }));
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
  const resource = findResource(change.kind);
  const typeOfProperty = (property: string): PropertyType => {
    const found = resource && findProperty(resource, change.graphVersion, property);
    // groupChanges checked every kind and property before anything was written.
    if (!found) throw new Error(`internal error: unknown property ${property} of ${change.kind}`);
    return found.type;
  };
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

/** Values in messages: JSON, cut short so that a long assignment list stays one readable line. */
function showValue(value: JsonValue | undefined): string {
  if (value === undefined) return "absent";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Graph's error in our terms; anything else (auth, a bug in a client) by its message. */
export function toApplyError(error: unknown): ApplyError {
  if (error instanceof Error && error.name === "GraphRequestError" && "details" in error) {
    const details = (error as { details: GraphRequestErrorDetails }).details;
    return {
      message: error.message,
      ...(details.code === undefined ? {} : { code: details.code }),
      ...(details.status === undefined ? {} : { status: details.status }),
      ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
      ...(details.stoppedBeforeRetry === true ? { interrupted: true } : {}),
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

function finish(plan: Plan, results: Map<string, ObjectResult>): ApplyResult {
  const ordered = plan.changes.map((change) => {
    const result = results.get(change.address);
    if (!result) throw new Error(`internal error: no apply result for ${change.address}`);
    return result;
  });
  const summary = summarise(ordered);
  // Interrupted means something was left unwritten because of it, not merely that the signal
  // fired (during the read-back, say).
  const interrupted = ordered.some((result) => result.skipReason === "interrupted");
  return { results: ordered, summary, refusedAsStale: summary.stale > 0, interrupted };
}
