import type { TenantConfig } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import type { LiveObject } from "../live-object.ts";
import { findProperty } from "../resources/registry.ts";
import type { GraphVersion, HealthCheck, ResourceDefinition } from "../resources/types.ts";
import { compareStrings } from "../canonical-json.ts";
import { parseDateTimeOffset, ticksFromMilliseconds } from "../date-time-offset.ts";
import type { HealthFinding } from "./model.ts";
import { normaliseValue } from "./normalise.ts";

/**
 * Partner health: the checks each kind declares (`ResourceDefinition.health`) run on the live
 * objects the plan compared, with the tenant's thresholds (`spec.health`) at the plan's `now`.
 * Pure. Findings are facts to report, apart from drift: the planner never turns one into a change.
 */

/** A declared object matched to its live counterpart: what a check looks at. */
export interface HealthSubject {
  readonly address: string;
  readonly tenant: string;
  readonly resource: ResourceDefinition;
  readonly graphVersion: GraphVersion;
  readonly live: LiveObject;
}

export function assessHealth(
  subjects: readonly HealthSubject[],
  tenants: readonly TenantConfig[],
  now: Date,
): HealthFinding[] {
  const settings = new Map(tenants.map((tenant) => [tenant.name, tenant.health ?? {}]));
  const nowTicks = ticksFromMilliseconds(now.getTime());
  const findings: HealthFinding[] = [];
  for (const subject of subjects) {
    for (const check of subject.resource.health ?? []) {
      const finding = runCheck(check, subject, settings.get(subject.tenant) ?? {}, nowTicks);
      if (finding !== undefined) findings.push(finding);
    }
  }
  return findings.sort(
    (a, b) => compareStrings(a.address, b.address) || compareStrings(a.property, b.property),
  );
}

function runCheck(
  check: HealthCheck,
  subject: HealthSubject,
  settings: Readonly<Record<string, number>>,
  nowTicks: bigint,
): HealthFinding | undefined {
  const { resource, graphVersion, live } = subject;
  const property = findProperty(resource, graphVersion, check.property);
  // The version does not have it (a beta-only property read through v1.0): nothing to check.
  if (property === undefined) return undefined;
  const value = normaliseValue(property.type, live[check.property], graphVersion) ?? null;
  const base = { address: subject.address, tenant: subject.tenant, property: check.property };
  if (check.check === "state") {
    if (typeof value !== "string" || !check.unhealthy.includes(value)) return undefined;
    return {
      ...base,
      code: "unhealthy-state",
      value,
      summary: `${check.property} is ${value}`,
    };
  }
  if (live[check.when.property] !== check.when.equals) return undefined;
  const hours = settings[check.threshold.setting] ?? check.threshold.defaultHours;
  const thresholdTicks = BigInt(Math.round(hours * 3_600)) * TICKS_PER_SECOND;
  const instant = instantOf(value);
  const withThreshold = { ...base, value, thresholdHours: hours };
  if (check.check === "stale") {
    if (instant === undefined) {
      return {
        ...withThreshold,
        code: "stale",
        summary: `no ${check.noun} recorded (${check.property} unset)`,
      };
    }
    const age = nowTicks - instant.ticks;
    if (age <= thresholdTicks) return undefined;
    return {
      ...withThreshold,
      code: "stale",
      summary: `last ${check.noun} ${instant.text}, ${ago(age)} (more than ${hours} h)`,
    };
  }
  // An unset expiry says nothing about when the request ends.
  if (instant === undefined) return undefined;
  const left = instant.ticks - nowTicks;
  if (left <= 0n) {
    return {
      ...withThreshold,
      code: "expired",
      summary: `${check.noun} expired ${instant.text}, ${ago(-left)}`,
    };
  }
  if (left > thresholdTicks) return undefined;
  return {
    ...withThreshold,
    code: "expiring",
    summary: `${check.noun} expires ${instant.text}, in ${span(left)} (within ${hours} h)`,
  };
}

const TICKS_PER_SECOND = 10_000_000n;

/** A normalised date-time (`null` is unset) as its text and its ticks; undefined when unset. */
function instantOf(value: JsonValue): { text: string; ticks: bigint } | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = parseDateTimeOffset(value);
  return parsed.ok && !parsed.isMinValue ? { text: value, ticks: parsed.ticks } : undefined;
}

function ago(ticks: bigint): string {
  return `${span(ticks)} ago`;
}

/** A duration in words, rounded down: minutes below an hour, hours below two days, then days. */
function span(ticks: bigint): string {
  const minutes = Number(ticks / (60n * TICKS_PER_SECOND));
  if (minutes < 60) return count(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return count(hours, "hour");
  return count(Math.floor(hours / 24), "day");
}

function count(value: number, unit: string): string {
  return `${value} ${unit}${value === 1 ? "" : "s"}`;
}
