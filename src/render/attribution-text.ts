/**
 * Drift attribution in words, shared by the text and Markdown plans (each escapes for its
 * medium): "changed 2026-12-07 09:14:03 UTC by alex@contoso.example (a person, through Microsoft
 * Intune portal extension, from partner tenant 1111…): "notOnboarded" → "onboarding"". Pure.
 */
import type {
  AttributedChange,
  DriftAttribution,
  PropertyAttribution,
} from "../plan/attribution.ts";
import { plural, truncate } from "./plan-values.ts";

/** The attribution of each (address, property), for the renderers' lookups. */
export function attributionLookup(
  attribution: DriftAttribution | undefined,
): (address: string, property: string) => PropertyAttribution | undefined {
  const byKey = new Map<string, PropertyAttribution>();
  for (const entry of attribution?.properties ?? [])
    byKey.set(`${entry.address}\u0000${entry.property}`, entry);
  return (address, property) => byKey.get(`${address}\u0000${property}`);
}

/** One line, unescaped: who, when, through what, and the logged values. */
export function attributionText(
  entry: PropertyAttribution,
  windowDays: number,
  maxValue: number,
): string {
  const change = entry.lastChange;
  if (change === null)
    return `no change logged in Intune's audit log in the last ${plural(windowDays, "day")}`;
  const values = change.propertyListed
    ? `: ${loggedValue(change.oldValue, maxValue)} → ${loggedValue(change.newValue, maxValue)}`
    : " (the event does not list the values)";
  return `changed ${whenText(change.at)} by ${actorText(change)}${values}`;
}

/** The actor, with this tool's changes named as such and the rule that recognised them. */
export function actorText(change: AttributedChange): string {
  const { actor } = change;
  if (change.byThisTool !== null) {
    const rule =
      change.byThisTool === "client-request-id"
        ? "recognised by its client-request-id"
        : "recognised by the app id and time only: the client-request-id did not match";
    return `intune-gitops (this tool, as ${truncate(actor.name, 200)}; ${rule})`;
  }
  const details = [
    actor.type === "user" ? "a person" : "an app",
    ...(actor.type === "user" && actor.applicationName !== null
      ? [`through ${truncate(actor.applicationName, 200)}`]
      : []),
    ...(actor.remoteTenantId === null
      ? []
      : [`from partner tenant ${truncate(actor.remoteTenantId, 64)} (delegated admin)`]),
  ];
  return `${truncate(actor.name, 200)} (${details.join(", ")})`;
}

/** The lines that say where attribution is missing: one per cause, naming its tenants. */
export function attributionGapLines(attribution: DriftAttribution | undefined): string[] {
  if (attribution === undefined) return [];
  const byMessage = new Map<string, string[]>();
  for (const gap of attribution.gaps) {
    const message =
      gap.reason === "pages" ? gap.message : `attribution unavailable: ${gap.message}`;
    const tenants = byMessage.get(message) ?? [];
    tenants.push(gap.tenant);
    byMessage.set(message, tenants);
  }
  return [...byMessage.entries()].map(([message, tenants]) => {
    const shown = tenants.slice(0, 20).join(", ");
    const more = tenants.length > 20 ? `, … ${tenants.length - 20} more` : "";
    return `${tenants.length === 1 ? "tenant" : "tenants"} ${shown}${more}: ${truncate(message, 1_000)}`;
  });
}

/** `2026-12-07T09:14:03.1234567Z` → `2026-12-07 09:14:03 UTC`; anything else as it is. */
function whenText(at: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?Z$/.exec(at);
  return match ? `${match[1] ?? ""} ${match[2] ?? ""} UTC` : truncate(at, 40);
}

/** Intune logs values as strings: shown quoted, `(none)` for an absent one. */
function loggedValue(value: string | null, maxValue: number): string {
  return value === null ? "(none)" : truncate(JSON.stringify(value), maxValue);
}
