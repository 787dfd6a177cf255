import { canonicalJson, compareStrings } from "../canonical-json.ts";
import type { JsonValue } from "../json.ts";
import type { HealthFinding, Plan } from "../plan/model.ts";

/**
 * The fleet view (`intune-gitops report`): the plan turned around, from "what changes in each
 * tenant" to "for each declared object and property, which tenants deviate and with which live
 * values" (`onboardingStatus: "notOnboarded" in 42 of 500 tenants: …`), plus health counts.
 * Built from the plan model alone (one run, or every shard's `plan --format json` merged), so the
 * renderers (`fleet-report-render.ts`) only format it. Pure; deterministic order.
 */
export interface FleetReport {
  /** Tenants planned. */
  readonly tenants: number;
  /** Tenants with a problem (not or not fully checked), sorted. */
  readonly uncheckedTenants: readonly string[];
  /** Declared objects with a deviation (`graphType.name`), sorted by name. */
  readonly objects: readonly FleetObject[];
  readonly health: FleetHealth;
}

export interface FleetObject {
  /** `remoteAssistancePartner.teamviewer`: the object as declared, in every tenant. */
  readonly object: string;
  /** Tenants it was compared in (the "of N"); null for a plan that does not say. */
  readonly compared: number | null;
  /** Tenants where at least one of its properties deviates. */
  readonly deviating: number;
  readonly properties: readonly FleetProperty[];
}

export interface FleetProperty {
  readonly property: string;
  /** The declared values (one unless tenants declare it differently), sorted. */
  readonly desired: readonly JsonValue[];
  /** Tenants where it deviates. */
  readonly deviating: number;
  /** One entry per live value, most tenants first, then by value. */
  readonly values: readonly FleetValue[];
}

export interface FleetValue {
  /** The live value, normalised as the plan shows it. */
  readonly value: JsonValue;
  readonly count: number;
  /** The first `maxTenantsListed` tenants holding it, sorted. */
  readonly tenants: readonly string[];
}

export interface FleetHealth {
  readonly findings: number;
  /** Tenants with at least one finding. */
  readonly tenants: number;
  /** By object, property and code, sorted so. */
  readonly groups: readonly FleetHealthGroup[];
}

export interface FleetHealthGroup {
  readonly object: string;
  readonly property: string;
  readonly code: HealthFinding["code"];
  readonly count: number;
  /** The first `maxTenantsListed` tenants, sorted. */
  readonly tenants: readonly string[];
}

export interface FleetReportOptions {
  /** Tenant names listed per value or health group before "… N more" (default 10). */
  readonly maxTenantsListed?: number;
}

export function buildFleetReport(plan: Plan, options: FleetReportOptions = {}): FleetReport {
  const listed = options.maxTenantsListed ?? 10;
  const byObject = new Map<
    string,
    { tenants: Set<string>; properties: Map<string, PropertyAccumulator> }
  >();
  for (const change of plan.changes) {
    const object = `${change.graphType}.${change.name}`;
    const entry = byObject.get(object) ?? {
      tenants: new Set<string>(),
      properties: new Map<string, PropertyAccumulator>(),
    };
    byObject.set(object, entry);
    entry.tenants.add(change.tenant);
    for (const property of change.changes) {
      const accumulator = entry.properties.get(property.property) ?? new PropertyAccumulator();
      entry.properties.set(property.property, accumulator);
      accumulator.add(change.tenant, property.before ?? null, property.after);
    }
  }
  const objects = [...byObject.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([object, entry]): FleetObject => ({
      object,
      compared: plan.comparedByObject?.[object] ?? null,
      deviating: entry.tenants.size,
      properties: [...entry.properties.entries()].map(([property, accumulator]) =>
        accumulator.result(property, listed),
      ),
    }));
  return {
    tenants: plan.tenants.length,
    uncheckedTenants: [...new Set(plan.problems.map((problem) => problem.tenant))].sort(
      compareStrings,
    ),
    objects,
    health: healthOf(plan.health ?? [], listed),
  };
}

/** The live values of one property across tenants. */
class PropertyAccumulator {
  readonly #values = new Map<string, { value: JsonValue; tenants: string[] }>();
  readonly #desired = new Map<string, JsonValue>();
  readonly #tenants = new Set<string>();

  add(tenant: string, live: JsonValue, desired: JsonValue): void {
    const key = canonicalJson(live);
    const entry = this.#values.get(key) ?? { value: live, tenants: [] };
    this.#values.set(key, entry);
    entry.tenants.push(tenant);
    this.#desired.set(canonicalJson(desired), desired);
    this.#tenants.add(tenant);
  }

  result(property: string, listed: number): FleetProperty {
    const values = [...this.#values.entries()]
      .sort(
        ([keyA, a], [keyB, b]) => b.tenants.length - a.tenants.length || compareStrings(keyA, keyB),
      )
      .map(([, entry]) => ({
        value: entry.value,
        count: entry.tenants.length,
        tenants: [...entry.tenants].sort(compareStrings).slice(0, listed),
      }));
    const desired = [...this.#desired.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([, value]) => value);
    return { property, desired, deviating: this.#tenants.size, values };
  }
}

function healthOf(findings: readonly HealthFinding[], listed: number): FleetHealth {
  const groups = new Map<
    string,
    { group: Omit<FleetHealthGroup, "count" | "tenants">; tenants: string[] }
  >();
  for (const finding of findings) {
    const object = objectOf(finding.address, finding.tenant);
    const key = JSON.stringify([object, finding.property, finding.code]);
    const entry = groups.get(key) ?? {
      group: { object, property: finding.property, code: finding.code },
      tenants: [],
    };
    groups.set(key, entry);
    entry.tenants.push(finding.tenant);
  }
  return {
    findings: findings.length,
    tenants: new Set(findings.map((finding) => finding.tenant)).size,
    groups: [...groups.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([, { group, tenants }]) => ({
        ...group,
        count: tenants.length,
        tenants: [...new Set(tenants)].sort(compareStrings).slice(0, listed),
      })),
  };
}

/** `deviceManagementPartner[contoso].jamf` → `deviceManagementPartner.jamf`. */
function objectOf(address: string, tenant: string): string {
  return address.replace(`[${tenant}]`, "");
}
