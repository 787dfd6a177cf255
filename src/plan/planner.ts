import deepDiff from "deep-diff";
import type { DesiredObject, DesiredState, ObjectMatch } from "../config/model.ts";
import type { LiveObject } from "../live-object.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import { findResource, getResource, propertyTypeOf } from "../resources/registry.ts";
import type { GraphVersion, PropertyType, ResourceDefinition } from "../resources/types.ts";
import { canonicalJson, compareStrings } from "../canonical-json.ts";
import { fingerprintValues } from "./fingerprint.ts";
import {
  PLAN_FORMAT_VERSION,
  type LiveReadFailure,
  type LiveSnapshot,
  type Plan,
  type PlanProblem,
  type PropertyChange,
  type ResourceChange,
} from "./model.ts";
import { AcceptanceLedger } from "./acceptance-ledger.ts";
import { normaliseValue, valuesEqual } from "./normalise.ts";
import { propertyChange } from "./property-change.ts";
import { assessHealth } from "./health.ts";
import type { FailureCause } from "../failure-cause.ts";

export interface CreatePlanInput {
  readonly desired: DesiredState;
  readonly live: LiveSnapshot;
  readonly toolVersion: string;
  /** The tenants to plan (`--tenant`, `--shard`); default: every tenant of the configuration. */
  readonly tenants?: readonly string[];
  /** Today, for the acceptances' expiry (default: the system clock). */
  readonly now?: Date;
}

type Candidate = NonNullable<PlanProblem["candidates"]>[number];

/**
 * Compares the desired state with the live one and says what `apply` would change. Pure and
 * deterministic: the same input (in any order of objects and collections) gives the same plan.
 *
 * Each declared object is matched to exactly one live object of its tenant, kind and Graph
 * version, by `id` or by an exact `displayName`; no match, several, or a live object claimed by
 * two declarations is a problem for that object, never a guess. Only the declared properties are
 * compared (normalised, see `normaliseValue`) and only the changed ones are sent.
 */
export function createPlan(input: CreatePlanInput): Plan {
  const tenants = selectTenants(input);
  const selected = new Set(tenants);
  const objects = input.desired.objects.filter((object) => selected.has(object.tenant));
  const collections = indexCollections(input.live);
  const failures = [
    ...input.live.failures.filter((failure) => selected.has(failure.tenant)),
    ...unreadCollections(objects, collections, input.live.failures),
  ];

  // "The other tenants were planned" only when some tenant was not lost as a whole.
  const lostTenants = new Set(
    failures.filter((failure) => failure.kind === undefined).map((failure) => failure.tenant),
  );
  const problems: PlanProblem[] = failures.map((failure) =>
    readFailedProblem(
      failure,
      objects.filter((object) => failureAffects(failure, object)),
      tenants.some((tenant) => tenant !== failure.tenant && !lostTenants.has(tenant)),
    ),
  );

  const matches: Match[] = [];
  for (const object of objects) {
    if (failures.some((failure) => failureAffects(failure, object))) continue;
    const resource = getResource(object.kind);
    const live = collections.get(collectionKey(object.tenant, object.kind, object.graphVersion));
    const result = matchObject(object, resource, live ?? []);
    if ("problem" in result) problems.push(result.problem);
    else matches.push(result);
  }

  const changes: ResourceChange[] = [];
  const unchangedByTenant: Record<string, number> = Object.fromEntries(
    tenants.map((tenant) => [tenant, 0]),
  );
  const { unique, duplicates } = splitDuplicateMatches(matches);
  problems.push(...duplicates);
  const now = input.now ?? new Date();
  const acceptances = new AcceptanceLedger(now);
  for (const match of unique) {
    const change = planObject(match, acceptances);
    if (change) changes.push(change);
    else unchangedByTenant[match.object.tenant] = (unchangedByTenant[match.object.tenant] ?? 0) + 1;
  }

  const comparedByObject: Record<string, number> = {};
  for (const match of unique) {
    const key = `${match.resource.graphType}.${match.object.name}`;
    comparedByObject[key] = (comparedByObject[key] ?? 0) + 1;
  }

  // Health is read from the same live objects, and reported apart: it never makes a change.
  const health = assessHealth(
    unique.map((match) => ({
      address: addressOf(match.resource, match.object.tenant, match.object.name),
      tenant: match.object.tenant,
      resource: match.resource,
      graphVersion: match.object.graphVersion,
      live: match.live,
    })),
    input.desired.tenants,
    now,
  );

  return {
    formatVersion: PLAN_FORMAT_VERSION,
    toolVersion: input.toolVersion,
    configDigest: input.desired.digest,
    tenants,
    changes: changes.sort(
      (a, b) => compareStrings(a.address, b.address) || compareStrings(a.liveId, b.liveId),
    ),
    unchangedCount: Object.values(unchangedByTenant).reduce((sum, count) => sum + count, 0),
    unchangedByTenant,
    problems: problems.sort(compareProblems),
    ...acceptances.report(objects, (object) =>
      addressOf(getResource(object.kind), object.tenant, object.name),
    ),
    comparedByObject: Object.fromEntries(
      Object.entries(comparedByObject).sort(([a], [b]) => compareStrings(a, b)),
    ),
    ...(health.length === 0 ? {} : { health }),
  };
}

/** `graphType[tenant].name`, e.g. `remoteAssistancePartner[contoso].teamviewer`. */
export function addressOf(resource: ResourceDefinition, tenant: string, name: string): string {
  return `${resource.graphType}[${tenant}].${name}`;
}

/**
 * The declared (managed) properties of an object, in the registry's order: never `id`, never an
 * annotation. These are the only properties compared, fingerprinted and sent.
 */
export function declaredProperties(
  resource: ResourceDefinition,
  version: GraphVersion,
  spec: Readonly<Record<string, JsonValue>>,
): string[] {
  const order = new Map(
    resource.properties[version].map((property, index) => [property.name, index]),
  );
  return Object.keys(spec)
    .filter((name) => name !== "id" && !name.includes("@"))
    .sort(
      (a, b) =>
        (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) ||
        compareStrings(a, b),
    );
}

/**
 * A declared value as it goes into the PATCH body: as written, except what its type's module
 * says (`patchValue`): GUIDs lower-case (as Graph returns them), an assignment collection as a
 * list of `{ target }` with the target's `@odata.type` canonical and every other annotation
 * dropped.
 */
export function patchValue(type: PropertyType, declared: JsonValue): JsonValue {
  return propertyBehaviour(type).patchValue(declared);
}

interface Match {
  readonly object: DesiredObject;
  readonly resource: ResourceDefinition;
  readonly live: LiveObject;
}

function planObject(
  { object, resource, live }: Match,
  acceptances: AcceptanceLedger,
): ResourceChange | undefined {
  const version = object.graphVersion;
  const properties = declaredProperties(resource, version, object.spec);
  const before: JsonObject = {};
  const after: JsonObject = {};
  for (const property of properties) {
    const type = propertyTypeOf(resource, version, property);
    before[property] = normaliseValue(type, live[property], version) ?? null;
    after[property] = normaliseValue(type, object.spec[property], version) ?? null;
  }
  // deep-diff finds which declared properties differ; both sides are normalised, so every
  // difference it reports is a real one. The first path element is the property.
  const changed = new Set<string>();
  for (const difference of deepDiff.diff(before, after) ?? []) {
    const head: unknown = difference.path?.[0];
    if (typeof head === "string") changed.add(head);
  }
  const address = addressOf(resource, object.tenant, object.name);
  for (const property of [...changed]) {
    const type = propertyTypeOf(resource, version, property);
    const covered = acceptances.covers(object, address, property, {
      live: before[property] ?? null,
      desired: patchValue(type, object.spec[property] ?? null),
      sameAsLive: (accepted) => valuesEqual(type, accepted, live[property], version),
    });
    if (covered) changed.delete(property);
  }
  if (changed.size === 0) return undefined;

  const changes: PropertyChange[] = [];
  const patch: JsonObject = {};
  for (const property of properties.filter((name) => changed.has(name))) {
    const value = patchValue(propertyTypeOf(resource, version, property), object.spec[property]!);
    changes.push(
      propertyChange(resource, version, {
        property,
        before: before[property] ?? null,
        after: value,
      }),
    );
    patch[property] = value;
  }
  return {
    address,
    kind: resource.kind,
    graphType: resource.graphType,
    name: object.name,
    tenant: object.tenant,
    graphVersion: version,
    collectionPath: resource.collectionPath,
    liveId: live.id,
    liveDisplayName: displayNameOf(resource, live),
    changes,
    patch,
    declaredProperties: properties,
    // `before` holds exactly the normalised live values fingerprintObject would compute.
    fingerprint: fingerprintValues(before),
    ...(object.mode === undefined ? {} : { mode: object.mode }),
  };
}

/**
 * The live objects a declared `match` selects: by `id`, or by an exact `displayName`. The match
 * rule itself, shared by `plan` and by `apply` (which runs it again on its fresh read): exactly
 * one result is a match, none or several are not.
 */
export function liveMatches(
  match: ObjectMatch,
  resource: ResourceDefinition,
  live: readonly LiveObject[],
): LiveObject[] {
  return match.by === "id"
    ? live.filter((candidate) => candidate.id === match.id)
    : live.filter((candidate) => displayNameOf(resource, candidate) === match.displayName);
}

function matchObject(
  object: DesiredObject,
  resource: ResourceDefinition,
  live: readonly LiveObject[],
): Match | { problem: PlanProblem } {
  const { match } = object;
  const found = liveMatches(match, resource, live);
  if (found.length === 1) return { object, resource, live: found[0]! };

  const address = addressOf(resource, object.tenant, object.name);
  const what =
    match.by === "id"
      ? `id ${JSON.stringify(match.id)}`
      : `displayName ${JSON.stringify(match.displayName)}`;
  const base = { tenant: object.tenant, address, source: object.source };
  if (found.length > 1) {
    return {
      problem: {
        ...base,
        code: "ambiguous",
        summary: `${found.length} live ${resource.graphType} objects in tenant ${object.tenant} have ${what}`,
        detail:
          match.by === "id"
            ? "Graph listed the same id more than once, which it should never do: run plan again, and report it if it persists."
            : "intune-gitops will not guess which one to manage: match by id instead (metadata.match: { id: <one of the ids listed> }), or rename the others in Intune so the displayName is unique.",
        candidates: candidatesOf(resource, found),
      },
    };
  }
  const empty = live.length === 0;
  return {
    problem: {
      ...base,
      code: "not-found",
      summary:
        `no live ${resource.graphType} in tenant ${object.tenant} has ${what}` +
        (empty ? ` (the tenant has no ${resource.graphType} at all)` : ""),
      detail: notFoundDetail(object, resource, live),
      candidates: candidatesOf(resource, live),
    },
  };
}

function notFoundDetail(
  object: DesiredObject,
  resource: ResourceDefinition,
  live: readonly LiveObject[],
): string {
  const hints: string[] = [];
  if (object.match.by === "id") {
    hints.push(
      "Check metadata.match.id against the live objects listed (ids differ between tenants: match by displayName for an object declared in several tenants).",
    );
  } else {
    const wanted = object.match.displayName;
    hints.push(
      "intune-gitops only updates existing objects: create it in Intune first, or set metadata.match.displayName to the exact (case-sensitive) displayName of one of the live objects listed.",
    );
    const nearMiss = live
      .map((candidate) => displayNameOf(resource, candidate))
      .filter(
        (name): name is string => name !== null && name.toLowerCase() === wanted.toLowerCase(),
      );
    if (nearMiss.length > 0) {
      hints.push(`${JSON.stringify(nearMiss.sort(compareStrings)[0])} differs only in case.`);
    }
    const renamedTo = object.spec[resource.displayNameProperty];
    if (
      typeof renamedTo === "string" &&
      renamedTo !== wanted &&
      live.some((candidate) => displayNameOf(resource, candidate) === renamedTo)
    ) {
      hints.push(
        `The spec renames it to ${JSON.stringify(renamedTo)} and a live object has that name: if the rename was applied, update metadata.match.displayName (or match by id).`,
      );
    }
  }
  return hints.join(" ");
}

/**
 * Two declarations resolving to one live object would send competing PATCHes (and the second
 * would find the fingerprint moved): neither is planned.
 */
function splitDuplicateMatches(matches: readonly Match[]): {
  unique: Match[];
  duplicates: PlanProblem[];
} {
  const byLiveObject = new Map<string, Match[]>();
  for (const match of matches) {
    // The same object is reachable through v1.0 and beta: the version is not part of the key.
    const key = JSON.stringify([match.object.tenant, match.object.kind, match.live.id]);
    byLiveObject.set(key, [...(byLiveObject.get(key) ?? []), match]);
  }
  const unique: Match[] = [];
  const duplicates: PlanProblem[] = [];
  for (const group of byLiveObject.values()) {
    if (group.length === 1) {
      unique.push(group[0]!);
      continue;
    }
    const addresses = group
      .map((match) => addressOf(match.resource, match.object.tenant, match.object.name))
      .sort(compareStrings);
    for (const match of group) {
      const address = addressOf(match.resource, match.object.tenant, match.object.name);
      const others = addresses.filter((other) => other !== address).join(", ");
      duplicates.push({
        code: "duplicate-match",
        tenant: match.object.tenant,
        address,
        source: match.object.source,
        summary: `matches the same live ${match.resource.graphType} (id ${match.live.id}) as ${others}`,
        detail:
          "A live object can be managed by one declaration only: merge the declarations, or change metadata.match so that each matches a different object.",
        candidates: candidatesOf(match.resource, [match.live]),
      });
    }
  }
  return { unique, duplicates };
}

function readFailedProblem(
  failure: LiveReadFailure,
  affected: readonly DesiredObject[],
  othersPlanned: boolean,
): PlanProblem {
  const kindName =
    failure.kind === undefined
      ? undefined
      : (findResource(failure.kind)?.graphType ?? failure.kind);
  const tenant = failure.tenant;
  const cause = failure.cause;
  const what = kindName
    ? `could not read ${kindName} (${failure.graphVersion ?? "all versions"}) in tenant ${tenant}`
    : cause === "credentials"
      ? `could not sign in to tenant ${tenant}`
      : cause === "permissions"
        ? `not permitted in tenant ${tenant}`
        : cause === "configuration"
          ? `tenant ${tenant} was not contacted`
          : `could not read tenant ${tenant}`;
  const count = affected.length;
  const consequence = [
    ...(count === 0
      ? []
      : [`${count} declared object${count === 1 ? " was" : "s were"} not planned.`]),
    ...(othersPlanned ? ["The other tenants were planned."] : []),
  ].join(" ");
  return {
    code: "read-failed",
    tenant,
    // The message names the tenant itself at times ("tenant contoso: …"): once is enough.
    summary: `${what}: ${withoutTenantPrefix(failure.message, tenant)}`,
    detail: `${adviceFor(failure)} ${consequence}`.trim(),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** What to do, by cause: each has its own fix. */
function adviceFor(failure: LiveReadFailure): string {
  const tenant = failure.tenant;
  switch (failure.cause ?? causeOfStatus(failure.status)) {
    case "credentials":
      return `Check tenant ${tenant}'s tenantId, cloud and auth settings, and that the credential they name (secret, certificate or federated credential) is set and valid.`;
    case "permissions":
      return `An administrator of tenant ${tenant} must grant the app the Microsoft Graph application permission named above (DeviceManagementServiceConfig.Read.All to plan, DeviceManagementServiceConfig.ReadWrite.All to apply) with admin consent.`;
    case "network":
      return "Check that this machine can reach the endpoint (DNS, firewall, HTTPS_PROXY / NO_PROXY), then run again.";
    case "graph-outage":
      return `Microsoft Graph is throttling or failing: run again later; if it lasts, quote the request-id${failure.requestId === undefined ? "" : ` ${failure.requestId}`} to Microsoft support.`;
    case "configuration":
      return "Fix the setting named above (or pass the flag it names), then run again.";
    case "graph-error":
    case undefined:
      return failure.requestId === undefined
        ? "Graph refused the request: its message above says why."
        : `Graph refused the request: its message above says why; quote the request-id ${failure.requestId} if you ask Microsoft support.`;
  }
}

/** A cause from the HTTP status alone, for failures recorded without one. */
function causeOfStatus(status: number | undefined): FailureCause | undefined {
  if (status === 401) return "credentials";
  if (status === 403) return "permissions";
  if (status === 429 || (status !== undefined && status >= 500)) return "graph-outage";
  return undefined;
}

function withoutTenantPrefix(message: string, tenant: string): string {
  const prefix = `tenant ${tenant}`;
  if (!message.startsWith(prefix)) return message;
  const rest = message.slice(prefix.length);
  const match = /^(?: \([^)]*\))?: /.exec(rest);
  return match === null ? message : rest.slice(match[0].length);
}

function failureAffects(failure: LiveReadFailure, object: DesiredObject): boolean {
  return (
    failure.tenant === object.tenant &&
    (failure.kind === undefined || failure.kind === object.kind) &&
    (failure.graphVersion === undefined || failure.graphVersion === object.graphVersion)
  );
}

/**
 * Collections the objects need that the snapshot neither holds nor reports as failed: a bug in
 * the caller, reported as a failed read rather than as "not found" (which would be a lie).
 */
function unreadCollections(
  objects: readonly DesiredObject[],
  collections: ReadonlyMap<string, readonly LiveObject[]>,
  failures: readonly LiveReadFailure[],
): LiveReadFailure[] {
  const missing = new Map<string, LiveReadFailure>();
  for (const object of objects) {
    const key = collectionKey(object.tenant, object.kind, object.graphVersion);
    if (collections.has(key) || failures.some((failure) => failureAffects(failure, object))) {
      continue;
    }
    missing.set(key, {
      tenant: object.tenant,
      kind: object.kind,
      graphVersion: object.graphVersion,
      message: "the collection was not read (this is a bug in intune-gitops: please report it)",
    });
  }
  return [...missing.values()];
}

function selectTenants(input: CreatePlanInput): string[] {
  const names = input.tenants ?? [
    ...input.desired.tenants.map((tenant) => tenant.name),
    ...input.desired.objects.map((object) => object.tenant),
  ];
  return [...new Set(names)].sort(compareStrings);
}

function collectionKey(tenant: string, kind: string, version: GraphVersion): string {
  return JSON.stringify([tenant, kind, version]);
}

/**
 * Collections by tenant, kind and version. A collection listed twice is read as one, and an
 * object listed twice identically (paging can repeat one when the collection changes while it is
 * read) counts once; two different objects with one id stay two (and are reported ambiguous).
 */
function indexCollections(live: LiveSnapshot): Map<string, LiveObject[]> {
  const index = new Map<string, CollectionIndex>();
  for (const collection of live.collections) {
    const key = collectionKey(collection.tenant, collection.kind, collection.graphVersion);
    let entry = index.get(key);
    if (entry === undefined) {
      entry = { objects: [], byId: new Map() };
      index.set(key, entry);
    }
    for (const object of collection.objects) addLiveObject(entry, object);
  }
  return new Map([...index].map(([key, entry]) => [key, entry.objects]));
}

interface CollectionIndex {
  /** In the order each distinct object was first listed. */
  readonly objects: LiveObject[];
  /** The positions in `objects` of the objects listed with an id. */
  readonly byId: Map<LiveObject["id"], number[]>;
}

/**
 * Adds an object unless an identical one (the same canonical JSON) is there already, in which
 * case the later one takes its place. Objects are compared as text only when they share an id:
 * two identical objects have the same id, and the canonical text of every live object at once
 * was megabytes of strings at fleet scale (bench/RESULTS.md, change 22).
 */
function addLiveObject(entry: CollectionIndex, object: LiveObject): void {
  const sameId = entry.byId.get(object.id);
  if (sameId === undefined) {
    entry.byId.set(object.id, [entry.objects.length]);
    entry.objects.push(object);
    return;
  }
  const text = canonicalJson(object);
  const position = sameId.find((at) => canonicalJson(entry.objects[at]!) === text);
  if (position !== undefined) {
    entry.objects[position] = object;
    return;
  }
  sameId.push(entry.objects.length);
  entry.objects.push(object);
}

function displayNameOf(resource: ResourceDefinition, object: LiveObject): string | null {
  const value = object[resource.displayNameProperty];
  return typeof value === "string" ? value : null;
}

function candidatesOf(resource: ResourceDefinition, objects: readonly LiveObject[]): Candidate[] {
  const unique = new Map<string, Candidate>();
  for (const object of objects) {
    const candidate = { id: object.id, displayName: displayNameOf(resource, object) };
    unique.set(JSON.stringify(candidate), candidate);
  }
  return [...unique.values()].sort(
    (a, b) => compareNullable(a.displayName, b.displayName) || compareStrings(a.id, b.id),
  );
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareStrings(a, b);
}

/** The order of `Plan.problems`: tenant, address, code, then text. */
export function compareProblems(a: PlanProblem, b: PlanProblem): number {
  return (
    compareStrings(a.tenant, b.tenant) ||
    compareStrings(a.address ?? "", b.address ?? "") ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.summary, b.summary) ||
    compareStrings(a.detail, b.detail)
  );
}
