/**
 * Reads Intune's audit log for the drifted tenants of a plan and says who last changed each
 * drifted property (`plan/attribution.ts` matches; this reads). Costs nothing for a tenant without
 * drift: only tenants with changes are read, one listing per (tenant, audit component of its
 * drifted kinds), newest first, stopping as soon as every drifted property is found or after
 * `maxPages` pages. Never fails the plan: a tenant whose log cannot be read is a gap, said once.
 */
import type { JsonObject } from "../json.ts";
import { redact } from "../redact.ts";
import { oneLine } from "../one-line.ts";
import { compareStrings } from "../canonical-json.ts";
import { forEachLimited } from "../for-each-limited.ts";
import { getResource } from "../resources/registry.ts";
import type { GraphVersion } from "../resources/types.ts";
import {
  allAttributed,
  attributeChanges,
  type AttributionGap,
  type DriftAttribution,
  type PropertyAttribution,
} from "../plan/attribution.ts";
import type { Plan, ResourceChange } from "../plan/model.ts";
import { OPTIONAL_PERMISSIONS } from "../auth/permissions.ts";
import { GraphRequestError } from "../graph/types.ts";
import type { AuditAccess } from "./connections.ts";

/** Audit pages read at most per listing: 5 pages of Graph's 50+ events is hundreds of changes. */
export const DEFAULT_ATTRIBUTION_MAX_PAGES = 5;

export interface AttributeDriftOptions {
  readonly windowDays: number;
  readonly now: Date;
  readonly maxPages?: number;
  /** Runs the tenants (default: 8 at once). */
  readonly forEachTenant?: <T>(
    groups: readonly T[],
    tenantOf: (group: T) => string,
    task: (group: T) => Promise<void>,
  ) => Promise<void>;
  readonly abortSignal?: AbortSignal;
}

export async function attributeDrift(
  plan: Plan,
  auditAccess: (tenant: string) => Promise<AuditAccess>,
  options: AttributeDriftOptions,
): Promise<DriftAttribution> {
  const since = windowStart(options.now, options.windowDays);
  const byTenant = new Map<string, ResourceChange[]>();
  for (const change of plan.changes) {
    const list = byTenant.get(change.tenant) ?? [];
    list.push(change);
    byTenant.set(change.tenant, list);
  }
  const properties: PropertyAttribution[] = [];
  const gaps: AttributionGap[] = [];
  let missingPermission: string | null = null;

  const readTenant = async ([tenant, changes]: [string, ResourceChange[]]): Promise<void> => {
    if (options.abortSignal?.aborted === true) return;
    let access: AuditAccess;
    try {
      access = await auditAccess(tenant);
    } catch {
      // The tenant could not connect: the plan already reports it as a problem.
      return;
    }
    if ("missingPermission" in access) {
      missingPermission = access.missingPermission;
      gaps.push({
        tenant,
        reason: "permission",
        message: permissionMessage(access.missingPermission),
      });
      return;
    }
    const found: PropertyAttribution[] = [];
    for (const [component, group] of byComponent(changes)) {
      const outcome = await readGroup(group, component, access, since, options);
      const { gap } = outcome;
      if (gap !== undefined) {
        if (gap.reason === "permission") missingPermission = PERMISSION;
        gaps.push({ tenant, ...gap });
        if (gap.reason !== "pages") return;
      }
      found.push(...outcome.attributions);
    }
    properties.push(...found);
  };
  const entries = [...byTenant.entries()];
  await (options.forEachTenant === undefined
    ? forEachLimited(entries, 8, readTenant)
    : options.forEachTenant(entries, (entry) => entry[0], readTenant));

  return {
    windowDays: options.windowDays,
    since,
    properties: properties.sort(
      (a, b) => compareStrings(a.address, b.address) || compareStrings(a.property, b.property),
    ),
    gaps: gaps.sort((a, b) => compareStrings(a.tenant, b.tenant)),
    missingPermission,
  };
}

/** The least permission that lets the app read the audit log (the auditEvent list page). */
const PERMISSION = OPTIONAL_PERMISSIONS["audit-events"][0];

function permissionMessage(permission: string): string {
  return `the app cannot read Intune's audit log: add the Microsoft Graph permission ${permission} (read-only) to name who changed drifted objects`;
}

/**
 * The tenant's changes by the audit component their kind's events are filed under; kinds without
 * one are read in a listing not narrowed by component.
 */
function byComponent(
  changes: readonly ResourceChange[],
): Map<string | undefined, ResourceChange[]> {
  const groups = new Map<string | undefined, ResourceChange[]>();
  for (const change of changes) {
    const component = getResource(change.kind).auditComponent;
    const list = groups.get(component) ?? [];
    list.push(change);
    groups.set(component, list);
  }
  return groups;
}

async function readGroup(
  changes: readonly ResourceChange[],
  component: string | undefined,
  access: Extract<AuditAccess, { reader: unknown }>,
  since: string,
  options: AttributeDriftOptions,
): Promise<{
  readonly attributions: PropertyAttribution[];
  readonly gap?: Omit<AttributionGap, "tenant">;
}> {
  // Beta shows remoteTenantId (a partner's administrator through GDAP): read it when the tenant's
  // objects are read through beta; v1.0 otherwise, as the configuration chose.
  const graphVersion: GraphVersion = changes.some((change) => change.graphVersion === "beta")
    ? "beta"
    : "v1.0";
  const filter = [
    `activityDateTime ge ${since}`,
    ...(component === undefined ? [] : [`componentName eq '${component.replaceAll("'", "''")}'`]),
  ].join(" and ");
  const maxPages = options.maxPages ?? DEFAULT_ATTRIBUTION_MAX_PAGES;
  const events: JsonObject[] = [];
  let attributions = attributeChanges(changes, [], { appId: access.appId });
  try {
    for await (const page of access.reader.auditEventPages(
      { graphVersion, filter, maxPages },
      options.abortSignal === undefined ? undefined : { abortSignal: options.abortSignal },
    )) {
      events.push(...page.events);
      attributions = attributeChanges(changes, events, { appId: access.appId });
      // Newest first: once every property has its latest change, older pages cannot matter.
      if (allAttributed(attributions)) break;
      if (page.more && page.page >= maxPages) {
        return {
          attributions,
          gap: {
            reason: "pages",
            message: `read the newest ${events.length} audit events (${maxPages} pages) of the window; older changes were not looked at`,
          },
        };
      }
    }
  } catch (error) {
    if (error instanceof GraphRequestError && error.details.status === 403) {
      return {
        attributions: [],
        gap: { reason: "permission", message: permissionMessage(PERMISSION) },
      };
    }
    const message = redact(oneLine(error instanceof Error ? error.message : String(error), 500));
    return { attributions: [], gap: { reason: "read-failed", message } };
  }
  return { attributions };
}

/** `now` minus the window, to the second, as Graph's filter wants it (unquoted, UTC). */
export function windowStart(now: Date, windowDays: number): string {
  const start = new Date(now.getTime() - windowDays * 86_400_000);
  return `${start.toISOString().slice(0, 19)}Z`;
}
