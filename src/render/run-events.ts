/**
 * `--events FILE`: what a run found and did, as JSON Lines for a SIEM or a webhook relay: one
 * event per drifted property, per partner health finding and per property an apply wrote,
 * deduplicated per run. Pure: the CLI
 * writes `toJsonLines()` to the file. The schema is in docs/formats.md ("Run events").
 *
 * Adding a kind of event (e.g. partner health findings) is one variant of `RunEvent` and one
 * `events.add({ kind: "…", … })` call where the finding is known: the log dedupes and writes every
 * kind alike. Keys are snake_case like the plan's JSON; Graph's property names and values are data.
 */
import type { ApplyResult } from "../apply/model.ts";
import { canonicalJson } from "../canonical-json.ts";
import type { JsonValue } from "../json.ts";
import type { AttributedChange, DriftAttribution } from "../plan/attribution.ts";
import type { HealthFinding, Plan } from "../plan/model.ts";
import { attributionLookup } from "./attribution-text.ts";

/** The version of every event's shape; adding keys or kinds does not change it. */
export const RUN_EVENTS_FORMAT_VERSION = 1 as const;

/** Who made a change, when known: the audit log's actor, or this tool for what it wrote. */
// Type aliases, not interfaces: an event must be assignable to JsonObject (the dedupe key).
export type EventActor = {
  readonly type: "user" | "application";
  readonly name: string;
  readonly user_principal_name: string | null;
  readonly application_name: string | null;
  readonly application_id: string | null;
  readonly remote_tenant_id: string | null;
  /** When the change was made (`activityDateTime`); null for this run's own writes. */
  readonly changed_at: string | null;
  /** This tool made it: the rule that recognised it (`this-run` for the run's own writes). */
  readonly by_this_tool: "client-request-id" | "app-id" | "this-run" | null;
};

/** What every event carries. `object` is the plan's address; `time` is the run's "now". */
type EventBase = {
  readonly format_version: typeof RUN_EVENTS_FORMAT_VERSION;
  readonly time: string;
  readonly tenant: string;
  readonly object: string;
};

/** A property whose live value differs from the configuration (`mode` observe: never written). */
export type DriftEvent = EventBase & {
  readonly kind: "drift";
  readonly property: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly mode: "manage" | "observe";
  readonly actor: EventActor | null;
};

/** A property an apply wrote (the PATCH succeeded; `verified`: the read-back agreed). */
export type AppliedEvent = EventBase & {
  readonly kind: "applied";
  readonly property: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly verified: boolean;
  readonly request_id: string | null;
  readonly actor: EventActor;
};

/** A partner health finding (`Plan.health`): a fact read from the partner, never drift. */
export type HealthEvent = EventBase & {
  readonly kind: "health";
  readonly code: HealthFinding["code"];
  readonly property: string;
  readonly value: JsonValue;
  readonly threshold_hours: number | null;
  readonly summary: string;
};

export type RunEvent = DriftEvent | AppliedEvent | HealthEvent;

/** Distributes `Omit` over the union, so each kind keeps its own keys. */
export type RunEventInput = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, "format_version" | "time">
    : never
  : never;

export class RunEventLog {
  readonly #time: string;
  readonly #events: RunEvent[] = [];
  readonly #seen = new Set<string>();

  /** `now`: the run's time, stamped on every event. */
  constructor(now: Date) {
    this.#time = now.toISOString();
  }

  /** Adds one event unless the same one (all but the time) was added already this run. */
  add(event: RunEventInput): void {
    const full = { format_version: RUN_EVENTS_FORMAT_VERSION, time: this.#time, ...event };
    const key = canonicalJson({ ...full, time: null } satisfies JsonValue);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#events.push(full);
  }

  /** One `drift` event per changed property of the plan, with its actor when attributed. */
  addDrift(plan: Plan, attribution?: DriftAttribution): void {
    const lookup = attributionLookup(attribution);
    for (const change of plan.changes) {
      for (const property of change.changes) {
        const lastChange = lookup(change.address, property.property)?.lastChange ?? null;
        this.add({
          kind: "drift",
          tenant: change.tenant,
          object: change.address,
          property: property.property,
          before: property.before ?? null,
          after: property.after,
          mode: change.mode ?? "manage",
          actor: lastChange === null ? null : auditActor(lastChange),
        });
      }
    }
  }

  /** One `health` event per health finding of the plan. */
  addHealth(plan: Plan): void {
    for (const finding of plan.health ?? []) {
      this.add({
        kind: "health",
        tenant: finding.tenant,
        object: finding.address,
        code: finding.code,
        property: finding.property,
        value: finding.value,
        threshold_hours: finding.thresholdHours ?? null,
        summary: finding.summary,
      });
    }
  }

  /** One `applied` event per property of each object the apply wrote. */
  addApplied(result: ApplyResult): void {
    for (const object of result.results) {
      if (object.status !== "changed" && object.status !== "not-converged") continue;
      const unconverged = new Set((object.notConverged ?? []).map((entry) => entry.property));
      for (const property of object.propertyChanges ?? []) {
        this.add({
          kind: "applied",
          tenant: object.tenant,
          object: object.address,
          property: property.property,
          before: property.before ?? null,
          after: property.after,
          verified: object.verifyError === undefined && !unconverged.has(property.property),
          request_id: object.requestId ?? null,
          actor: THIS_RUN,
        });
      }
    }
  }

  get events(): readonly RunEvent[] {
    return this.#events;
  }

  /** One JSON object per line, each ending with a newline; empty when nothing happened. */
  toJsonLines(): string {
    return this.#events.map((event) => `${JSON.stringify(event)}\n`).join("");
  }
}

const THIS_RUN: EventActor = {
  type: "application",
  name: "intune-gitops",
  user_principal_name: null,
  application_name: null,
  application_id: null,
  remote_tenant_id: null,
  changed_at: null,
  by_this_tool: "this-run",
};

function auditActor(change: AttributedChange): EventActor {
  return {
    type: change.actor.type,
    name: change.actor.name,
    user_principal_name: change.actor.userPrincipalName,
    application_name: change.actor.applicationName,
    application_id: change.actor.applicationId,
    remote_tenant_id: change.actor.remoteTenantId,
    changed_at: change.at,
    by_this_tool: change.byThisTool,
  };
}
