/**
 * What the rest of the code needs to know about an Intune partner object type.
 *
 * A `ResourceDefinition` is data, not behaviour: the config schema, the planner, the renderers and
 * the exporter are all derived from it, so adding a kind is adding one file in this folder and one
 * line in `registry.ts`. Nothing outside `src/resources/` names a kind.
 */

/** The Microsoft Graph API versions the tool speaks. */
export type GraphVersion = "v1.0" | "beta";
export const GRAPH_VERSIONS: readonly GraphVersion[] = ["v1.0", "beta"];

/**
 * The value type of a property, as the configuration and the planner see it: one module per type
 * in `property-types/` (string, url, enum, boolean, dateTimeOffset, assignments), listed in
 * `property-types/registry.ts`, which also gives each type's behaviour (`propertyBehaviour`).
 */
import type { PropertyType } from "./property-types/registry.ts";
export type { PropertyType };

/** One property of a kind in one Graph version. `id` is never listed: it is the key, not state. */
export interface PropertyDefinition {
  /** The Graph (and YAML) property name, e.g. `onboardingStatus`. */
  readonly name: string;
  readonly type: PropertyType;
  /** Whether Graph accepts and returns `null` for it (from the metadata's `Nullable`). */
  readonly nullable: boolean;
  /**
   * Set when the property is on its way out: the text says why and what to use instead. The
   * configuration accepts it with a warning.
   */
  readonly deprecated?: string;
  /**
   * Set on properties the service maintains itself (timestamps, connection state). They can be
   * declared and sent like any other, but `export` leaves them out unless asked.
   */
  readonly serverManaged?: true;
  /** One sentence for the reference documentation and the JSON Schema. */
  readonly description: string;
}

/** What the tool knows about one kind of Intune partner object. */
export interface ResourceDefinition {
  /** The YAML `kind`, PascalCase: `RemoteAssistancePartner`. */
  readonly kind: string;
  /** The Graph entity type (also the address prefix in plans): `remoteAssistancePartner`. */
  readonly graphType: string;
  /** The collection under the Graph version root: `/deviceManagement/remoteAssistancePartners`. */
  readonly collectionPath: string;
  /** The property most users match live objects by when ids differ between tenants. */
  readonly displayNameProperty: "displayName";
  /** One sentence for `--help`, the JSON Schema and the docs. */
  readonly description: string;
  /** Every property in each Graph version, in a stable order (the order plans and exports use). */
  readonly properties: Readonly<Record<GraphVersion, readonly PropertyDefinition[]>>;
  /**
   * How a row looks that the service lists although nobody set it up (Intune shows partners an
   * administrator never onboarded): every property named holds the value given, `null` meaning
   * unset, `null` or `""`. `export` leaves such rows out unless asked; the names must be
   * properties of the kind in every Graph version.
   */
  readonly notSetUp?: Readonly<Record<string, string | boolean | null>>;
  /**
   * The `componentName` Intune files this kind's changes under in its audit log, as IntuneCD
   * filters them (shared/graph/audit-and-lifecycle.md §1; unverified on a live tenant). Drift
   * attribution uses it only to narrow the audit listing; events are matched by `resourceId`.
   * Absent: the listing is not narrowed by component.
   */
  readonly auditComponent?: string;
  /**
   * The partner's health, read from the same listing the plan makes (its properties are added
   * to `$select`) and never written: facts reported apart from drift. A check whose property the
   * Graph version lacks is skipped for objects read through that version.
   */
  readonly health?: readonly HealthCheck[];
}

/**
 * One health check of a kind. Every property it names must be a property of the kind.
 * - `state`: the property's value is one of `unhealthy` (an enum of the partner's state);
 * - `stale`: the date-time property is older than the threshold (or unset), while `when` holds;
 * - `expiry`: the date-time property has passed, or comes within the threshold, while `when`
 *   holds (an onboarding request that expires).
 */
export type HealthCheck =
  | {
      readonly check: "state";
      readonly property: string;
      readonly unhealthy: readonly string[];
    }
  | {
      readonly check: "stale" | "expiry";
      readonly property: string;
      /** What the date-time is of, for messages: `heartbeat`, `onboarding request`. */
      readonly noun: string;
      readonly when: HealthCondition;
      readonly threshold: HealthThreshold;
    };

/** The check applies only to objects whose `property` holds `equals`. */
export interface HealthCondition {
  readonly property: string;
  readonly equals: string | boolean;
}

/**
 * A threshold in hours, set per tenant under `spec.health.<setting>` in the configuration (the
 * configuration schema derives the setting from here).
 */
export interface HealthThreshold {
  /** The setting's name, e.g. `heartbeatMaxAgeHours`. */
  readonly setting: string;
  readonly defaultHours: number;
  /** One sentence for the reference documentation and the JSON Schema. */
  readonly description: string;
}
