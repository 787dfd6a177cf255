/**
 * The doctor's checks of one partner collection in one Graph version, from the answers Graph
 * gave: is it readable, is `$select` honoured (plan and apply read with it), and does the live
 * service return properties the registry does not know (a schema watch: Graph adds properties
 * over time, and this is how we hear of it) or no longer return ones it knows.
 */
import { isJsonObject, type JsonObject } from "../json.ts";
import { oneLine } from "../one-line.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import type { GraphVersion, ResourceDefinition } from "../resources/types.ts";
import type { DoctorCheck, Verdict } from "./model.ts";

/** What a GET got: Graph's JSON, or the failure (never retried further here). */
export type Answer =
  | { readonly ok: true; readonly body: JsonObject }
  | { readonly ok: false; readonly failure: GraphFailure };

export interface GraphFailure {
  /** HTTP status; absent when no answer came (network, timeout). */
  readonly status?: number;
  /** Graph's `error.code`. */
  readonly code?: string;
  readonly message: string;
}

export interface CollectionAnswers {
  readonly resource: ResourceDefinition;
  readonly graphVersion: GraphVersion;
  /** Whether the configuration uses this version for the tenant: a failure there is a `fail`. */
  readonly used: boolean;
  /** GET of the collection without `$select`. */
  readonly read: Answer;
  /** GET with `$select` of `selected`. */
  readonly select: Answer;
  readonly selected: readonly string[];
}

/** The properties the doctor asks for in the `$select` check: a small subset that every version has. */
export function selectSubset(resource: ResourceDefinition, graphVersion: GraphVersion): string[] {
  const known = resource.properties[graphVersion].filter((property) => !property.deprecated);
  const second = known.find((property) => property.name !== resource.displayNameProperty);
  return ["id", resource.displayNameProperty, ...(second === undefined ? [] : [second.name])];
}

export function collectionChecks(answers: CollectionAnswers): DoctorCheck[] {
  const { resource, graphVersion } = answers;
  const collection = collectionName(resource);
  const where = { collection, graphVersion };
  const key = `${graphVersion}/${collection}`;
  const read = readCheck(answers, collection);
  if (!answers.read.ok) {
    const notChecked = `not checked: the collection could not be read on ${graphVersion}`;
    return [
      read,
      {
        id: `select/${key}`,
        title: `$select honoured on ${graphVersion} ${collection}`,
        verdict: "warn",
        detail: notChecked,
        fix: "fix the read above first",
        ...where,
      },
      {
        id: `schema/${key}`,
        title: `Properties on ${graphVersion} ${collection} known to intune-gitops`,
        verdict: "warn",
        detail: notChecked,
        fix: "fix the read above first",
        ...where,
      },
    ];
  }
  return [
    read,
    selectCheck(answers, collection),
    schemaCheck(answers, collection, answers.read.body),
  ];
}

function readCheck(answers: CollectionAnswers, collection: string): DoctorCheck {
  const { graphVersion, used } = answers;
  const base = {
    id: `read/${graphVersion}/${collection}`,
    title: `${collection} readable on ${graphVersion}`,
    collection,
    graphVersion,
  };
  if (answers.read.ok) {
    const objects = objectsOf(answers.read.body);
    const more =
      typeof answers.read.body["@odata.nextLink"] === "string" ? " on the first page" : "";
    return { ...base, verdict: "pass", detail: `${count(objects.length, "object")}${more}` };
  }
  const { failure } = answers.read;
  const verdict: Verdict = used ? "fail" : "warn";
  return {
    ...base,
    verdict,
    detail: `${describeFailure(failure)}${used ? "" : ` (the configuration does not use ${graphVersion} for this tenant)`}`,
    fix: readFix(failure, graphVersion),
  };
}

function selectCheck(answers: CollectionAnswers, collection: string): DoctorCheck {
  const { graphVersion, selected } = answers;
  const base = {
    id: `select/${graphVersion}/${collection}`,
    title: `$select honoured on ${graphVersion} ${collection}`,
    collection,
    graphVersion,
  };
  if (!answers.select.ok) {
    return {
      ...base,
      verdict: answers.used ? "fail" : "warn",
      detail: `$select=${selected.join(",")}: ${describeFailure(answers.select.failure)}`,
      fix: "plan and apply read with $select: report this answer (run doctor with --capture and attach the file)",
    };
  }
  const objects = objectsOf(answers.select.body);
  const allowed = new Set(selected);
  const extra = sortedUnique(
    objects.flatMap((object) =>
      Object.keys(object).filter((name) => !allowed.has(name) && !isAnnotation(name)),
    ),
  );
  if (extra.length > 0) {
    return {
      ...base,
      verdict: "warn",
      detail: `asked for ${selected.join(", ")}; also got ${extra.join(", ")}`,
      fix: "nothing breaks (plan compares only the declared properties), but Graph ignored $select: report it with the --capture file",
    };
  }
  return {
    ...base,
    verdict: "pass",
    detail:
      objects.length === 0
        ? `asked for ${selected.join(", ")}; the collection is empty, nothing to compare`
        : `asked for ${selected.join(", ")}; got only those in ${count(objects.length, "object")}`,
  };
}

function schemaCheck(
  answers: CollectionAnswers,
  collection: string,
  body: JsonObject,
): DoctorCheck {
  const { resource, graphVersion } = answers;
  const base = {
    id: `schema/${graphVersion}/${collection}`,
    title: `Properties on ${graphVersion} ${collection} known to intune-gitops`,
    collection,
    graphVersion,
  };
  const objects = objectsOf(body);
  if (objects.length === 0) {
    return { ...base, verdict: "pass", detail: "the collection is empty: nothing to compare" };
  }
  const known = resource.properties[graphVersion];
  const knownNames = new Set(["id", ...known.map((property) => property.name)]);
  const returned = new Set(objects.flatMap((object) => Object.keys(object)));
  const unknown = sortedUnique([
    ...[...returned].filter((name) => !knownNames.has(name) && !isAnnotation(name)),
    ...unknownInValues(resource, graphVersion, objects),
  ]);
  // Deprecated properties are known but no longer returned: not news.
  const missing = known
    .filter((property) => property.deprecated === undefined && !returned.has(property.name))
    .map((property) => property.name);
  if (unknown.length === 0 && missing.length === 0) {
    return {
      ...base,
      verdict: "pass",
      detail: `${count(returned.size - countAnnotations(returned), "property", "properties")} returned, all in the registry`,
    };
  }
  const parts = [
    ...(unknown.length === 0
      ? []
      : [`Graph returned ${unknown.join(", ")}, which intune-gitops does not know`]),
    ...(missing.length === 0
      ? []
      : [`Graph did not return ${missing.join(", ")}, which intune-gitops knows`]),
  ];
  return {
    ...base,
    verdict: "warn",
    detail: parts.join("; "),
    fix: "nothing breaks: unknown properties are never compared nor written. To manage a new one, intune-gitops needs it in its registry: open an issue with the names and the --capture file of this run",
    ...(unknown.length === 0 ? {} : { unknownProperties: unknown }),
    ...(missing.length === 0 ? {} : { missingProperties: missing }),
  };
}

/**
 * Inside values whose type has members to watch (assignment lists such as
 * `groupsRequiringPartnerEnrollment`: `PropertyBehaviour.unknownMembers`): the members this tool
 * does not know, as `name[].member`, `name[].target (#type)` and `name[].target.member`.
 */
function unknownInValues(
  resource: ResourceDefinition,
  graphVersion: GraphVersion,
  objects: readonly JsonObject[],
): string[] {
  const found: string[] = [];
  for (const property of resource.properties[graphVersion]) {
    const unknownMembers = propertyBehaviour(property.type).unknownMembers;
    if (unknownMembers === undefined) continue;
    for (const object of objects) {
      const value = object[property.name];
      if (value === undefined) continue;
      for (const member of unknownMembers(value, graphVersion)) {
        found.push(`${property.name}${member}`);
      }
    }
  }
  return found;
}

/** `remoteAssistancePartners`, from `/deviceManagement/remoteAssistancePartners`. */
export function collectionName(resource: ResourceDefinition): string {
  return resource.collectionPath.split("/").pop() ?? resource.collectionPath;
}

/**
 * The client's message (`GET …: HTTP 403 Forbidden: … (request-id …)`), one bounded line; the
 * status is added when the message does not lead with it.
 */
export function describeFailure(failure: GraphFailure): string {
  const status = failure.status === undefined ? "no answer" : `HTTP ${failure.status}`;
  const message = oneLine(failure.message, 400);
  return message.includes(status) ? message : `${status}: ${message}`;
}

function readFix(failure: GraphFailure, graphVersion: GraphVersion): string {
  switch (failure.status) {
    case 401:
      return "Graph refused the token: check the tenant's tenantId and cloud, and that the app is consented in the tenant";
    case 403:
      return "grant the app the Microsoft Graph application permission DeviceManagementServiceConfig.Read.All (or .ReadWrite.All) and admin consent; if it has it, check Intune licensing and the app's scope tags";
    case 400:
    case 404:
      return `Graph ${graphVersion} does not serve this collection here: declare the tenant's objects with the other graphVersion`;
    case undefined:
      return "no answer from Graph: check the network, proxy (HTTPS_PROXY / NO_PROXY) and INTUNE_GITOPS_GRAPH_URL";
    default:
      return "Graph failed: run doctor again later; if it persists, report it to Microsoft with the request-id above";
  }
}

function objectsOf(body: JsonObject): JsonObject[] {
  const value = body["value"];
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** `@odata.context`, `@odata.type`, `@microsoft.graph.*`: not properties. */
function isAnnotation(name: string): boolean {
  return name.startsWith("@") || name.includes("@odata.");
}

function countAnnotations(names: ReadonlySet<string>): number {
  return [...names].filter(isAnnotation).length;
}

function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}

function count(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
