import type {
  GraphClient,
  ListCollectionRequest,
  PatchOptions,
  PatchRequest,
  PatchResponse,
  RequestOptions,
} from "../../src/graph/types.ts";
import type { LiveObject } from "../../src/live-object.ts";
import type { JsonObject } from "../../src/json.ts";

/**
 * An in-memory stand-in for the Graph clients of several tenants, for unit tests of the applier's
 * scheduling (concurrency, budget, abort, fail-fast, stale checks, verification). It is no
 * substitute for the emulator: integration tests in this folder use the real client over HTTPS.
 *
 * Objects live per tenant and collection key `version path`; PATCH merges the body in, like Graph.
 * Hooks let a test fail, delay or rewrite a call.
 */
export interface CallRecord {
  readonly tenant: string;
  readonly method: "GET" | "PATCH";
  readonly graphVersion: string;
  readonly collectionPath: string;
  readonly id?: string;
  readonly body?: JsonObject;
  readonly select?: readonly string[];
}

export interface InMemoryGraphHooks {
  /** Runs before a PATCH is applied; throw to fail it, await to delay it. */
  beforePatch?: (tenant: string, request: PatchRequest) => Promise<void> | void;
  /** Runs before a list is answered; throw to fail it. */
  beforeList?: (
    tenant: string,
    request: ListCollectionRequest,
    call: number,
  ) => Promise<void> | void;
  /** Rewrites the stored object after a PATCH (a server that normalises or ignores a value). */
  afterPatch?: (tenant: string, object: Record<string, unknown>) => void;
  /** The status PATCH answers with (default 204). */
  patchStatus?: 200 | 204;
}

export class InMemoryGraph {
  readonly calls: CallRecord[] = [];
  readonly hooks: InMemoryGraphHooks;
  private readonly store = new Map<string, Map<string, LiveObject[]>>();
  private inFlight = new Map<string, number>();
  /** The most PATCHes in flight at once, per tenant and overall. */
  readonly maxInFlight = new Map<string, number>();
  maxInFlightOverall = 0;
  private inFlightOverall = 0;

  constructor(hooks: InMemoryGraphHooks = {}) {
    this.hooks = hooks;
  }

  put(tenant: string, graphVersion: string, collectionPath: string, objects: LiveObject[]): void {
    const collections = this.store.get(tenant) ?? new Map<string, LiveObject[]>();
    collections.set(
      `${graphVersion} ${collectionPath}`,
      objects.map((object) => structuredClone(object)),
    );
    this.store.set(tenant, collections);
  }

  objects(tenant: string, graphVersion: string, collectionPath: string): LiveObject[] {
    return this.store.get(tenant)?.get(`${graphVersion} ${collectionPath}`) ?? [];
  }

  /** Changes an object directly, as another admin would between plan and apply. */
  edit(
    tenant: string,
    graphVersion: string,
    collectionPath: string,
    id: string,
    changes: JsonObject,
  ): void {
    const object = this.objects(tenant, graphVersion, collectionPath).find((o) => o.id === id);
    if (!object) throw new Error(`no object ${id}`);
    Object.assign(object, changes);
  }

  remove(tenant: string, graphVersion: string, collectionPath: string, id: string): void {
    const list = this.objects(tenant, graphVersion, collectionPath);
    list.splice(
      list.findIndex((o) => o.id === id),
      1,
    );
  }

  patches(tenant?: string): CallRecord[] {
    return this.calls.filter(
      (call) => call.method === "PATCH" && (tenant === undefined || call.tenant === tenant),
    );
  }

  lists(tenant?: string): CallRecord[] {
    return this.calls.filter(
      (call) => call.method === "GET" && (tenant === undefined || call.tenant === tenant),
    );
  }

  clientFor(tenant: string): GraphClient {
    return {
      listCollection: async (request: ListCollectionRequest, options?: RequestOptions) => {
        options?.abortSignal?.throwIfAborted();
        const call = this.lists(tenant).length;
        this.calls.push({
          tenant,
          method: "GET",
          graphVersion: request.graphVersion,
          collectionPath: request.collectionPath,
          select: request.select,
        });
        await this.hooks.beforeList?.(tenant, request, call);
        const keep = new Set(["id", "displayName", ...request.select]);
        return this.objects(tenant, request.graphVersion, request.collectionPath).map(
          (object) =>
            Object.fromEntries(
              Object.entries(structuredClone(object)).filter(([key]) => keep.has(key)),
            ) as LiveObject,
        );
      },
      patch: async (request: PatchRequest, options?: PatchOptions): Promise<PatchResponse> => {
        // One attempt, so one request sent: the caller's budget takes its slot here.
        await options?.beforeSend?.(1);
        this.calls.push({
          tenant,
          method: "PATCH",
          graphVersion: request.graphVersion,
          collectionPath: request.collectionPath,
          id: request.id,
          body: structuredClone(request.body),
        });
        this.enter(tenant);
        try {
          await this.hooks.beforePatch?.(tenant, request);
          const object = this.objects(tenant, request.graphVersion, request.collectionPath).find(
            (o) => o.id === request.id,
          );
          if (!object) throw new Error(`404 ${request.id}`);
          Object.assign(object, structuredClone(request.body));
          this.hooks.afterPatch?.(tenant, object);
          const status = this.hooks.patchStatus ?? 204;
          return status === 200
            ? { status, object: structuredClone(object), requestId: `req-${this.calls.length}` }
            : { status, requestId: `req-${this.calls.length}` };
        } finally {
          this.leave(tenant);
        }
      },
    };
  }

  private enter(tenant: string) {
    const now = (this.inFlight.get(tenant) ?? 0) + 1;
    this.inFlight.set(tenant, now);
    this.maxInFlight.set(tenant, Math.max(this.maxInFlight.get(tenant) ?? 0, now));
    this.inFlightOverall++;
    this.maxInFlightOverall = Math.max(this.maxInFlightOverall, this.inFlightOverall);
  }

  private leave(tenant: string) {
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 1) - 1);
    this.inFlightOverall--;
  }
}
