import { describe, expect, it } from "vitest";
import type { DesiredObject } from "../config/model.ts";
import { RESOURCES } from "../resources/registry.ts";
import type { GraphVersion } from "../resources/types.ts";
import { GraphRequestError, type GraphClient, type ListCollectionRequest } from "../graph/types.ts";
import { collectionReads, readLiveState, type ReadProgressEvent } from "./read-live.ts";
import { InMemoryGraph } from "../../test/helpers/in-memory-graph.ts";
import { desiredObject, desiredState as state } from "../../test/helpers/plan-builders.ts";

/**
 * The snapshot's order does not follow the network: listings here finish in the reverse of the
 * order the snapshot lists them in (and one tenant before the one named first), and the snapshot
 * is still by tenant, then kind in the registry's order, then Graph version; a tenant-wide
 * failure comes first in its tenant. Also how a failure that is not Graph's is described.
 */
const [first, second] = RESOURCES;
if (first === undefined || second === undefined) throw new Error("the registry lists two kinds");

function object(kind: string, tenant: string, graphVersion: GraphVersion): DesiredObject {
  const name = `${kind} ${graphVersion}`;
  return desiredObject({
    kind,
    name,
    tenant,
    graphVersion,
    match: { by: "displayName", displayName: name },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `tenant kind version`, the way these tests name a listing. */
function nameOf(tenantName: string, request: ListCollectionRequest): string {
  const kind = RESOURCES.find((resource) => resource.collectionPath === request.collectionPath);
  return `${tenantName} ${kind?.kind ?? "?"} ${request.graphVersion}`;
}

// Tenant a declares every kind in both versions, in the reverse of the registry's order.
const everyKindBothVersions = state(
  [
    object(second.kind, "a", "beta"),
    object(second.kind, "a", "v1.0"),
    object(first.kind, "a", "beta"),
    object(first.kind, "a", "v1.0"),
    object(first.kind, "b", "beta"),
  ],
  ["a", "b"],
);
const inOrder = [
  `a ${first.kind} v1.0`,
  `a ${first.kind} beta`,
  `a ${second.kind} v1.0`,
  `a ${second.kind} beta`,
  `b ${first.kind} beta`,
];

describe("collectionReads' order", () => {
  it("lists a tenant's reads by kind in the registry's order, then by version, whatever order the objects are declared in", () => {
    const reads = collectionReads(everyKindBothVersions);
    expect(
      [...reads.values()].flat().map((read) => `${read.tenant} ${read.kind} ${read.graphVersion}`),
    ).toEqual(inOrder);
  });
});

describe("readLiveState's order, whatever order the listings finish in", () => {
  it("lists collections by tenant, kind and version, and reports progress in that order", async () => {
    const finished: string[] = [];
    const graph = new InMemoryGraph({
      async beforeList(tenantName, request) {
        // Each listing of tenant a answers 15 ms after the one after it in the snapshot; b at once.
        const name = nameOf(tenantName, request);
        await sleep(tenantName === "b" ? 0 : 15 * (inOrder.length - inOrder.indexOf(name)));
        finished.push(name);
      },
    });
    const events: ReadProgressEvent[] = [];
    const snapshot = await readLiveState(everyKindBothVersions, (name) => graph.clientFor(name), {
      concurrency: 2,
      onProgress: (event) => events.push(event),
    });
    // The listings did finish out of order: the snapshot's last first, tenant b before tenant a.
    expect(finished).toEqual([...inOrder].reverse());
    expect(snapshot.failures).toEqual([]);
    expect(snapshot.collections.map((c) => `${c.tenant} ${c.kind} ${c.graphVersion}`)).toEqual(
      inOrder,
    );
    // A tenant's progress is reported in the snapshot's order too, once its listings have ended.
    expect(
      events
        .filter((event) => event.tenant === "a")
        .map((event) =>
          event.type === "collection-done"
            ? `${event.type} ${event.kind} ${event.graphVersion}`
            : event.type,
        ),
    ).toEqual([
      "tenant-start",
      `collection-done ${first.kind} v1.0`,
      `collection-done ${first.kind} beta`,
      `collection-done ${second.kind} v1.0`,
      `collection-done ${second.kind} beta`,
    ]);
  });

  it("puts a tenant-wide failure first in its tenant, before the collections that failed on their own", async () => {
    // Tenant a: its v1.0 listing cannot get a token (a federated assertion that expired
    // mid-run) after its beta listing was refused. Tenant b: the other way round in the
    // registry's order, and b finishes first.
    const desired = state(
      [
        object(first.kind, "a", "v1.0"),
        object(first.kind, "a", "beta"),
        object(first.kind, "b", "beta"),
        object(second.kind, "b", "beta"),
      ],
      ["a", "b"],
    );
    const expired = (name: string) =>
      new Error(
        `tenant ${name}: AADSTS700024: Client assertion is not within its valid time range.`,
      );
    const forbidden = (name: string) =>
      new GraphRequestError(`GET ${name}: HTTP 403 Forbidden (request-id r-${name})`, {
        status: 403,
        code: "Forbidden",
        requestId: `r-${name}`,
      });
    const finished: string[] = [];
    const graph = new InMemoryGraph({
      async beforeList(tenantName, request) {
        const name = nameOf(tenantName, request);
        if (name === `a ${first.kind} v1.0`) {
          await sleep(40);
          finished.push(name);
          throw expired(tenantName);
        }
        await sleep(tenantName === "a" ? 20 : 0);
        finished.push(name);
        if (name === `b ${second.kind} beta`) throw expired(tenantName);
        throw forbidden(tenantName);
      },
    });
    const events: ReadProgressEvent[] = [];
    const snapshot = await readLiveState(desired, (name) => graph.clientFor(name), {
      concurrency: 2,
      onProgress: (event) => events.push(event),
    });
    expect(finished).toEqual([
      `b ${first.kind} beta`,
      `b ${second.kind} beta`,
      `a ${first.kind} beta`,
      `a ${first.kind} v1.0`,
    ]);
    expect(snapshot.collections).toEqual([]);
    expect(snapshot.failures).toStrictEqual([
      {
        tenant: "a",
        message: "tenant a: AADSTS700024: Client assertion is not within its valid time range.",
        cause: "credentials",
      },
      {
        tenant: "a",
        kind: first.kind,
        graphVersion: "beta",
        message: "GET a: HTTP 403 Forbidden (request-id r-a)",
        cause: "permissions",
        status: 403,
        code: "Forbidden",
        requestId: "r-a",
      },
      {
        tenant: "b",
        message: "tenant b: AADSTS700024: Client assertion is not within its valid time range.",
        cause: "credentials",
      },
      {
        tenant: "b",
        kind: first.kind,
        graphVersion: "beta",
        message: "GET b: HTTP 403 Forbidden (request-id r-b)",
        cause: "permissions",
        status: 403,
        code: "Forbidden",
        requestId: "r-b",
      },
    ]);
    // The progress display says the same: the tenant-wide failure without a kind.
    expect(events.filter((event) => event.tenant === "b")).toStrictEqual([
      { type: "tenant-start", tenant: "b", collections: 2 },
      {
        type: "collection-failed",
        tenant: "b",
        kind: first.kind,
        graphVersion: "beta",
        message: "GET b: HTTP 403 Forbidden (request-id r-b)",
      },
      {
        type: "collection-failed",
        tenant: "b",
        message: "tenant b: AADSTS700024: Client assertion is not within its valid time range.",
      },
    ]);
  });
});

describe("readLiveState's description of a failure that is not Graph's", () => {
  const desired = state(
    [object(first.kind, "a", "beta"), object(first.kind, "b", "beta")],
    ["a", "b"],
  );

  it("takes only a GraphRequestError's details as Graph's status, code and request-id", async () => {
    // The Azure SDK's RestError carries the token endpoint's answer as `details`: that is not
    // Graph speaking, and a status or request-id from it would send the user to Graph.
    const restError = Object.assign(new Error("tenant a: the token endpoint answered 400"), {
      name: "RestError",
      details: { status: 400, code: "invalid_request", requestId: "token-endpoint-id" },
    });
    const graph = new InMemoryGraph();
    const snapshot = await readLiveState(desired, (name): GraphClient => {
      if (name === "a") throw restError;
      return graph.clientFor(name);
    });
    expect(snapshot.failures).toStrictEqual([
      { tenant: "a", message: "tenant a: the token endpoint answered 400", cause: "credentials" },
    ]);
    expect(snapshot.collections.map((c) => c.tenant)).toEqual(["b"]);
  });

  it("describes an error that only borrows Graph's name, without details, by its message", async () => {
    // Not from the Graph client (its errors always carry details): a lookalike must not stop
    // the whole read, only its collection.
    const lookalike = Object.assign(new Error("GET …: not from the Graph client"), {
      name: "GraphRequestError",
    });
    const graph = new InMemoryGraph({
      beforeList(tenantName) {
        if (tenantName === "a") throw lookalike;
      },
    });
    const snapshot = await readLiveState(desired, (name) => graph.clientFor(name));
    expect(snapshot.failures).toStrictEqual([
      {
        tenant: "a",
        kind: first.kind,
        graphVersion: "beta",
        message: "GET …: not from the Graph client",
        cause: "network",
      },
    ]);
    expect(snapshot.collections.map((c) => c.tenant)).toEqual(["b"]);
  });

  it("records a tenant whose credential throws null, and still reads the others", async () => {
    const graph = new InMemoryGraph();
    const snapshot = await readLiveState(desired, (name): GraphClient => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (name === "a") throw null;
      return graph.clientFor(name);
    });
    expect(snapshot.failures).toStrictEqual([
      { tenant: "a", message: "null", cause: "credentials" },
    ]);
    expect(snapshot.collections.map((c) => c.tenant)).toEqual(["b"]);
  });
});
