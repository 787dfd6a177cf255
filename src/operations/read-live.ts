/**
 * Reads the live state a plan needs: exactly one collection listing per (tenant, kind, Graph
 * version) that the desired objects use, with `$select` the union of the properties those
 * objects declare and of those the kind's health checks read (so health costs no request). Tenants are read concurrently (bounded); a failure is recorded for its tenant
 * or collection and never hides the others. No kind is named here: the registry knows them.
 */
import type { DesiredState } from "../config/model.ts";
import type { LiveCollection, LiveReadFailure, LiveSnapshot } from "../plan/model.ts";
import { RESOURCES, getResource, propertiesOf } from "../resources/registry.ts";
import { GRAPH_VERSIONS, type GraphVersion } from "../resources/types.ts";
import { redact } from "../redact.ts";
import { oneLine } from "../one-line.ts";
import type { GraphClient } from "../graph/types.ts";
import type { LiveObject } from "../live-object.ts";
import { compareStrings } from "../canonical-json.ts";
import { forEachLimited } from "../for-each-limited.ts";
import { failureCauseOf } from "../failure-cause.ts";

/** Progress of one collection read, for the CLI's progress display. */
export type ReadProgressEvent =
  | { readonly type: "tenant-start"; readonly tenant: string; readonly collections: number }
  | {
      readonly type: "collection-done";
      readonly tenant: string;
      readonly kind: string;
      readonly graphVersion: GraphVersion;
      readonly objects: number;
    }
  | {
      readonly type: "collection-failed";
      readonly tenant: string;
      readonly kind?: string;
      readonly graphVersion?: GraphVersion;
      readonly message: string;
    };

export interface ReadLiveStateOptions {
  /** Only these tenants (by name); default all tenants that have declared objects. */
  readonly tenants?: readonly string[];
  /** Tenants read at once. Default 8; ignored when `forEachTenant` decides. */
  readonly concurrency?: number;
  /** Decides how many tenants are read at once (e.g. adapting to throttling). */
  readonly forEachTenant?: <T>(
    groups: readonly T[],
    tenantOf: (group: T) => string,
    task: (group: T) => Promise<void>,
  ) => Promise<void>;
  readonly onProgress?: (event: ReadProgressEvent) => void;
  readonly abortSignal?: AbortSignal;
}

/** One listing to make: a kind in a version for a tenant, with the properties to select. */
export interface CollectionRead {
  readonly tenant: string;
  readonly kind: string;
  readonly graphVersion: GraphVersion;
  readonly collectionPath: string;
  readonly select: readonly string[];
}

/** The listings each tenant needs, in registry and version order. Pure. */
export function collectionReads(
  desired: DesiredState,
  tenants?: readonly string[],
): Map<string, CollectionRead[]> {
  const wanted = tenants === undefined ? undefined : new Set(tenants);
  const byKey = new Map<
    string,
    { tenant: string; kind: string; graphVersion: GraphVersion; select: Set<string> }
  >();
  for (const object of desired.objects) {
    if (wanted !== undefined && !wanted.has(object.tenant)) continue;
    const key = JSON.stringify([object.tenant, object.kind, object.graphVersion]);
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = {
        tenant: object.tenant,
        kind: object.kind,
        graphVersion: object.graphVersion,
        select: new Set(),
      };
      byKey.set(key, entry);
    }
    for (const property of Object.keys(object.spec)) entry.select.add(property);
  }
  const kindOrder = (kind: string): number =>
    RESOURCES.findIndex((resource) => resource.kind === kind);
  const reads = [...byKey.values()]
    .map((entry): CollectionRead => ({
      tenant: entry.tenant,
      kind: entry.kind,
      graphVersion: entry.graphVersion,
      collectionPath: getResource(entry.kind).collectionPath,
      select: selectList(entry.kind, entry.graphVersion, entry.select),
    }))
    .sort(
      (a, b) =>
        compareStrings(a.tenant, b.tenant) ||
        kindOrder(a.kind) - kindOrder(b.kind) ||
        GRAPH_VERSIONS.indexOf(a.graphVersion) - GRAPH_VERSIONS.indexOf(b.graphVersion),
    );
  const byTenant = new Map<string, CollectionRead[]>();
  for (const read of reads) {
    const list = byTenant.get(read.tenant) ?? [];
    list.push(read);
    byTenant.set(read.tenant, list);
  }
  return byTenant;
}

/**
 * `id`, `displayName`, then the declared properties and those the health checks read, in the
 * registry's order.
 */
function selectList(
  kind: string,
  graphVersion: GraphVersion,
  declared: ReadonlySet<string>,
): string[] {
  const resource = getResource(kind);
  const properties = propertiesOf(resource, graphVersion);
  const known = properties.map((property) => property.name);
  // A deprecated property is gone from Graph's metadata: selecting it is a 400 there.
  const gone = new Set(properties.filter((p) => p.deprecated).map((p) => p.name));
  const unknown = [...declared].filter((name) => !known.includes(name)).sort();
  // A check whose property the version lacks is skipped (health.ts): nothing to select for it.
  const health = new Set(
    (resource.health ?? []).flatMap((check) =>
      check.check === "state" ? [check.property] : [check.property, check.when.property],
    ),
  );
  const wanted = (name: string) => declared.has(name) || health.has(name);
  const ordered = [...known.filter((name) => wanted(name) && !gone.has(name)), ...unknown];
  return [...new Set(["id", "displayName", ...ordered])];
}

/**
 * One listing, whole (every page), as plan and export make it: the kind's collection in the
 * read's Graph version with its `$select`.
 */
export function listCollectionRead(
  client: GraphClient,
  read: CollectionRead,
  abortSignal?: AbortSignal,
): Promise<LiveObject[]> {
  return client.listCollection(
    { graphVersion: read.graphVersion, collectionPath: read.collectionPath, select: read.select },
    abortSignal === undefined ? undefined : { abortSignal },
  );
}

/** One line for a failure; Graph's code and request-id are already in a GraphRequestError's message. */
function describe(error: unknown): Omit<LiveReadFailure, "tenant" | "kind" | "graphVersion"> {
  const message = redact(oneLine(error instanceof Error ? error.message : String(error), 1000));
  const cause = failureCauseOf(error);
  const details = (
    error as { details?: { status?: number; code?: string; requestId?: string } } | null
  )?.details;
  if (error instanceof Error && error.name === "GraphRequestError" && details !== undefined) {
    return {
      message,
      cause,
      ...(details.status === undefined ? {} : { status: details.status }),
      ...(details.code === undefined ? {} : { code: details.code }),
      ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
    };
  }
  return { message, cause };
}

/**
 * A failure that is about the tenant, not one collection: the credential or token (every
 * listing of the tenant would fail the same way), so it is recorded once without a kind.
 */
function isTenantWideFailure(error: unknown): boolean {
  return error instanceof Error && error.name !== "GraphRequestError";
}

export async function readLiveState(
  desired: DesiredState,
  clients: (tenant: string) => GraphClient | Promise<GraphClient>,
  options: ReadLiveStateOptions = {},
): Promise<LiveSnapshot> {
  const plan = collectionReads(desired, options.tenants);
  const collections: LiveCollection[] = [];
  const failures: LiveReadFailure[] = [];

  async function readTenant(tenant: string, reads: readonly CollectionRead[]): Promise<void> {
    options.onProgress?.({ type: "tenant-start", tenant, collections: reads.length });
    let client: GraphClient;
    try {
      client = await clients(tenant);
    } catch (error) {
      const failure = { tenant, ...describe(error) };
      failures.push(failure);
      options.onProgress?.({ type: "collection-failed", tenant, message: failure.message });
      return;
    }
    const results = await Promise.allSettled(
      reads.map((read) => listCollectionRead(client, read, options.abortSignal)),
    );
    let tenantWideRecorded = false;
    results.forEach((result, index) => {
      const read = reads[index];
      if (read === undefined) return;
      if (result.status === "fulfilled") {
        collections.push({
          tenant,
          kind: read.kind,
          graphVersion: read.graphVersion,
          objects: result.value,
        });
        options.onProgress?.({
          type: "collection-done",
          tenant,
          kind: read.kind,
          graphVersion: read.graphVersion,
          objects: result.value.length,
        });
        return;
      }
      if (isTenantWideFailure(result.reason)) {
        if (tenantWideRecorded) return;
        tenantWideRecorded = true;
        const failure = { tenant, ...describe(result.reason) };
        failures.push(failure);
        options.onProgress?.({ type: "collection-failed", tenant, message: failure.message });
        return;
      }
      const failure = {
        tenant,
        kind: read.kind,
        graphVersion: read.graphVersion,
        ...describe(result.reason),
      };
      failures.push(failure);
      options.onProgress?.({
        type: "collection-failed",
        tenant,
        kind: read.kind,
        graphVersion: read.graphVersion,
        message: failure.message,
      });
    });
  }

  const readEntry = async (entry: [string, CollectionRead[]]) => {
    if (options.abortSignal?.aborted) return;
    await readTenant(entry[0], entry[1]);
  };
  await (options.forEachTenant === undefined
    ? forEachLimited([...plan.entries()], Math.max(1, options.concurrency ?? 8), readEntry)
    : options.forEachTenant([...plan.entries()], (entry) => entry[0], readEntry));

  // Completion order depends on the network; the snapshot must not.
  const order = (
    tenant: string,
    kind: string | undefined,
    version: GraphVersion | undefined,
  ): [string, number, number] => [
    tenant,
    kind === undefined ? -1 : RESOURCES.findIndex((resource) => resource.kind === kind),
    version === undefined ? -1 : GRAPH_VERSIONS.indexOf(version),
  ];
  const byOrder = (a: [string, number, number], b: [string, number, number]): number =>
    compareStrings(a[0], b[0]) || a[1] - b[1] || a[2] - b[2];
  collections.sort((a, b) =>
    byOrder(order(a.tenant, a.kind, a.graphVersion), order(b.tenant, b.kind, b.graphVersion)),
  );
  failures.sort((a, b) =>
    byOrder(order(a.tenant, a.kind, a.graphVersion), order(b.tenant, b.kind, b.graphVersion)),
  );
  return { collections, failures };
}
