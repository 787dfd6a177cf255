import { z } from "../zod.ts";
import { GUID_PATTERN } from "../guid.ts";
import type { JsonObject } from "../json.ts";
import { auditEventFor, type AuditLog } from "./audit-log.ts";
import type { GraphSchema } from "./metadata-schema.ts";
import { validateEntityPayload } from "./payload-validation.ts";
import type { ObjectStore } from "./store.ts";
import type { TokenService } from "./tokens.ts";

/**
 * A change made by a person in the Intune admin center, simulated: the object's values change as
 * a PATCH would change them, and the audit log records it with the person's user principal name
 * and the portal's application (what a drift run should then attribute the drift to).
 * `POST /_emulator/portal-change` and `Emulator.portalChange` both come here.
 */
export interface PortalChange {
  /** The tenant's name or GUID. */
  readonly tenant: string;
  /** `remoteAssistancePartners` or `deviceManagementPartners`. */
  readonly collection: string;
  readonly id: string;
  /** Graph property names and values, as a PATCH body (checked against the beta metadata). */
  readonly values: Readonly<Record<string, unknown>>;
  readonly userPrincipalName: string;
  /** A partner administrator's home tenant (delegated admin, GDAP): beta's actor.remoteTenantId. */
  readonly remoteTenantId?: string;
  /** When the change happened (default: now): a DateTimeOffset, to put a change in the past. */
  readonly activityDateTime?: string;
}

export const PortalChangeSchema = z.strictObject({
  tenant: z.string().min(1),
  collection: z.string().min(1),
  id: z.string().min(1),
  values: z.record(z.string(), z.unknown()),
  userPrincipalName: z.string().min(1),
  remoteTenantId: z.string().regex(GUID_PATTERN, "must be a GUID").optional(),
  activityDateTime: z.iso.datetime({ offset: true }).optional(),
});

export interface PortalChangeParts {
  readonly store: ObjectStore;
  readonly audit: AuditLog;
  readonly tokens: TokenService;
  readonly schema: GraphSchema;
}

/** The audit event recorded, or why nothing was changed. */
export function applyPortalChange(
  parts: PortalChangeParts,
  change: PortalChange,
): { readonly event: JsonObject } | { readonly error: string } {
  const tenant = parts.tokens.tenant(change.tenant);
  if (!tenant) return { error: `unknown tenant '${change.tenant}'` };
  const name = change.collection.split("/").pop() ?? change.collection;
  const entity = parts.schema.collections.get(name);
  if (!entity) {
    return {
      error: `unknown collection '${change.collection}' (known: ${[...parts.schema.collections.keys()].join(", ")})`,
    };
  }
  const validated = validateEntityPayload(parts.schema, entity, change.values);
  if (!validated.ok) return { error: validated.message };
  const { id: _ignored, ...values } = validated.value;
  const before = parts.store.get(tenant.tenantId, entity.collectionName, change.id);
  const updated = parts.store.update(tenant.tenantId, entity.collectionName, change.id, values);
  if (!before || !updated)
    return { error: `no ${entity.typeName} with id '${change.id}' in ${tenant.name}` };
  const atMs =
    change.activityDateTime === undefined ? Date.now() : Date.parse(change.activityDateTime);
  const event = auditEventFor({
    typeName: entity.typeName,
    objectId: change.id,
    objectDisplayName: typeof updated["displayName"] === "string" ? updated["displayName"] : null,
    before,
    written: values,
    actor: {
      kind: "user",
      userPrincipalName: change.userPrincipalName,
      ...(change.remoteTenantId === undefined ? {} : { remoteTenantId: change.remoteTenantId }),
    },
    clientRequestId: undefined,
    atMs,
  });
  parts.audit.record(tenant.tenantId, event);
  return { event };
}
