import type { CloudName } from "../clouds.ts";
import type { Diagnostic, SourceLocation } from "../diagnostics.ts";
import type { JsonValue } from "../json.ts";
import type { GraphVersion } from "../resources/types.ts";

/**
 * The desired state after loading and validating the configuration: what `plan` compares the
 * live tenants against. Everything here is plain, validated data; nothing holds a secret (secrets
 * are named by environment variable and read only by `auth/`).
 */

/**
 * The app registration a method signs in as: `clientId`, or `clientIdEnv` naming the environment
 * variable that holds it (so a plan workflow and an apply workflow can use different apps with the
 * same configuration). Validation guarantees exactly one of the two.
 */
export type AppRegistration = {
  readonly clientId?: string;
  readonly clientIdEnv?: string;
};

/**
 * How to authenticate to one tenant. Only non-secret parameters: a secret or certificate password
 * is named by the environment variable that holds it.
 */
export type AuthConfig =
  | ({ readonly method: "clientSecret"; readonly clientSecretEnv: string } & AppRegistration)
  | ({
      readonly method: "certificate";
      /** PEM file with the private key and certificate; a relative path is resolved against the configuration folder (`--config`). */
      readonly certificatePath: string;
      readonly certificatePasswordEnv?: string;
    } & AppRegistration)
  | ({
      readonly method: "workloadIdentity";
      /** Defaults to `$AZURE_FEDERATED_TOKEN_FILE`; a relative path is resolved against the configuration folder. */
      readonly tokenFile?: string;
    } & AppRegistration)
  | ({
      readonly method: "githubOidc";
      /** Defaults to `api://AzureADTokenExchange`. */
      readonly audience?: string;
    } & AppRegistration)
  | { readonly method: "managedIdentity"; readonly clientId?: string }
  | { readonly method: "azureCli" }
  | { readonly method: "default"; readonly clientId?: string }
  | { readonly method: "environment" };

export type AuthMethod = AuthConfig["method"];

/** A `kind: Tenant` document. */
export interface TenantConfig {
  /** `metadata.name`: how resources and `--tenant` refer to it. */
  readonly name: string;
  /** The Entra ID tenant id (a GUID). */
  readonly tenantId: string;
  readonly cloud: CloudName;
  /** The Graph version this tenant's resources use unless they override it. */
  readonly graphVersion: GraphVersion;
  readonly auth: AuthConfig;
  /**
   * `spec.health`: the health thresholds this tenant sets, in hours, by setting name (see
   * `ResourceDefinition.health`); absent when the tenant keeps the defaults. Not part of the
   * digest: it changes what is reported, not what would be written.
   */
  readonly health?: Readonly<Record<string, number>>;
  readonly source: SourceLocation;
}

/** How a declared object finds its live counterpart: ids differ between tenants, names need not. */
export type ObjectMatch =
  | { readonly by: "id"; readonly id: string }
  | { readonly by: "displayName"; readonly displayName: string };

/**
 * One declared partner object in one tenant. A document that names several tenants (or all) is
 * expanded into one `DesiredObject` per tenant.
 */
export interface DesiredObject {
  /** The YAML kind, e.g. `RemoteAssistancePartner` (see `resources/registry.ts`). */
  readonly kind: string;
  /** `metadata.name`, unique per kind and tenant. */
  readonly name: string;
  readonly tenant: string;
  readonly match: ObjectMatch;
  /** The resource's override, else the tenant's default. */
  readonly graphVersion: GraphVersion;
  /**
   * The declared properties and only those, as Graph's JSON would carry them: DateTimeOffset
   * values exactly as written (a string), assignment targets with a canonical `@odata.type`.
   * Keys are in the registry's property order.
   */
  readonly spec: Readonly<Record<string, JsonValue>>;
  /**
   * `observe` when `metadata.mode: observe`: planned and reported, never written. Absent for
   * managed objects (the default), so their digest is what it was before modes existed.
   */
  readonly mode?: "observe";
  /** The accepted deviations that apply in this tenant (`acceptedDeviations`); absent when none. */
  readonly acceptances?: readonly AcceptedDeviation[];
  /** Where the document starts. */
  readonly source: SourceLocation;
  /** Where each declared property's value is, for messages about it. */
  readonly propertySources: Readonly<Record<string, SourceLocation>>;
}

/**
 * A known difference in one property, accepted until a day: plan shows it, does not count it as
 * a change or drift, and never writes it, while it has not expired and (when `value` is given)
 * the live value is still the accepted one.
 */
export interface AcceptedDeviation {
  readonly property: string;
  /** The accepted live value, as written; absent: any live value is accepted. */
  readonly value?: JsonValue;
  readonly reason: string;
  readonly owner: string;
  /** The last day (UTC) it holds, `YYYY-MM-DD`. */
  readonly expires: string;
  /** Where the acceptance is written. */
  readonly source: SourceLocation;
}

/** The validated configuration. */
export interface DesiredState {
  /** Sorted by name. */
  readonly tenants: readonly TenantConfig[];
  /** Sorted by kind (registry order), tenant, then name. */
  readonly objects: readonly DesiredObject[];
  /**
   * sha256 (hex) of the normalised desired state (tenants and objects, not file layout or
   * comments): a saved plan records it, and `apply PLANFILE` refuses a plan made from another one.
   */
  readonly digest: string;
  /**
   * The files holding configuration documents, relative to the config directory, `/`-separated,
   * sorted (files skipped as empty or as not intune-gitops files are not listed).
   */
  readonly files: readonly string[];
}

/** What loading the configuration gives: the state exactly when no diagnostic is an error. */
export interface ConfigResult {
  readonly state?: DesiredState;
  /** Errors and warnings, sorted by file, line and column. */
  readonly diagnostics: readonly Diagnostic[];
}
