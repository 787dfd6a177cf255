/**
 * What the work needs at least, and how fast it could possibly go: the yardsticks the bench
 * divides by. Pure functions of the scenario's shape; no clock, no network.
 *
 * MINIMUM requests (the definition):
 * - token: one per tenant (one sign-in, reused by every request of the run, apply included);
 * - plan: one GET per page of each (tenant, kind, Graph version) collection the configuration
 *   declares objects in;
 * - apply (`apply` without a saved plan: plan, then execute): the plan's requests, plus, per
 *   (tenant, kind) collection with changes, one GET per page for the stale check (the plan must
 *   still describe the tenant before anything is written: the design), one PATCH per changed
 *   object and one GET per page to verify (read-back).
 * - attribution (plan, and apply's plan): per tenant with changes, one GET of Intune's audit log
 *   per collection with changes (each kind files its changes under its own audit component; the
 *   log holds no older change in the bench, so one page each). Counted apart (`audit`), so that
 *   0 for a tenant without drift stays visible.
 * Nothing else: no OpenID discovery, no GET per object, no retry.
 *
 * LATENCY CRITICAL PATH (milliseconds): exactly those requests when each takes the emulator's
 * latency L and nothing else costs time (no CPU, no TLS, no JSON), with only the orderings the
 * work needs. The bench's physical floor uses it with UNBOUNDED concurrency (every tenant at once,
 * every write of a tenant at once) and Intune's own write limit, so that no setting of the tool
 * shapes the floor; the CPU the work needs is measured apart (floor-probe.ts) and added.
 * - tenants go through `c` workers, in order, each taking the next tenant when free: the makespan
 *   of that list schedule (with c unbounded: the longest tenant);
 * - plan, per tenant: the token, then every collection at once, pages in sequence:
 *   (1 + P) × L, where P is the largest page count of the tenant's collections;
 * - apply: the plan phase, then the stale check (the plan is reviewed and checked as a whole
 *   before anything is written, so these are barriers), then per tenant with changes the writes
 *   (`w` at once, within the write limit) followed by its read-back:
 *   check P × L; write and verify (⌈n / w⌉ + P) × L plus write-limit waits, for n changes.
 * With T equal tenants that is ⌈T / c⌉ × (1 + P) × L for a plan, (1 + P) × L unbounded.
 */

/** One (tenant, kind, Graph version) collection as the scenario declares it. */
export interface CollectionShape {
  /** Objects the collection holds (all are read: a listing returns the whole collection). */
  readonly objects: number;
  /** Of the declared objects in it, how many the plan changes. */
  readonly changes: number;
}

/** A tenant's collections, in the order the code reads them. */
export interface TenantShape {
  readonly name: string;
  readonly collections: readonly CollectionShape[];
}

export type OperationKind = "plan" | "apply";

/** How the code under test runs: its concurrency bounds and the emulator's page size and latency. */
export interface Schedule {
  readonly latencyMs: number;
  readonly pageSize: number;
  /** Tenants in flight at once (`Infinity`: unbounded). */
  readonly tenantConcurrency: number;
  /** PATCHes in flight per tenant (`Infinity`: unbounded). */
  readonly writesPerTenant: number;
  /** The per-tenant write limit (Intune: 100 per 20 000 ms per app and tenant). */
  readonly writeBudget: { readonly writes: number; readonly perMs: number };
  /** Round trips in series to sign in to a tenant: 1 (the token) unless told otherwise. */
  readonly signInRoundTrips?: number;
}

/** Requests by kind. `discovery` is the sign-in library's OpenID metadata request. */
export interface RequestCounts {
  readonly token: number;
  readonly discovery: number;
  readonly get: number;
  readonly patch: number;
  /** GETs of Intune's audit log (drift attribution), not counted in `get`. */
  readonly audit: number;
  /** Anything else the emulator saw (e.g. another method), admin requests excepted. */
  readonly other: number;
  /** Answered with a status of 400 or more, or never answered (also counted above). */
  readonly failed: number;
}

export function totalRequests(counts: RequestCounts): number {
  return counts.token + counts.discovery + counts.get + counts.patch + counts.audit + counts.other;
}

export function pages(objects: number, pageSize: number): number {
  return Math.max(1, Math.ceil(objects / pageSize));
}

/** The minimum requests for a plan or an apply of the given tenants (see the module comment). */
export function minimumRequests(
  tenants: readonly TenantShape[],
  operation: OperationKind,
  pageSize: number,
): RequestCounts {
  let get = 0;
  let patch = 0;
  let audit = 0;
  for (const tenant of tenants) {
    for (const collection of tenant.collections) {
      const collectionPages = pages(collection.objects, pageSize);
      get += collectionPages;
      if (collection.changes > 0) audit += 1;
      if (operation === "apply" && collection.changes > 0) {
        get += 2 * collectionPages; // stale check and read-back
        patch += collection.changes;
      }
    }
  }
  return { token: tenants.length, discovery: 0, get, patch, audit, other: 0, failed: 0 };
}

/**
 * `sample` items of `items` spread evenly from the first (all of them when `sample` is 0 or not
 * smaller): the tenants the peer model and the floor probe run on above their sample size.
 */
export function evenlySpaced<T>(items: readonly T[], sample: number): T[] {
  if (sample === 0 || items.length <= sample) return [...items];
  return Array.from(
    { length: sample },
    (_, index) => items[Math.floor((index * items.length) / sample)]!,
  );
}

/**
 * The makespan of running `durations` in order on `workers` parallel workers, each taking the
 * next item when it is free (what `forEachLimited` and `readLiveState`'s workers do).
 */
export function listScheduleMakespan(durations: readonly number[], workers: number): number {
  if (!(Number.isInteger(workers) || workers === Infinity) || workers < 1)
    throw new RangeError(`workers must be a positive integer or Infinity, not ${workers}`);
  const freeAt: number[] = Array.from({ length: Math.min(workers, durations.length) }, () => 0);
  for (const duration of durations) {
    let earliest = 0;
    for (let index = 1; index < freeAt.length; index++) {
      if (freeAt[index]! < freeAt[earliest]!) earliest = index;
    }
    freeAt[earliest] = freeAt[earliest]! + duration;
  }
  return freeAt.reduce((latest, time) => Math.max(latest, time), 0);
}

/** The floor in milliseconds, phase by phase (see the module comment). */
export interface Floor {
  readonly planMs: number;
  /** Zero for a plan. */
  readonly checkMs: number;
  /** Writes and read-back; zero for a plan. */
  readonly writeMs: number;
  readonly totalMs: number;
}

export function latencyFloor(
  tenants: readonly TenantShape[],
  operation: OperationKind,
  schedule: Schedule,
): Floor {
  const latency = schedule.latencyMs;
  const maxPages = (collections: readonly CollectionShape[]) =>
    collections.reduce(
      (most, collection) => Math.max(most, pages(collection.objects, schedule.pageSize)),
      0,
    );
  const signIn = schedule.signInRoundTrips ?? 1;
  const planMs = listScheduleMakespan(
    tenants.map((tenant) => (signIn + maxPages(tenant.collections)) * latency),
    schedule.tenantConcurrency,
  );
  if (operation === "plan") return { planMs, checkMs: 0, writeMs: 0, totalMs: planMs };

  const changed = tenants
    .map((tenant) => tenant.collections.filter((collection) => collection.changes > 0))
    .filter((collections) => collections.length > 0);
  const checkMs = listScheduleMakespan(
    changed.map((collections) => maxPages(collections) * latency),
    schedule.tenantConcurrency,
  );
  const writeMs = listScheduleMakespan(
    changed.map((collections) => {
      const writes = collections.reduce((sum, collection) => sum + collection.changes, 0);
      return (
        writeRounds(writes, schedule) * latency +
        budgetWaitMs(writes, schedule) +
        maxPages(collections) * latency
      );
    }),
    schedule.tenantConcurrency,
  );
  return { planMs, checkMs, writeMs, totalMs: planMs + checkMs + writeMs };
}

function writeRounds(writes: number, schedule: Schedule): number {
  // At least one round for any write, also when writes in flight are unbounded.
  return writes === 0 ? 0 : Math.max(1, Math.ceil(writes / schedule.writesPerTenant));
}

/** Time the write budget holds back writes beyond the first window's allowance (0 under it). */
function budgetWaitMs(writes: number, schedule: Schedule): number {
  const windows = Math.ceil(writes / schedule.writeBudget.writes) - 1;
  return Math.max(0, windows) * schedule.writeBudget.perMs;
}
