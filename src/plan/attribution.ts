/**
 * Drift attribution: who last changed each drifted property, from Intune's audit log
 * (`GET /deviceManagement/auditEvents`; shape and sources in shared/graph/audit-and-lifecycle.md).
 * The model the renderers show, and the pure matching of audit events to a plan's changes; the
 * reading is `operations/attribute-drift.ts`.
 *
 * Apart from the plan on purpose: it is about the past, not what apply does, so a saved plan
 * (which apply checks and executes) does not carry it.
 */
import type { JsonObject, JsonValue } from "../json.ts";
import { isJsonObject } from "../json.ts";
import { isToolRequestId } from "../tool-request-id.ts";
import { compareStrings } from "../canonical-json.ts";
import { parseDateTimeOffset } from "../date-time-offset.ts";
import type { ResourceChange } from "./model.ts";

export const DEFAULT_ATTRIBUTION_WINDOW_DAYS = 30;
/** The longest window: Intune keeps audit events for a year. */
export const MAX_ATTRIBUTION_WINDOW_DAYS = 365;

/**
 * How a change was recognised as made by this tool:
 * - `client-request-id`: the event's `correlationId` is a client-request-id this tool minted
 *   (`tool-request-id.ts`): Graph documents correlationId as the caller's client-request-id;
 * - `app-id`: the correlationId is not ours (unconfirmed on a live tenant that Graph echoes it),
 *   but the actor is the app this run signs in as, within the window: the same app registration
 *   used by another tool or script would match too, which is why the rule is named.
 */
export type OwnChangeRule = "client-request-id" | "app-id";

/** Who made a change, as the audit event's `actor` says. */
export interface ChangeActor {
  /** `user` for a person (`auditActorType` ItPro, or a user principal name), else `application`. */
  readonly type: "user" | "application";
  /** What to call them: the user principal name for a person, the application's name for an app. */
  readonly name: string;
  readonly userPrincipalName: string | null;
  /** The app the change came through (for a person: the admin center's "Microsoft Intune portal extension"). */
  readonly applicationName: string | null;
  readonly applicationId: string | null;
  /** Beta only: the partner tenant of an administrator acting through delegated admin (GDAP). */
  readonly remoteTenantId: string | null;
}

/** The latest audited change of one property. */
export interface AttributedChange {
  /** `activityDateTime`, as Graph wrote it. */
  readonly at: string;
  readonly actor: ChangeActor;
  /** The event's `modifiedProperties` values (strings, as Intune logs them); null when not given. */
  readonly oldValue: string | null;
  readonly newValue: string | null;
  /** False when the event named the object but listed no properties (Graph does not always). */
  readonly propertyListed: boolean;
  readonly eventId: string;
  readonly correlationId: string | null;
  /** Set when this tool made the change: the rule that recognised it. */
  readonly byThisTool: OwnChangeRule | null;
}

/** One drifted property and its latest change in the window (null: none was logged). */
export interface PropertyAttribution {
  readonly address: string;
  readonly tenant: string;
  readonly property: string;
  readonly lastChange: AttributedChange | null;
}

/** A tenant whose audit log could not be (fully) read. */
export interface AttributionGap {
  readonly tenant: string;
  /**
   * `permission`: the app lacks DeviceManagementApps.Read.All (token claims or a 403);
   * `read-failed`: the listing failed; `pages`: the page bound was reached before every drifted
   * property was found (older changes were not looked at).
   */
  readonly reason: "permission" | "read-failed" | "pages";
  readonly message: string;
}

/**
 * Attribution for a plan's drifted properties. Invariants: `properties` holds one entry per
 * (change, property) of the drifted tenants that could be read, sorted by address then property;
 * a tenant without drift is never read nor listed.
 */
export interface DriftAttribution {
  readonly windowDays: number;
  /** The window's start (UTC, whole seconds), as sent in the `$filter`. */
  readonly since: string;
  readonly properties: readonly PropertyAttribution[];
  /** Sorted by tenant. Empty when every drifted tenant's log was read. */
  readonly gaps: readonly AttributionGap[];
  /** The permission that adds attribution, when some tenant lacked it. */
  readonly missingPermission: string | null;
}

/** What `attributeChanges` needs to know about the run. */
export interface AttributionContext {
  /** The app this run signs in as to the tenant (token `appid`), for the `app-id` rule. */
  readonly appId: string | undefined;
}

/**
 * The latest change of each of `changes`' properties among `events` (any order; all of one
 * tenant). An event counts for a property when it names the object (`resources[].resourceId` =
 * the live id, any case) and lists the property in `modifiedProperties` (any case, as Intune
 * capitalises names) with a new value different from the old, or lists no properties at all.
 */
export function attributeChanges(
  changes: readonly ResourceChange[],
  events: readonly JsonObject[],
  context: AttributionContext,
): PropertyAttribution[] {
  // Stable: events of one instant keep Graph's order (newest first, as requested).
  const newestFirst = [...events].sort((a, b) => {
    const difference = ticksOf(b) - ticksOf(a);
    return difference > 0n ? 1 : difference < 0n ? -1 : 0;
  });
  const result: PropertyAttribution[] = [];
  for (const change of changes) {
    const liveId = change.liveId.toLowerCase();
    const touching = newestFirst.flatMap((event) => {
      const resource = resourcesOf(event).find(
        (candidate) => stringOf(candidate["resourceId"])?.toLowerCase() === liveId,
      );
      return resource === undefined ? [] : [{ event, resource }];
    });
    for (const { property } of change.changes) {
      let lastChange: AttributedChange | null = null;
      for (const { event, resource } of touching) {
        const found = modificationOf(resource, property);
        if (found === undefined) continue;
        lastChange = attributedChange(event, found, context);
        break;
      }
      result.push({ address: change.address, tenant: change.tenant, property, lastChange });
    }
  }
  return result.sort(
    (a, b) => compareStrings(a.address, b.address) || compareStrings(a.property, b.property),
  );
}

/** Whether every property of `changes` has a change in `attributions`: no older page can matter. */
export function allAttributed(attributions: readonly PropertyAttribution[]): boolean {
  return attributions.every((attribution) => attribution.lastChange !== null);
}

type Modification =
  | { readonly listed: true; readonly oldValue: string | null; readonly newValue: string | null }
  | { readonly listed: false };

/** The property's entry in the resource's modifiedProperties; undefined when it is not changed there. */
function modificationOf(resource: JsonObject, property: string): Modification | undefined {
  const listed = resource["modifiedProperties"];
  if (!Array.isArray(listed) || listed.length === 0) return { listed: false };
  const name = property.toLowerCase();
  for (const entry of listed) {
    if (!isJsonObject(entry) || stringOf(entry["displayName"])?.toLowerCase() !== name) continue;
    const oldValue = stringOf(entry["oldValue"]) ?? null;
    const newValue = stringOf(entry["newValue"]) ?? null;
    // Intune lists unchanged pairs too: they say nothing about who changed the value.
    if (oldValue === newValue) continue;
    return { listed: true, oldValue, newValue };
  }
  return undefined;
}

function attributedChange(
  event: JsonObject,
  modification: Modification,
  context: AttributionContext,
): AttributedChange {
  const actor = actorOf(event["actor"]);
  const correlationId = stringOf(event["correlationId"]) ?? null;
  const byThisTool: OwnChangeRule | null =
    correlationId !== null && isToolRequestId(correlationId)
      ? "client-request-id"
      : context.appId !== undefined &&
          actor.type === "application" &&
          actor.applicationId?.toLowerCase() === context.appId.toLowerCase()
        ? "app-id"
        : null;
  return {
    at: timeOf(event),
    actor,
    oldValue: modification.listed ? modification.oldValue : null,
    newValue: modification.listed ? modification.newValue : null,
    propertyListed: modification.listed,
    eventId: stringOf(event["id"]) ?? "",
    correlationId,
    byThisTool,
  };
}

function actorOf(value: JsonValue | undefined): ChangeActor {
  const actor = isJsonObject(value) ? value : {};
  const userPrincipalName = nonEmpty(actor["userPrincipalName"]);
  const applicationName =
    nonEmpty(actor["applicationDisplayName"]) ?? nonEmpty(actor["servicePrincipalName"]);
  const applicationId = nonEmpty(actor["applicationId"]);
  const isUser = userPrincipalName !== null || stringOf(actor["auditActorType"]) === "ItPro";
  return {
    type: isUser ? "user" : "application",
    name: (isUser ? userPrincipalName : applicationName) ?? applicationId ?? "(unknown)",
    userPrincipalName,
    applicationName,
    applicationId,
    remoteTenantId: nonEmpty(actor["remoteTenantId"]),
  };
}

function resourcesOf(event: JsonObject): JsonObject[] {
  const resources = event["resources"];
  return Array.isArray(resources) ? resources.filter(isJsonObject) : [];
}

/** `activityDateTime` as Graph wrote it. */
function timeOf(event: JsonObject): string {
  return stringOf(event["activityDateTime"]) ?? "";
}

/** The event's instant; an event without a readable time sorts as the oldest. */
function ticksOf(event: JsonObject): bigint {
  const parsed = parseDateTimeOffset(timeOf(event));
  return parsed.ok ? parsed.ticks : -1n;
}

function stringOf(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function nonEmpty(value: JsonValue | undefined): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}
