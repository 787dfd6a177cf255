import { z } from "../zod.ts";
import { CLOUD_NAMES } from "../clouds.ts";
import { RESOURCES } from "../resources/registry.ts";
import {
  GRAPH_VERSIONS,
  type GraphVersion,
  type PropertyDefinition,
  type ResourceDefinition,
} from "../resources/types.ts";
import type { AuthConfig } from "./model.ts";
import { CALENDAR_DATE_PATTERN, isExistingDate } from "./calendar-date.ts";
import { ENV_VAR_NAME_PATTERN, NAME_PATTERN } from "./formats.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import { field, fieldHelp, guidField, nonEmptyField, type FieldHelp } from "../schema-field.ts";

/**
 * The configuration format as zod schemas. The partner kinds' `spec` schemas are derived from the
 * resource registry (`src/resources/`): one loop over `RESOURCES` and each property's `type`, so
 * a property added there is validated, documented and offered by editors without a change here.
 *
 * The same schemas serve three readers: the loader validates with them (per Graph version), the
 * `schema` command exports them as JSON Schema for editors (all versions at once), and the issue
 * mapper reads their descriptions to say what a field expects.
 */

export const API_VERSION = "intune-gitops/v1";
export const TENANT_KIND = "Tenant";
/** `metadata.tenants: all`: every declared tenant. */
export const ALL_TENANTS = "all";

/** `metadata.mode`: whether apply writes the object or only plan reports on it. */
export const OBJECT_MODES = ["manage", "observe"] as const;

export { fieldHelp, type FieldHelp };

const schemaCache = new Map<string, z.ZodType>();

function memoized<T extends z.ZodType>(key: string, build: () => T): T {
  const cached = schemaCache.get(key);
  if (cached) return cached as T;
  const schema = build();
  schemaCache.set(key, schema);
  return schema;
}

// ── Shared value formats ───────────────────────────────────────────────────────────────────────

const guid = guidField;

const name = (description: string, example: string) =>
  field(z.string().regex(NAME_PATTERN), description, {
    expected: "a lowercase name of letters, digits and hyphens (at most 63 characters)",
    example,
  });

const envVarName = (description: string, example: string) =>
  field(z.string().regex(ENV_VAR_NAME_PATTERN), description, {
    expected: "an environment variable name (letters, digits and underscores)",
    example,
  });

const nonEmpty = nonEmptyField;

export { DateTimeOffset } from "../resources/property-types/date-time-offset.ts";
export { HttpUrl } from "../resources/property-types/url.ts";

export const GraphVersionName = field(
  z.enum(GRAPH_VERSIONS),
  "Microsoft Graph API version: v1.0 or beta.",
  { expected: "v1.0 or beta", example: "v1.0" },
);

// ── Tenant ─────────────────────────────────────────────────────────────────────────────────────

const clientId = guid(
  "Application (client) ID of the Entra ID app registration (or clientIdEnv).",
  "11111111-1111-1111-1111-111111111111",
).optional();
const clientIdEnv = envVarName(
  "Name of the environment variable that holds the application (client) ID, instead of clientId: so each workflow can sign in with its own app (a read-only one for plan, a write one for apply).",
  "INTUNE_GITOPS_CLIENT_ID",
).optional();

/**
 * An app registration's sign-in settings: the app is named by `clientId` or by `clientIdEnv`,
 * exactly one (the refinement; the JSON Schema says the same with `oneOf`).
 */
function namesOneApp(auth: { readonly clientId?: unknown; readonly clientIdEnv?: unknown }) {
  return (auth.clientId === undefined) !== (auth.clientIdEnv === undefined);
}
function appRegistration<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z
    .strictObject({ ...shape, clientId, clientIdEnv })
    .refine(namesOneApp, { params: { code: "invalid-client-id" } })
    .meta({ oneOf: [{ required: ["clientId"] }, { required: ["clientIdEnv"] }] });
}
const authMethod = <M extends AuthConfig["method"]>(method: M, description: string) =>
  field(z.literal(method), description);

/**
 * How to sign in to a tenant. Only non-secret parameters: a secret is named by the environment
 * variable that holds it. Mirrors `AuthConfig` in `model.ts` (checked by the type assertion below).
 */
export const Auth = field(
  z.discriminatedUnion("method", [
    appRegistration({
      method: authMethod(
        "clientSecret",
        "App registration with a client secret read from an environment variable.",
      ),
      clientSecretEnv: envVarName(
        "Name of the environment variable that holds the client secret, never the secret itself.",
        "AZURE_CLIENT_SECRET",
      ),
    }),
    appRegistration({
      method: authMethod(
        "certificate",
        "App registration with a certificate (PEM file with the private key).",
      ),
      certificatePath: nonEmpty(
        "Path of the PEM file holding the private key and certificate; a relative path is relative to the configuration folder (--config).",
        "certs/contoso.pem",
      ),
      certificatePasswordEnv: envVarName(
        "Name of the environment variable that holds the PEM file's password, if it has one.",
        "AZURE_CLIENT_CERTIFICATE_PASSWORD",
      ).optional(),
    }),
    appRegistration({
      method: authMethod(
        "workloadIdentity",
        "Federated token from a file (Kubernetes workload identity and similar).",
      ),
      tokenFile: nonEmpty(
        "File holding the federated token; a relative path is relative to the configuration folder. Default: $AZURE_FEDERATED_TOKEN_FILE.",
      ).optional(),
    }),
    appRegistration({
      method: authMethod(
        "githubOidc",
        "GitHub Actions OIDC token exchanged for an Entra ID token: no secret at all.",
      ),
      audience: nonEmpty(
        "Audience of the GitHub OIDC token. Default: api://AzureADTokenExchange.",
      ).optional(),
    }),
    z.strictObject({
      method: authMethod(
        "managedIdentity",
        "Azure managed identity of the machine running the tool.",
      ),
      clientId: guid(
        "Client ID of a user-assigned managed identity; omit for the system-assigned one.",
      ).optional(),
    }),
    z.strictObject({
      method: authMethod("azureCli", "The account signed in with `az login` (for people, not CI)."),
    }),
    z.strictObject({
      method: authMethod(
        "default",
        "Azure Identity's default credential chain (environment, workload identity, managed identity, Azure CLI, ...).",
      ),
      clientId: guid(
        "Client ID passed to the managed identity and workload identity steps of the chain.",
      ).optional(),
    }),
    z.strictObject({
      method: authMethod(
        "environment",
        "Azure Identity's environment credential: AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.",
      ),
    }),
  ]),
  "How intune-gitops signs in to this tenant, with non-secret parameters only: secrets are named by environment variable.",
  { expected: "a mapping with a method", example: "{ method: githubOidc, clientId: <GUID> }" },
);
export type Auth = z.infer<typeof Auth>;
// The schema and the hand-written model type must describe the same configurations.
const _authMatchesModel: AuthConfig = {} as Auth;
void _authMatchesModel;

/**
 * `spec.health`: one setting per health threshold the kinds declare (`ResourceDefinition.health`),
 * in hours. Derived from the registry like the partner specs, so a kind's new check brings its
 * setting here.
 */
export const HealthSettings = field(
  z.strictObject(
    Object.fromEntries(
      RESOURCES.flatMap((resource) => resource.health ?? []).flatMap((check) =>
        check.check === "state"
          ? []
          : [
              [
                check.threshold.setting,
                field(z.number().int().min(0).max(8_760), check.threshold.description, {
                  expected: "a whole number of hours from 0 to 8760 (a year)",
                  example: String(check.threshold.defaultHours),
                }).optional(),
              ],
            ],
      ),
    ),
  ),
  "Health thresholds of this tenant's partners, in hours: read-only facts reported apart from drift (never written, never counted as a change).",
  { expected: "a mapping", example: "{ heartbeatMaxAgeHours: 48 }" },
);

export const TenantDocument = field(
  z.strictObject({
    apiVersion: field(z.literal(API_VERSION), "Configuration format version."),
    kind: field(
      z.literal(TENANT_KIND),
      "A tenant intune-gitops manages, and how to sign in to it.",
    ),
    metadata: field(
      z.strictObject({
        name: name(
          "How resources (metadata.tenants), plan addresses and --tenant refer to this tenant.",
          "contoso",
        ),
      }),
      "The tenant's name.",
      { expected: "a mapping", example: "{ name: contoso }" },
    ),
    spec: field(
      z.strictObject({
        tenantId: guid(
          "Entra ID tenant id, shown in the Entra admin center under Overview → Tenant ID.",
          "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
        ),
        cloud: field(
          z.enum(CLOUD_NAMES as [string, ...string[]]).default("global"),
          "Microsoft cloud: global (also GCC), usgov (GCC High), usgovdod (DoD) or china (21Vianet). Default: global.",
        ),
        graphVersion: GraphVersionName.default("v1.0").meta({
          description:
            "Graph version for this tenant's resources unless a resource overrides it. Default: v1.0.",
        }),
        auth: Auth,
        health: HealthSettings.optional(),
      }),
      "The tenant's id, cloud, default Graph version, and how to sign in.",
      {
        expected: "a mapping",
        example: "{ tenantId: <GUID>, auth: { method: environment } }",
      },
    ),
  }),
  "A tenant: its id, cloud, default Graph version, and how to sign in.",
);
export type TenantDocument = z.infer<typeof TenantDocument>;

// ── Partner objects (derived from the registry) ────────────────────────────────────────────────

/** The versions of `versions` in which a kind has a property. */
export function versionsWithProperty(
  resource: ResourceDefinition,
  property: string,
): GraphVersion[] {
  return GRAPH_VERSIONS.filter((version) =>
    resource.properties[version].some((p) => p.name === property),
  );
}

/** Every property of a kind across `versions`, each once, in registry order. */
export function propertiesAcross(
  resource: ResourceDefinition,
  versions: readonly GraphVersion[],
): PropertyDefinition[] {
  const byName = new Map<string, PropertyDefinition>();
  for (const version of versions) {
    for (const property of resource.properties[version])
      if (!byName.has(property.name)) byName.set(property.name, property);
  }
  return [...byName.values()];
}

function propertyDescription(
  resource: ResourceDefinition,
  property: PropertyDefinition,
  versions: readonly GraphVersion[],
): string {
  const parts = [property.description];
  const available = versionsWithProperty(resource, property.name);
  if (versions.length > 1 && available.length < GRAPH_VERSIONS.length)
    parts.push(`Graph ${available.join(", ")} only.`);
  if (property.nullable) parts.push("May be null.");
  if (property.deprecated) parts.push(`Deprecated: ${property.deprecated}.`);
  return parts.join(" ");
}

/**
 * The `spec` of a kind: exactly the properties the given Graph versions have, all optional (only
 * declared properties are managed). One version for validation; all versions for editors.
 */
export function specSchema(resource: ResourceDefinition, versions: readonly GraphVersion[]) {
  // Built once per kind and versions: building a zod schema costs far more than using it.
  return memoized(`spec|${resource.kind}|${versions.join(",")}`, () =>
    buildSpecSchema(resource, versions),
  );
}

function buildSpecSchema(resource: ResourceDefinition, versions: readonly GraphVersion[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const property of propertiesAcross(resource, versions)) {
    let schema = propertyBehaviour(property.type).valueSchema(versions);
    if (property.nullable) schema = schema.nullable();
    shape[property.name] = schema
      .meta({
        description: propertyDescription(resource, property, versions),
        ...(property.deprecated ? { deprecated: true } : {}),
      })
      .optional();
  }
  return field(
    z.strictObject(shape).meta({ minProperties: 1 }),
    `The managed properties of the ${resource.graphType}: only those written here are compared and changed.`,
    { expected: "a mapping of properties" },
  );
}

const Match = field(
  z
    .strictObject({
      id: nonEmpty(
        "The live object's id. Ids differ between tenants: use it for one tenant only.",
      ).optional(),
      displayName: nonEmpty(
        "The live object's displayName; it must be unique in the tenant.",
        "TeamViewer",
      ).optional(),
    })
    .refine((match) => (match.id === undefined) !== (match.displayName === undefined), {
      params: { code: "invalid-match" },
    })
    .meta({ minProperties: 1, maxProperties: 1 }),
  "How to find the live object: by displayName (unique in the tenant) or by id. Exactly one.",
  { expected: "{ displayName: ... } or { id: ... }", example: "{ displayName: TeamViewer }" },
);

const TenantSelector = field(
  z.union([
    field(z.literal(ALL_TENANTS), "Every declared tenant."),
    name("A tenant's metadata.name.", "contoso"),
    field(
      z.array(name("A tenant's metadata.name.", "contoso")).min(1),
      "Several tenants by metadata.name.",
    ),
  ]),
  "Which tenants the object is managed in: all, a tenant name, or a list of tenant names.",
  { expected: "all, a tenant name, or a list of tenant names", example: "[contoso, fabrikam]" },
);

const AcceptedDeviation = field(
  z.strictObject({
    tenant: name(
      "The tenant whose difference is accepted; omit for every tenant of this document.",
      "fabrikam",
    ).optional(),
    property: nonEmpty(
      "The spec property whose live value may differ from the declared one.",
      "onboardingStatus",
    ),
    value: field(
      z.json(),
      "The live value being accepted. Omit to accept any live value; when given, a live value that moves away from it is drift again.",
      { expected: "the live value, as Graph returns it", example: "notOnboarded" },
    ).optional(),
    reason: nonEmpty("Why the difference is accepted, for reviewers.", "licence not bought yet"),
    owner: nonEmpty("Who answers for the acceptance.", "it-ops@contoso.com"),
    expires: field(
      z
        .string()
        .regex(CALENDAR_DATE_PATTERN)
        .refine((text) => !CALENDAR_DATE_PATTERN.test(text) || isExistingDate(text), {
          params: { code: "invalid-date" },
        }),
      "Last day (UTC) the acceptance holds, YYYY-MM-DD, at most a year ahead: after it the difference is drift again.",
      { expected: "a date YYYY-MM-DD at most a year ahead", example: "2027-01-31" },
    ),
  }),
  "A known difference between the live and the declared value of one property, accepted until a date: shown in plans, not counted as a change or drift, never written.",
  {
    expected: "a mapping with property, reason, owner and expires",
    example: "{ property: onboardingStatus, reason: ..., owner: ..., expires: 2027-01-31 }",
  },
);

/** A partner object document; `spec` is passed in (per Graph version, or a loose mapping). */
export function resourceDocumentSchema(resource: ResourceDefinition, spec: z.ZodType) {
  return field(
    z.strictObject({
      apiVersion: field(z.literal(API_VERSION), "Configuration format version."),
      kind: field(z.literal(resource.kind), resource.description),
      metadata: field(
        z.strictObject({
          name: name(
            "Names the object in plans (kind[tenant].name); unique per kind and tenant.",
            "teamviewer",
          ),
          tenants: TenantSelector,
          match: Match,
          graphVersion: GraphVersionName.meta({
            description:
              "Graph version for this object, overriding the tenant's spec.graphVersion.",
          }).optional(),
          mode: field(
            z.enum(OBJECT_MODES),
            "manage (default): plan and apply keep the object as declared. observe: planned and reported like any other object (drift included) but never written; apply skips it and says so.",
            { expected: "manage or observe", example: "observe" },
          ).optional(),
        }),
        "Which object this is, in which tenants, and how to find it.",
        {
          expected: "a mapping",
          example: "{ name: teamviewer, tenants: all, match: { displayName: TeamViewer } }",
        },
      ),
      spec,
      acceptedDeviations: field(
        z.array(AcceptedDeviation).min(1),
        "Known differences accepted until a date (per property and tenant): reported, never written.",
        { expected: "a list of acceptances" },
      ).optional(),
    }),
    resource.description,
  );
}

/** A document with the spec left open: the first validation pass, before versions are known. */
export function resourceEnvelopeSchema(resource: ResourceDefinition) {
  return memoized(`envelope|${resource.kind}`, () =>
    resourceDocumentSchema(
      resource,
      field(z.record(z.string(), z.unknown()), "The managed properties.", {
        expected: "a mapping of properties",
      }),
    ),
  );
}

/** Any configuration document, for editors: every kind, each spec with all Graph versions' properties. */
export function configDocumentSchema() {
  const resources = RESOURCES.map((resource) =>
    resourceDocumentSchema(resource, specSchema(resource, GRAPH_VERSIONS)),
  );
  return z.discriminatedUnion("kind", [TenantDocument, ...resources]).meta({
    title: "intune-gitops configuration document",
    description: `One document of an intune-gitops configuration (apiVersion ${API_VERSION}). Kinds: ${[TENANT_KIND, ...RESOURCES.map((r) => r.kind)].join(", ")}.`,
  });
}

/** The JSON Schema editors use (`# yaml-language-server: $schema=...`), from zod's own export. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configDocumentSchema(), {
    target: "draft-7",
    io: "input",
    unrepresentable: "any",
  });
}
