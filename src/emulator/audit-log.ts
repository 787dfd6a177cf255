import { randomUUID } from "node:crypto";
import { GUID_PATTERN } from "../guid.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import { dateTimeOffsetFromMilliseconds } from "./date-time-offset.ts";

/**
 * Intune's audit log as the emulator keeps it: one list of auditEvent resources per tenant, newest
 * last, in the shape of Graph's auditEvent page (shared/graph/audit-and-lifecycle.md §1). Every
 * PATCH the emulator accepts adds one event (actor: the calling app), and so does a simulated
 * portal change (actor: a person). The log starts empty and `reset` empties it again.
 */
export class AuditLog {
  #events = new Map<string, JsonObject[]>();

  record(tenantId: string, event: JsonObject): void {
    const key = tenantId.toLowerCase();
    const events = this.#events.get(key) ?? [];
    events.push(structuredClone(event));
    this.#events.set(key, events);
  }

  /** Copies of a tenant's events, oldest first. */
  list(tenantId: string): JsonObject[] {
    return (this.#events.get(tenantId.toLowerCase()) ?? []).map((event) => structuredClone(event));
  }

  reset(): void {
    this.#events = new Map();
  }
}

/** Who made a change, in the terms of auditActor. */
export type AuditActorInput =
  | {
      readonly kind: "application";
      readonly applicationId: string;
      readonly applicationDisplayName: string;
    }
  | {
      readonly kind: "user";
      readonly userPrincipalName: string;
      /** A partner's administrator acting through delegated admin (GDAP): beta's remoteTenantId. */
      readonly remoteTenantId?: string;
    };

/** One object change as an auditEvent: what `auditEventFor` needs to know. */
export interface AuditedChange {
  /** The entity type, e.g. `remoteAssistancePartner`. */
  readonly typeName: string;
  readonly objectId: string;
  readonly objectDisplayName: string | null;
  /** The object's top-level values before and after the change (only the written ones matter). */
  readonly before: JsonObject;
  readonly written: JsonObject;
  readonly actor: AuditActorInput;
  /** The caller's client-request-id when it is a GUID, as Graph reports it; otherwise a new one. */
  readonly clientRequestId: string | undefined;
  readonly atMs: number;
}

/**
 * The application Intune names for a change made in the admin center (MicrosoftDocs/memdocs,
 * monitor-audit-logs.md).
 */
export const PORTAL_APPLICATION = {
  id: "5926fc8e-304e-4f59-8bed-58ca97cc39a4",
  displayName: "Microsoft Intune portal extension",
} as const;

/**
 * The component Intune files each partner kind's changes under, as IntuneCD filters them
 * (unverified on a live tenant: the tool matches on resourceId, never on this).
 */
const COMPONENT_BY_TYPE: Readonly<Record<string, string>> = {
  remoteAssistancePartner: "ManagedDevices",
  deviceManagementPartner: "Enrollment",
};

export function auditEventFor(change: AuditedChange): JsonObject {
  const resourceType = change.typeName.charAt(0).toUpperCase() + change.typeName.slice(1);
  const activity = `Patch ${resourceType}`;
  const correlationId =
    change.clientRequestId !== undefined && GUID_PATTERN.test(change.clientRequestId)
      ? change.clientRequestId.toLowerCase()
      : randomUUID();
  return {
    id: randomUUID(),
    displayName: activity,
    componentName: COMPONENT_BY_TYPE[change.typeName] ?? "Other",
    activity,
    activityDateTime: dateTimeOffsetFromMilliseconds(change.atMs),
    activityType: activity,
    activityOperationType: "Patch",
    activityResult: "Success",
    correlationId,
    category: "Other",
    actor: actorJson(change.actor),
    resources: [
      {
        displayName: change.objectDisplayName,
        type: resourceType,
        auditResourceType: resourceType,
        resourceId: change.objectId,
        modifiedProperties: modifiedProperties(change.before, change.written),
      },
    ],
  };
}

function actorJson(actor: AuditActorInput): JsonObject {
  if (actor.kind === "application") {
    return {
      type: "Application",
      auditActorType: "Application",
      userPermissions: [],
      applicationId: actor.applicationId,
      applicationDisplayName: actor.applicationDisplayName,
      userPrincipalName: null,
      servicePrincipalName: actor.applicationDisplayName,
      ipAddress: "127.0.0.1",
      userId: null,
      remoteTenantId: null,
      remoteUserId: null,
    };
  }
  return {
    type: "ItPro",
    auditActorType: "ItPro",
    userPermissions: ["*"],
    applicationId: PORTAL_APPLICATION.id,
    applicationDisplayName: PORTAL_APPLICATION.displayName,
    userPrincipalName: actor.userPrincipalName,
    servicePrincipalName: null,
    ipAddress: "127.0.0.1",
    userId: randomUUID(),
    remoteTenantId: actor.remoteTenantId ?? null,
    remoteUserId: actor.remoteTenantId === undefined ? null : randomUUID(),
  };
}

/**
 * `{ displayName, oldValue, newValue }` per written property, as strings. Intune capitalises the
 * names (`IsConfigured`), which clients must match regardless of case: the emulator does the same.
 * A property written with its old value still appears (Intune lists unchanged pairs too).
 */
function modifiedProperties(before: JsonObject, written: JsonObject): JsonObject[] {
  return Object.keys(written).map((name) => ({
    displayName: name.charAt(0).toUpperCase() + name.slice(1),
    oldValue: auditValue(before[name]),
    newValue: auditValue(written[name]),
  }));
}

function auditValue(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}
