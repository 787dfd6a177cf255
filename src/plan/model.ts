import type { SourceLocation } from "../diagnostics.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import type { LiveObject } from "../live-object.ts";
import type { ElementDiff } from "../resources/property-types/behaviour.ts";
import type { GraphVersion } from "../resources/types.ts";
import type { FailureCause } from "../failure-cause.ts";

/**
 * The plan: plain, versioned, deterministic data (same desired and live state in, same plan out,
 * in the same order). It alone is enough to apply: `apply PLANFILE` needs no configuration.
 * Symbols such as `~` belong to the renderers, not here.
 */
export const PLAN_FORMAT_VERSION = 1;

/** The live state read for a plan: every collection read, and every read that failed. */
export interface LiveSnapshot {
  readonly collections: readonly LiveCollection[];
  readonly failures: readonly LiveReadFailure[];
}

/** One tenant's collection of one kind in one Graph version, read whole. */
export interface LiveCollection {
  readonly tenant: string;
  readonly kind: string;
  readonly graphVersion: GraphVersion;
  readonly objects: readonly LiveObject[];
}

/** A collection (or a whole tenant, when `kind` is absent) that could not be read. */
export interface LiveReadFailure {
  readonly tenant: string;
  readonly kind?: string;
  readonly graphVersion?: GraphVersion;
  /** One line: Graph's code and message, or the auth failure, with the request-id. */
  readonly message: string;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  /** What kind of fix it needs; absent in snapshots made by hand. */
  readonly cause?: FailureCause;
}

/**
 * One property's change.
 * - `before`: the live value, normalised for display (`normaliseValue`): dates in canonical UTC
 *   text, an unset date or collection as `null` / `[]`, assignments as a sorted desired-style
 *   list of `{ target }`. `createPlan` always sets it (absent live properties are `null`).
 * - `after`: the declared value exactly as it is sent, i.e. equal to `patch[property]` (a date
 *   stays as written, e.g. `2016-12-31T23:58:36.6670033-08:00`).
 * - `elementChanges`: for a set-valued property (an assignment collection), the change element by
 *   element (additions, removals, elements whose identity stays while a setting changes), as its
 *   property type's `elementDiff` computes it from `before` and `after`. The planner computes it
 *   once; the renderers show it and compute nothing. Absent for any other property (and for
 *   values that are not lists).
 * `before` and `after` are never equal under `valuesEqual`: otherwise there is no change.
 */
export interface PropertyChange {
  readonly property: string;
  readonly before: JsonValue | undefined;
  readonly after: JsonValue;
  readonly elementChanges?: ElementDiff;
}

/** An object whose declared properties differ from the live ones: one PATCH. */
export interface ResourceChange {
  /** `remoteAssistancePartner[contoso].teamviewer`: graphType[tenant].name. Unique in a plan. */
  readonly address: string;
  readonly kind: string;
  readonly graphType: string;
  readonly name: string;
  readonly tenant: string;
  readonly graphVersion: GraphVersion;
  readonly collectionPath: string;
  /** The live object's id: the PATCH goes to `collectionPath/liveId`. */
  readonly liveId: string;
  readonly liveDisplayName: string | null;
  /** In the registry's property order; never empty. */
  readonly changes: readonly PropertyChange[];
  /**
   * Exactly the changed declared properties, as Graph wants them: never `id`, never an `@odata.*`
   * annotation except the `@odata.type` of each assignment target.
   */
  readonly patch: JsonObject;
  /**
   * Every property the configuration declares for the object (changed or not), in the registry's
   * order: exactly the ones `fingerprint` covers. Optional only so plans built by hand in tests
   * stay valid; `createPlan` always sets it.
   */
  readonly declaredProperties?: readonly string[];
  /**
   * sha256 (hex) of the live object's declared properties, normalised (`fingerprintObject` over
   * `declaredProperties`). `apply` re-reads the
   * object and refuses to write when it no longer matches: someone changed it since the plan.
   */
  readonly fingerprint: string;
  /**
   * `observe` for an object declared with `metadata.mode: observe`: its drift is reported like
   * any other change, but apply never writes it. Absent for managed objects.
   */
  readonly mode?: "observe";
}

/**
 * A declared object (or a whole tenant or collection) that could not be planned. Makes the run
 * exit 1. Codes:
 * - `not-found`: no live object matches (`candidates` lists the live objects; empty when the
 *   collection is empty);
 * - `ambiguous`: several live objects match (`candidates` lists them);
 * - `duplicate-match`: two or more declared objects resolve to the same live object (one problem
 *   per declared object; none of them is planned, since their PATCHes would fight);
 * - `read-failed`: a collection or a whole tenant could not be read (one problem per failure, no
 *   `address`); its declared objects are not planned, other tenants are. A collection the
 *   snapshot lacks although objects were declared in it counts as a failed read.
 * - `would-clear-beta-data`: a change withheld because writing its assignment collection through
 *   v1.0 would clear assignment filters that only beta shows, or because the beta read that
 *   checks this failed (`beta-guard.ts`).
 */
export interface PlanProblem {
  readonly code:
    "not-found" | "ambiguous" | "duplicate-match" | "read-failed" | "would-clear-beta-data";
  readonly tenant: string;
  /** The declared object's address; absent for `read-failed` (about a tenant or collection). */
  readonly address?: string;
  readonly summary: string;
  /** What to do about it. */
  readonly detail: string;
  /** Where the declared object is written, when the problem is about one. */
  readonly source?: SourceLocation;
  /**
   * For `not-found`, `ambiguous` and `duplicate-match`: the live objects that were candidates,
   * sorted by displayName then id.
   */
  readonly candidates?: readonly { readonly id: string; readonly displayName: string | null }[];
  /** For `read-failed`: what kind of fix it needs (credentials, permissions, network, …). */
  readonly cause?: FailureCause;
}

/**
 * A difference in one property that an acceptance (`acceptedDeviations`) covers: shown, not a
 * change nor drift, never written.
 */
export interface AcceptedDifference {
  readonly address: string;
  readonly tenant: string;
  readonly property: string;
  /** The live value, normalised as `PropertyChange.before`. */
  readonly live: JsonValue;
  /** The declared value, as it would be sent. */
  readonly desired: JsonValue;
  /** The last day (UTC) the acceptance holds, `YYYY-MM-DD`. */
  readonly expires: string;
  readonly owner: string;
  readonly reason: string;
}

/**
 * Something the plan's reader must know that is not a change nor a problem: an acceptance that
 * no longer covers a difference (expired, or the live value moved away from the accepted one).
 */
export interface PlanWarning {
  readonly code: "acceptance-expired" | "acceptance-value-moved";
  readonly tenant: string;
  readonly address: string;
  readonly summary: string;
  /** Where the acceptance is written. */
  readonly source?: SourceLocation;
}

/** An acceptance that ends within 14 days of the plan: someone should renew it or fix the drift. */
export interface ExpiringAcceptance {
  readonly address: string;
  readonly tenant: string;
  readonly property: string;
  readonly expires: string;
  readonly owner: string;
  readonly reason: string;
}

/**
 * A fact about a partner's health, read from the live object the plan compared (see
 * `ResourceDefinition.health`): never a change nor drift, never written, not counted in the exit
 * code. Codes:
 * - `unhealthy-state`: the state property holds an unhealthy value (`partnerState: terminated`);
 * - `stale`: the date-time is older than the tenant's threshold, or unset (`value` null);
 * - `expired` / `expiring`: the date-time has passed / comes within the threshold.
 */
export interface HealthFinding {
  /** The declared object's address, as in `ResourceChange.address`. */
  readonly address: string;
  readonly tenant: string;
  readonly code: "unhealthy-state" | "stale" | "expired" | "expiring";
  readonly property: string;
  /** The live value, normalised as `PropertyChange.before` (dates in canonical UTC). */
  readonly value: JsonValue;
  /** The threshold that applied, in hours; absent for `unhealthy-state`. */
  readonly thresholdHours?: number;
  /** One line for people, e.g. `last heartbeat 3 days ago (more than 24 h)`. */
  readonly summary: string;
}

export interface Plan {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  readonly toolVersion: string;
  /** `DesiredState.digest` of the configuration the plan was made from. */
  readonly configDigest: string;
  /** The tenants planned (after `--tenant` / `--shard`), sorted. */
  readonly tenants: readonly string[];
  /** Sorted by address. */
  readonly changes: readonly ResourceChange[];
  /** Declared objects that already match. Counted, not listed. */
  readonly unchangedCount: number;
  /**
   * `unchangedCount` per planned tenant (every tenant in `tenants`, zeros included; the values
   * sum to `unchangedCount`). Optional only so plans built by hand in tests stay valid;
   * `createPlan` always sets it.
   */
  readonly unchangedByTenant?: Readonly<Record<string, number>>;
  /** Sorted by tenant, then address. */
  readonly problems: readonly PlanProblem[];
  /** Differences covered by an acceptance, sorted by address then property. Absent when none. */
  readonly accepted?: readonly AcceptedDifference[];
  /** Acceptances that stopped covering a difference, sorted by address. Absent when none. */
  readonly warnings?: readonly PlanWarning[];
  /** Acceptances of the planned tenants ending within 14 days, by date. Absent when none. */
  readonly expiringAcceptances?: readonly ExpiringAcceptance[];
  /**
   * How many tenants each declared object (`graphType.name`, e.g. `remoteAssistancePartner.teamviewer`)
   * was compared in (matched to exactly one live object), drifted or not: the "of N tenants" of
   * the fleet report. Optional only so plans built by hand stay valid; `createPlan` always sets it.
   */
  readonly comparedByObject?: Readonly<Record<string, number>>;
  /** Health findings of the compared objects, sorted by address then property. Absent when none. */
  readonly health?: readonly HealthFinding[];
}
