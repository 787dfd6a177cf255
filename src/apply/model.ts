import type { JsonValue } from "../json.ts";
import type { PropertyChange } from "../plan/model.ts";
import type { GraphVersion } from "../resources/types.ts";

/**
 * What `apply` did, object by object: plain data for the renderers and the CLI's exit code.
 *
 * The applier never prints. It reports progress as `ApplyEvent`s through a hook (terraform's
 * `hook.go`) and returns an `ApplyResult` at the end; `render/apply-text.ts` and
 * `render/apply-json.ts` turn both into output.
 */
export const APPLY_FORMAT_VERSION = 1;

/** Which object a result or an event is about: the plan's address and the live object it writes. */
export interface ObjectRef {
  /** The plan's address, e.g. `remoteAssistancePartner[contoso].teamviewer`. */
  readonly address: string;
  readonly tenant: string;
  /** The YAML kind, e.g. `RemoteAssistancePartner`. */
  readonly kind: string;
  readonly graphVersion: GraphVersion;
  /** The live object's id: the PATCH went (or would have gone) to `collectionPath/liveId`. */
  readonly liveId: string;
}

/**
 * The outcome for one planned change.
 * - `changed`: the PATCH succeeded and the read-back matched (or could not be made: `verifyError`).
 * - `failed`: the PATCH (or the read that must precede it) failed; `error` says why. When
 *   `error.status` is undefined (network error, timeout) the write may or may not have landed.
 * - `skipped`: never written; `skipReason` says why.
 * - `stale`: the object moved (or vanished) since the plan was made; never written.
 * - `already-applied`: the object already holds the plan's values, and nothing else the
 *   configuration declares for it moved since the plan: an earlier run of the same plan wrote
 *   it. Not written again; a success.
 * - `not-converged`: the PATCH succeeded but the server holds other values than the plan's;
 *   `notConverged` lists them.
 */
export type ApplyStatus =
  "changed" | "already-applied" | "failed" | "skipped" | "stale" | "not-converged";

/**
 * Why an object was not written although it was not itself at fault.
 * - `interrupted`: Ctrl-C / SIGTERM before its write started.
 * - `fail-fast`: another object failed and `failFast` was set.
 * - `plan-stale`: another object in the plan is stale, so nothing at all was written.
 * - `circuit-open`: its tenant answered K PATCH attempts in a row with 429, 5xx or nothing
 *   (`circuit-breaker.ts`), so this run stopped writing to that tenant.
 */
export type SkipReason = "interrupted" | "fail-fast" | "plan-stale" | "circuit-open";

/** A failure in Graph's own terms, so that the user can quote it to support. */
export interface ApplyError {
  /** One line, e.g. `BadRequest: onboardingUrl is not a valid URL`. */
  readonly message: string;
  /** Graph's `error.code`. */
  readonly code?: string;
  /** The HTTP status; undefined for network errors and timeouts. */
  readonly status?: number;
  /** Graph's `request-id`. */
  readonly requestId?: string;
  /**
   * Ctrl-C / SIGTERM ended the request: stopped before a retry (`status` is the last answer's),
   * or cancelled on the wire after the grace (`status` undefined: the outcome is unknown).
   */
  readonly interrupted?: true;
}

/** A property the server holds with another value than the one written. */
export interface NotConvergedProperty {
  readonly property: string;
  /** The plan's value (the `after` of the property change). */
  readonly desired: JsonValue;
  /** What the read-back returned; undefined when the property (or the object) was missing. */
  readonly live: JsonValue | undefined;
}

/**
 * The outcome for one planned change. Invariants: `error` and `failedIn` are set exactly when
 * `status` is `failed`; `skipReason` exactly when `skipped`; `staleReason` exactly when `stale`;
 * `notConverged` (non-empty) exactly when `not-converged`; `httpStatus` whenever a PATCH
 * succeeded (`changed`, `not-converged`).
 */
export interface ObjectResult extends ObjectRef {
  readonly status: ApplyStatus;
  /** The properties the plan changes on this object (the keys of its PATCH body, in plan order). */
  readonly properties: readonly string[];
  /**
   * The plan's change of each of those properties, live value before → value sent: the audit
   * trail of what a `changed` object went from and to. Optional only for results built by hand.
   */
  readonly propertyChanges?: readonly PropertyChange[];
  readonly skipReason?: SkipReason;
  /**
   * For `failed`: `check` when the read before writing (or the sign-in) failed, so no PATCH was
   * sent; `write` when the PATCH itself failed.
   */
  readonly failedIn?: "check" | "write";
  /** For `stale`: what moved, e.g. `onboardingStatus is now "onboarding" (the plan saw "notOnboarded")`. */
  readonly staleReason?: string;
  readonly error?: ApplyError;
  readonly notConverged?: readonly NotConvergedProperty[];
  /** The PATCH's final status: 200 (with the object) or 204 (No Content). */
  readonly httpStatus?: 200 | 204;
  /** The PATCH's wall time, retries included. */
  readonly durationMs?: number;
  /** The successful PATCH's `request-id`. */
  readonly requestId?: string;
  /** Set when the object was written but the read-back to verify it failed. */
  readonly verifyError?: ApplyError;
}

/** Counts by status; `total` is the number of changes in the plan. */
export interface ApplySummary {
  readonly changed: number;
  readonly alreadyApplied: number;
  readonly failed: number;
  readonly skipped: number;
  readonly stale: number;
  readonly notConverged: number;
  /** Written but not verified because the read-back failed (counted in `changed` too). */
  readonly unverified: number;
  readonly total: number;
}

/**
 * The result of applying a plan. `results` has exactly one entry per change in the plan, in the
 * plan's order (sorted by address). `refusedAsStale` is true exactly when some object is `stale`:
 * then nothing at all was written. `interrupted` is true exactly when some object was left
 * unwritten because the abort signal fired (`skipReason` `interrupted`).
 */
export interface ApplyResult {
  readonly results: readonly ObjectResult[];
  readonly summary: ApplySummary;
  readonly refusedAsStale: boolean;
  readonly interrupted: boolean;
}

/**
 * Progress, as it happens. Events for one object come in order (`object-started` before
 * `object-written` / `object-failed`, `object-verified` / `object-not-converged` after those);
 * objects interleave. Every object ends with exactly one of `object-written` + a verify event,
 * `object-failed`, `object-skipped`, `object-stale` or `object-already-applied` (plus `verify-failed` for its collection
 * when the read-back failed).
 */
export type ApplyEvent =
  /** Phase 1: re-reading the live collections to check the plan is still current. */
  | {
      readonly type: "check-started";
      readonly tenants: number;
      readonly collections: number;
      readonly objects: number;
    }
  | { readonly type: "object-stale"; readonly object: ObjectRef; readonly reason: string }
  /** The object already holds the plan's values (an earlier run of this plan): not written. */
  | { readonly type: "object-already-applied"; readonly object: ObjectRef }
  /** Some object is stale: nothing will be written. */
  | { readonly type: "refused"; readonly staleObjects: number }
  /** Phase 2: writing. */
  | { readonly type: "write-started"; readonly objects: number }
  | {
      readonly type: "object-started";
      readonly object: ObjectRef;
      readonly properties: readonly string[];
    }
  /**
   * A write waits for a write budget: the tenant's own (under Intune's limit per app and tenant)
   * or its app's, shared by every tenant signing in with the app. `writes` and `perMs` are that
   * budget's.
   */
  | {
      readonly type: "budget-wait";
      readonly tenant: string;
      readonly budget: "tenant" | "app";
      readonly waitMs: number;
      readonly writes: number;
      readonly perMs: number;
    }
  /** A tenant's circuit opened: its remaining writes are skipped (`circuit-open`). */
  | { readonly type: "circuit-open"; readonly tenant: string; readonly failures: number }
  | {
      readonly type: "object-written";
      readonly object: ObjectRef;
      readonly properties: readonly string[];
      readonly httpStatus: 200 | 204;
      readonly durationMs: number;
      readonly requestId?: string;
    }
  | {
      readonly type: "object-failed";
      readonly object: ObjectRef;
      /** `check`: the read before writing failed; `write`: the PATCH failed. */
      readonly phase: "check" | "write";
      readonly error: ApplyError;
      readonly durationMs?: number;
    }
  | { readonly type: "object-skipped"; readonly object: ObjectRef; readonly reason: SkipReason }
  /** Phase 3: reading back what was written. */
  | { readonly type: "verify-started"; readonly collections: number; readonly objects: number }
  | { readonly type: "object-verified"; readonly object: ObjectRef }
  | {
      readonly type: "object-not-converged";
      readonly object: ObjectRef;
      readonly notConverged: readonly NotConvergedProperty[];
    }
  /** The read-back of one collection failed: its written objects stay unverified. */
  | {
      readonly type: "verify-failed";
      readonly tenant: string;
      readonly kind: string;
      readonly graphVersion: GraphVersion;
      readonly error: ApplyError;
      readonly objects: readonly ObjectRef[];
    };

/** Whether the apply did everything the plan asked and confirmed it: the CLI exits 0 only then. */
export function applySucceeded(result: ApplyResult): boolean {
  const { summary } = result;
  return (
    summary.failed === 0 &&
    summary.skipped === 0 &&
    summary.stale === 0 &&
    summary.notConverged === 0 &&
    summary.unverified === 0
  );
}

/** Counts the results by status. */
export function summarise(results: readonly ObjectResult[]): ApplySummary {
  const count = (status: ApplyStatus) =>
    results.filter((result) => result.status === status).length;
  return {
    changed: count("changed"),
    alreadyApplied: count("already-applied"),
    failed: count("failed"),
    skipped: count("skipped"),
    stale: count("stale"),
    notConverged: count("not-converged"),
    unverified: results.filter((result) => result.verifyError !== undefined).length,
    total: results.length,
  };
}
