import type {
  DesiredObject,
  DesiredState,
  ObjectMatch,
  TenantConfig,
} from "../../src/config/model.ts";
import type { LiveObject } from "../../src/live-object.ts";
import type { JsonValue } from "../../src/json.ts";
import type {
  LiveCollection,
  LiveReadFailure,
  LiveSnapshot,
  Plan,
  PlanProblem,
  ResourceChange,
} from "../../src/plan/model.ts";
import { parseDateTimeOffset, formatTicks } from "../../src/date-time-offset.ts";
import type { GraphVersion } from "../../src/resources/types.ts";
import { findResource } from "../../src/resources/registry.ts";
import { propertyChange } from "../../src/plan/property-change.ts";

/**
 * Small builders for planner and renderer tests: they build `DesiredState` and `LiveSnapshot`
 * directly (the config loader and the Graph client are tested on their own).
 */

const SOURCE = { file: "partners.yaml", line: 1, column: 1 };

export function tenant(name: string, graphVersion: GraphVersion = "beta"): TenantConfig {
  return {
    name,
    tenantId: "00000000-0000-0000-0000-000000000000",
    cloud: "global",
    graphVersion,
    auth: { method: "azureCli" },
    source: SOURCE,
  };
}

export interface DesiredOptions {
  kind?: string;
  name?: string;
  tenant?: string;
  graphVersion?: GraphVersion;
  match?: ObjectMatch;
  spec?: Record<string, JsonValue>;
}

export function desiredObject(options: DesiredOptions = {}): DesiredObject {
  return {
    kind: options.kind ?? "RemoteAssistancePartner",
    name: options.name ?? "teamviewer",
    tenant: options.tenant ?? "contoso",
    graphVersion: options.graphVersion ?? "beta",
    match: options.match ?? { by: "displayName", displayName: "TeamViewer" },
    spec: options.spec ?? {},
    source: SOURCE,
    propertySources: {},
  };
}

export function desiredState(
  objects: readonly DesiredObject[],
  tenants?: readonly string[],
): DesiredState {
  const names = tenants ?? [...new Set(objects.map((object) => object.tenant))];
  return {
    tenants: [...names].sort().map((name) => tenant(name)),
    objects,
    digest: "c0ffee",
    files: ["partners.yaml"],
  };
}

export function collection(
  objects: readonly LiveObject[],
  options: { tenant?: string; kind?: string; graphVersion?: GraphVersion } = {},
): LiveCollection {
  return {
    tenant: options.tenant ?? "contoso",
    kind: options.kind ?? "RemoteAssistancePartner",
    graphVersion: options.graphVersion ?? "beta",
    objects,
  };
}

export function snapshot(
  collections: readonly LiveCollection[],
  failures: readonly LiveReadFailure[] = [],
): LiveSnapshot {
  return { collections, failures };
}

export function liveObject(id: string, properties: Record<string, JsonValue> = {}): LiveObject {
  return { id, ...properties };
}

/**
 * The same instant as `text`, written in another offset (minutes east of UTC) with `digits`
 * fractional digits (0–7). Digits are only dropped when they are zeros, so the instant is kept.
 */
export function rewriteDateTime(
  text: string,
  offsetMinutes: number,
  digits: number,
  dropZeroSeconds = false,
): string {
  const instant = parseDateTimeOffset(text);
  if (!instant.ok) throw new Error(`not a DateTimeOffset: ${text}`);
  const local = formatTicks(instant.ticks + BigInt(offsetMinutes) * 600_000_000n);
  const [wholeSeconds, fraction] = local.slice(0, -1).split(".") as [string, string];
  let kept = fraction;
  while (kept.length > digits && kept.endsWith("0")) kept = kept.slice(0, -1);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset =
    offsetMinutes === 0 && digits % 2 === 0
      ? "Z"
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  if (kept.length > 0) return `${wholeSeconds}.${kept}${offset}`;
  // OData's grammar makes the seconds optional: `2030-01-31T09:30Z`.
  if (dropZeroSeconds && wholeSeconds.endsWith(":00"))
    return `${wholeSeconds.slice(0, -3)}${offset}`;
  return `${wholeSeconds}${offset}`;
}

/**
 * A change as `createPlan` makes it: a set-valued property's element changes are computed from
 * its before and after (through the planner's own `propertyChange`) unless given.
 */
export function change(overrides: Partial<ResourceChange> = {}): ResourceChange {
  const built = changeWithout(overrides);
  const resource = findResource(built.kind);
  return {
    ...built,
    changes: built.changes.map((property) =>
      property.elementChanges === undefined
        ? propertyChange(resource, built.graphVersion, property)
        : property,
    ),
  };
}

function changeWithout(overrides: Partial<ResourceChange>): ResourceChange {
  return {
    address: "remoteAssistancePartner[contoso].teamviewer",
    kind: "RemoteAssistancePartner",
    graphType: "remoteAssistancePartner",
    name: "teamviewer",
    tenant: "contoso",
    graphVersion: "beta",
    collectionPath: "/deviceManagement/remoteAssistancePartners",
    liveId: "7443c8b9-c8b9-7443-b9c8-4374b9c84374",
    liveDisplayName: "TeamViewer",
    changes: [{ property: "onboardingStatus", before: "notOnboarded", after: "onboarded" }],
    patch: { onboardingStatus: "onboarded" },
    fingerprint: "0".repeat(64),
    ...overrides,
  };
}

export function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    formatVersion: 1,
    toolVersion: "0.1.0",
    configDigest: "c0ffee",
    tenants: ["contoso"],
    changes: [],
    unchangedCount: 0,
    problems: [],
    ...overrides,
  };
}

export function problem(overrides: Partial<PlanProblem> = {}): PlanProblem {
  return {
    code: "not-found",
    tenant: "contoso",
    address: "remoteAssistancePartner[contoso].teamviewer",
    summary: 'no live remoteAssistancePartner in tenant contoso has displayName "TeamViewer"',
    detail: "Create it in Intune first.",
    candidates: [],
    ...overrides,
  };
}
