/**
 * Reads back the `attribution` section of `plan --format json` (render/plan-json.ts), and merges
 * the shards' sections, so the drift report names who changed what. Absent or null in a document:
 * no attribution (an older version, `--no-attribution`, or nothing drifted).
 */
import { z } from "zod";
import { compareStrings } from "../canonical-json.ts";
import type { DriftAttribution } from "../plan/attribution.ts";

const ActorJson = z.object({
  type: z.enum(["user", "application"]),
  name: z.string(),
  user_principal_name: z.string().nullable(),
  application_name: z.string().nullable(),
  application_id: z.string().nullable(),
  remote_tenant_id: z.string().nullable(),
});

export const AttributionJson = z.object({
  window_days: z.number().int(),
  since: z.string(),
  missing_permission: z.string().nullable(),
  properties: z.array(
    z.object({
      address: z.string(),
      tenant: z.string(),
      property: z.string(),
      last_change: z
        .object({
          at: z.string(),
          actor: ActorJson,
          old_value: z.string().nullable(),
          new_value: z.string().nullable(),
          property_listed: z.boolean(),
          event_id: z.string(),
          correlation_id: z.string().nullable(),
          by_this_tool: z.enum(["client-request-id", "app-id"]).nullable(),
        })
        .nullable(),
    }),
  ),
  gaps: z.array(
    z.object({
      tenant: z.string(),
      reason: z.enum(["permission", "read-failed", "pages"]),
      message: z.string(),
    }),
  ),
});

export function attributionFromJson(document: z.infer<typeof AttributionJson>): DriftAttribution {
  return {
    windowDays: document.window_days,
    since: document.since,
    missingPermission: document.missing_permission,
    properties: document.properties.map((entry) => ({
      address: entry.address,
      tenant: entry.tenant,
      property: entry.property,
      lastChange:
        entry.last_change === null
          ? null
          : {
              at: entry.last_change.at,
              actor: {
                type: entry.last_change.actor.type,
                name: entry.last_change.actor.name,
                userPrincipalName: entry.last_change.actor.user_principal_name,
                applicationName: entry.last_change.actor.application_name,
                applicationId: entry.last_change.actor.application_id,
                remoteTenantId: entry.last_change.actor.remote_tenant_id,
              },
              oldValue: entry.last_change.old_value,
              newValue: entry.last_change.new_value,
              propertyListed: entry.last_change.property_listed,
              eventId: entry.last_change.event_id,
              correlationId: entry.last_change.correlation_id,
              byThisTool: entry.last_change.by_this_tool,
            },
    })),
    gaps: document.gaps,
  };
}

/** The shards' attributions as one (the same window: one drift job); undefined when none had any. */
export function mergeAttributions(
  attributions: readonly DriftAttribution[],
): DriftAttribution | undefined {
  const first = attributions[0];
  if (first === undefined) return undefined;
  return {
    windowDays: first.windowDays,
    since: first.since,
    missingPermission:
      attributions.find((attribution) => attribution.missingPermission !== null)
        ?.missingPermission ?? null,
    properties: attributions
      .flatMap((attribution) => attribution.properties)
      .sort(
        (a, b) => compareStrings(a.address, b.address) || compareStrings(a.property, b.property),
      ),
    gaps: attributions
      .flatMap((attribution) => attribution.gaps)
      .sort((a, b) => compareStrings(a.tenant, b.tenant)),
  };
}
