import { describe, expect, it } from "vitest";
import type { DesiredObject, DesiredState, TenantConfig } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import { RESOURCES } from "../resources/registry.ts";
import type { GraphVersion } from "../resources/types.ts";
import { collectionReads, readLiveState, type ReadProgressEvent } from "./read-live.ts";
import { GraphRequestError, type GraphClient } from "../graph/types.ts";
import { InMemoryGraph } from "../../test/helpers/in-memory-graph.ts";

const source = { file: "x.yaml", line: 1, column: 1 };
const [first, second] = RESOURCES;
if (first === undefined || second === undefined) throw new Error("the registry lists two kinds");

function tenant(name: string): TenantConfig {
  return {
    name,
    tenantId: "00000000-0000-0000-0000-000000000000",
    cloud: "global",
    graphVersion: "beta",
    auth: { method: "azureCli" },
    source,
  };
}

function object(
  kind: string,
  tenantName: string,
  name: string,
  graphVersion: GraphVersion,
  spec: Record<string, JsonValue>,
): DesiredObject {
  return {
    kind,
    name,
    tenant: tenantName,
    match: { by: "displayName", displayName: name },
    graphVersion,
    spec,
    source,
    propertySources: {},
  };
}

/** Properties of a kind in a version, by position, so the test names no kind or property. */
function prop(kindIndex: number, version: GraphVersion, index: number): string {
  const name = RESOURCES[kindIndex]?.properties[version][index]?.name;
  if (name === undefined)
    throw new Error("the registry has fewer properties than the test assumes");
  return name;
}

/** What the kind's health checks read in a version, in the registry's order (always selected). */
function healthProperties(kindIndex: number, version: GraphVersion): string[] {
  const resource = RESOURCES[kindIndex]!;
  const read = new Set(
    (resource.health ?? []).flatMap((check) =>
      check.check === "state" ? [check.property] : [check.property, check.when.property],
    ),
  );
  return resource.properties[version].map((p) => p.name).filter((name) => read.has(name));
}

/** `id`, `displayName`, then the declared and health properties in the registry's order. */
function selected(kindIndex: number, version: GraphVersion, declared: string[]): string[] {
  const wanted = new Set([...declared, ...healthProperties(kindIndex, version)]);
  const names = RESOURCES[kindIndex]!.properties[version].map((p) => p.name);
  return [...new Set(["id", "displayName", ...names.filter((name) => wanted.has(name))])];
}

function state(objects: DesiredObject[], tenants = ["a", "b"]): DesiredState {
  return { tenants: tenants.map(tenant), objects, digest: "0", files: [] };
}

describe("collectionReads", () => {
  it("asks one listing per tenant, kind and version, selecting the union of declared properties", () => {
    // Every kind's health is read from the same listing: its properties are always selected.
    expect(RESOURCES.every((_, index) => healthProperties(index, "beta").length > 0)).toBe(true);
    const p1 = prop(0, "beta", 1);
    const p2 = prop(0, "beta", 2);
    const desired = state([
      object(second.kind, "b", "x", "v1.0", { [prop(1, "v1.0", 1)]: "v" }),
      object(first.kind, "a", "one", "beta", { [p2]: "v" }),
      object(first.kind, "a", "two", "beta", { [p1]: "v", displayName: "two" }),
      object(first.kind, "a", "three", "v1.0", {}),
    ]);
    const reads = collectionReads(desired);
    expect([...reads.keys()]).toEqual(["a", "b"]);
    expect(reads.get("a")).toEqual([
      {
        tenant: "a",
        kind: first.kind,
        graphVersion: "v1.0",
        collectionPath: first.collectionPath,
        select: selected(0, "v1.0", []),
      },
      {
        tenant: "a",
        kind: first.kind,
        graphVersion: "beta",
        collectionPath: first.collectionPath,
        // Registry order, whatever order the objects declared them in.
        select: selected(0, "beta", [p1, p2]),
      },
    ]);
    expect(reads.get("b")).toEqual([
      {
        tenant: "b",
        kind: second.kind,
        graphVersion: "v1.0",
        collectionPath: second.collectionPath,
        select: selected(1, "v1.0", [prop(1, "v1.0", 1)]),
      },
    ]);
  });

  it("never selects a deprecated property, which Graph's metadata no longer has", () => {
    const deprecated = RESOURCES.flatMap((resource) =>
      resource.properties.beta
        .filter((property) => property.deprecated)
        .map((property) => ({ resource, name: property.name })),
    );
    expect(deprecated.length).toBeGreaterThan(0);
    for (const { resource, name } of deprecated) {
      const reads = collectionReads(
        state([object(resource.kind, "a", "x", "beta", { [name]: "2024-01-01T00:00:00Z" })]),
      );
      expect(reads.get("a")![0]!.select).not.toContain(name);
    }
  });

  it("reads only the tenants asked for", () => {
    const desired = state([
      object(first.kind, "a", "x", "beta", {}),
      object(first.kind, "b", "y", "beta", {}),
    ]);
    expect([...collectionReads(desired, ["b"]).keys()]).toEqual(["b"]);
    expect([...collectionReads(desired, []).keys()]).toEqual([]);
  });
});

describe("readLiveState with in-memory clients", () => {
  // The Graph client itself is tested over HTTPS against the emulator (test/graph); here only
  // the orchestration: grouping, failure isolation, ordering, concurrency.
  const desired = state(
    [
      object(first.kind, "a", "x", "beta", {}),
      object(second.kind, "a", "y", "beta", {}),
      object(first.kind, "b", "z", "v1.0", {}),
      object(first.kind, "c", "w", "v1.0", {}),
    ],
    ["a", "b", "c"],
  );

  it("records a collection failure and a tenant failure without hiding the rest, in a stable order", async () => {
    const graph = new InMemoryGraph({
      beforeList(tenant, request) {
        if (tenant === "a" && request.collectionPath === second.collectionPath) {
          throw new GraphRequestError("GET …: HTTP 403 Forbidden (request-id r1)", {
            status: 403,
            code: "Forbidden",
            requestId: "r1",
          });
        }
      },
    });
    graph.put("a", "beta", first.collectionPath, [{ id: "a-1", displayName: "d" }]);
    graph.put("b", "v1.0", first.collectionPath, [{ id: "b-1", displayName: "d" }]);
    const clients = (name: string): GraphClient => {
      if (name === "c") throw new Error("tenant c: could not get a token");
      return graph.clientFor(name);
    };
    const snapshot = await readLiveState(desired, clients, { concurrency: 2 });
    const calls = graph
      .lists()
      .map((call) => `${call.tenant} ${call.graphVersion} ${call.collectionPath}`);
    expect(calls.sort()).toEqual(
      [
        `a beta ${first.collectionPath}`,
        `a beta ${second.collectionPath}`,
        `b v1.0 ${first.collectionPath}`,
      ].sort(),
    );
    expect(
      snapshot.collections.map(
        (c) => `${c.tenant} ${c.kind} ${c.graphVersion} ${c.objects.length}`,
      ),
    ).toEqual([`a ${first.kind} beta 1`, `b ${first.kind} v1.0 1`]);
    expect(snapshot.failures).toEqual([
      {
        tenant: "a",
        kind: second.kind,
        graphVersion: "beta",
        message: "GET …: HTTP 403 Forbidden (request-id r1)",
        status: 403,
        code: "Forbidden",
        requestId: "r1",
        cause: "permissions",
      },
      { tenant: "c", message: "tenant c: could not get a token", cause: "credentials" },
    ]);
  });

  it("records a token failure once per tenant, not once per collection", async () => {
    const tokenError = new Error("tenant a: AADSTS7000215");
    const graph = new InMemoryGraph({
      beforeList() {
        throw tokenError;
      },
    });
    const clients = (tenant: string) => graph.clientFor(tenant);
    const snapshot = await readLiveState(desired, clients, { tenants: ["a"] });
    expect(snapshot).toEqual({
      collections: [],
      failures: [{ tenant: "a", message: "tenant a: AADSTS7000215", cause: "credentials" }],
    });
  });

  it("never reads more tenants at once than the bound", async () => {
    let active = 0;
    let peak = 0;
    const many = state(
      Array.from({ length: 10 }, (_, i) => object(first.kind, `t${i}`, "x", "beta", {})),
      Array.from({ length: 10 }, (_, i) => `t${i}`),
    );
    const graph = new InMemoryGraph({
      async beforeList() {
        await new Promise((resolve) => setTimeout(resolve, 5));
        active--;
      },
    });
    const clients = async (): Promise<GraphClient> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return graph.clientFor("any");
    };
    const snapshot = await readLiveState(many, clients, { concurrency: 3 });
    expect(snapshot.collections).toHaveLength(10);
    expect(peak).toBe(3);
  });
});

describe("collectionReads, declared names the registry does not know", () => {
  it("selects them after the known ones, sorted, each once", () => {
    const desired = state([
      object(first.kind, "a", "x", "beta", { zeta: 1, [prop(0, "beta", 1)]: "v", alpha: 2 }),
      object(first.kind, "a", "y", "beta", { alpha: 3 }),
    ]);
    expect(collectionReads(desired).get("a")?.[0]?.select).toEqual([
      ...selected(0, "beta", [prop(0, "beta", 1)]),
      "alpha",
      "zeta",
    ]);
  });
});

describe("readLiveState's progress, abort and tenant scheduling", () => {
  const desired = state(
    [
      object(first.kind, "a", "x", "beta", {}),
      object(second.kind, "a", "y", "beta", {}),
      object(first.kind, "b", "z", "v1.0", {}),
    ],
    ["a", "b"],
  );

  it("reports each tenant's start, each listing done or failed, and a tenant that could not connect", async () => {
    const graph = new InMemoryGraph({
      beforeList(_tenant, request) {
        if (request.collectionPath === second.collectionPath) {
          throw new GraphRequestError("GET …: HTTP 503", { status: 503 });
        }
      },
    });
    graph.put("a", "beta", first.collectionPath, [
      { id: "a-1", displayName: "d" },
      { id: "a-2", displayName: "e" },
    ]);
    const events: ReadProgressEvent[] = [];
    const snapshot = await readLiveState(
      desired,
      (name) => {
        // Whatever a credential library throws is described, even a value that is not an Error.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        if (name === "b") throw "no token for b";
        return graph.clientFor(name);
      },
      { onProgress: (event) => events.push(event), concurrency: 1 },
    );
    expect(events).toStrictEqual([
      { type: "tenant-start", tenant: "a", collections: 2 },
      {
        type: "collection-done",
        tenant: "a",
        kind: first.kind,
        graphVersion: "beta",
        objects: 2,
      },
      {
        type: "collection-failed",
        tenant: "a",
        kind: second.kind,
        graphVersion: "beta",
        message: "GET …: HTTP 503",
      },
      { type: "tenant-start", tenant: "b", collections: 1 },
      { type: "collection-failed", tenant: "b", message: "no token for b" },
    ]);
    // A thrown value that is not an Error is still one line; a Graph error keeps only what it has.
    expect(snapshot.failures).toStrictEqual([
      {
        tenant: "a",
        kind: second.kind,
        graphVersion: "beta",
        message: "GET …: HTTP 503",
        cause: "graph-outage",
        status: 503,
      },
      { tenant: "b", message: "no token for b", cause: "credentials" },
    ]);
  });

  it("reads no tenant once aborted, and hands the signal to every listing", async () => {
    const graph = new InMemoryGraph();
    const aborted = new AbortController();
    aborted.abort();
    expect(
      await readLiveState(desired, (name) => graph.clientFor(name), {
        abortSignal: aborted.signal,
      }),
    ).toStrictEqual({ collections: [], failures: [] });
    expect(graph.lists()).toEqual([]);

    // Aborted while tenant a connects: both of its listings stop, recorded once for the tenant.
    const during = new AbortController();
    const snapshot = await readLiveState(
      desired,
      (name) => {
        during.abort();
        return graph.clientFor(name);
      },
      { abortSignal: during.signal, tenants: ["a"] },
    );
    expect(snapshot.collections).toEqual([]);
    expect(snapshot.failures.map((failure) => [failure.tenant, failure.kind])).toEqual([
      ["a", undefined],
    ]);
  });

  it("reads every tenant even when asked for fewer than one at a time", async () => {
    const graph = new InMemoryGraph();
    const snapshot = await readLiveState(desired, (name) => graph.clientFor(name), {
      concurrency: 0,
    });
    expect(snapshot.collections.map((c) => c.tenant)).toEqual(["a", "a", "b"]);
  });

  it("lets forEachTenant schedule the tenants, telling it which tenant each group is", async () => {
    const graph = new InMemoryGraph();
    const named: string[] = [];
    const snapshot = await readLiveState(desired, (name) => graph.clientFor(name), {
      concurrency: 1,
      forEachTenant: async (groups, tenantOf, task) => {
        for (const group of [...groups].reverse()) {
          named.push(tenantOf(group));
          await task(group);
        }
      },
    });
    expect(named).toEqual(["b", "a"]);
    expect(graph.lists().map((call) => call.tenant)).toEqual(["b", "a", "a"]);
    expect(snapshot.collections.map((c) => `${c.tenant} ${c.kind}`)).toEqual([
      `a ${first.kind}`,
      `a ${second.kind}`,
      `b ${first.kind}`,
    ]);
  });
});
