import { createHash, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "../zod.ts";
import { GUID_PATTERN } from "../guid.ts";
import type { JsonObject } from "../json.ts";
import { PACKAGE_ROOT } from "../package-root.ts";
import { graphSchemas, type GraphSchema } from "./metadata-schema.ts";
import { validateEntityPayload } from "./payload-validation.ts";

/**
 * The seed: the tenants the emulator serves, their app registrations and their partner objects.
 * Written as YAML or JSON (see docs/emulator.md); `loadSeed` validates it completely, objects
 * included (against Microsoft's metadata, like a PATCH), and reports every problem at once.
 */
export interface EmulatorSeed {
  readonly tenants: readonly SeedTenant[];
}

/** One tenant. Its name is an alias the token endpoint accepts in place of the GUID. */
export interface SeedTenant {
  readonly name: string;
  readonly tenantId: string;
  readonly apps?: readonly SeedApp[];
  readonly remoteAssistancePartners?: readonly SeedObject[];
  readonly deviceManagementPartners?: readonly SeedObject[];
}

/**
 * An app registration. It signs in with any of the credentials it lists: `secret`, a certificate
 * (`certificatePem`: the public certificate; the client signs with its private key), or a
 * federated credential (a token from another issuer, e.g. GitHub Actions OIDC). `roles` are the
 * application permissions granted to it, copied into its access tokens.
 */
export interface SeedApp {
  readonly clientId: string;
  readonly displayName?: string;
  readonly secret?: string;
  readonly certificatePem?: string;
  readonly federatedCredentials?: readonly SeedFederatedCredential[];
  readonly roles?: readonly string[];
}

/**
 * Trust in tokens from an external issuer. Entra ID fetches the issuer's keys from its OIDC
 * discovery document; offline, the emulator is given the public key instead.
 */
export interface SeedFederatedCredential {
  readonly issuer: string;
  readonly subject: string;
  /** Default `api://AzureADTokenExchange`, what GitHub Actions asks for. */
  readonly audience?: string;
  /** PEM public key (or certificate) that verifies the external token's RS256 signature. */
  readonly publicKeyPem: string;
}

/** A partner object: Graph properties as Graph writes them. `id` is generated when absent. */
export type SeedObject = { readonly id?: string } & Readonly<Record<string, unknown>>;

/** An app with its credentials parsed. */
export interface DirectoryApp {
  readonly clientId: string;
  readonly displayName: string;
  readonly secret?: string;
  readonly certificates: readonly X509Certificate[];
  readonly federatedCredentials: readonly {
    readonly issuer: string;
    readonly subject: string;
    readonly audience: string;
    readonly publicKey: KeyObject;
  }[];
  readonly roles: readonly string[];
}

/** A tenant as the emulator runs it: parsed apps, and objects in stored form per collection. */
export interface ResolvedTenant {
  readonly name: string;
  readonly tenantId: string;
  readonly apps: readonly DirectoryApp[];
  readonly collections: ReadonlyMap<string, readonly JsonObject[]>;
}

export const DEFAULT_FEDERATED_AUDIENCE = "api://AzureADTokenExchange";

const Guid = z.string().regex(GUID_PATTERN, "must be a GUID");
const FederatedCredential = z.strictObject({
  issuer: z.string().min(1),
  subject: z.string().min(1),
  audience: z.string().min(1).optional(),
  publicKeyPem: z.string().min(1),
});
const App = z.strictObject({
  clientId: Guid,
  displayName: z.string().optional(),
  secret: z.string().min(1).optional(),
  certificatePem: z.string().min(1).optional(),
  federatedCredentials: z.array(FederatedCredential).optional(),
  roles: z.array(z.string()).optional(),
});
const Tenant = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only"),
    tenantId: Guid,
    apps: z.array(App).optional(),
  })
  .catchall(z.array(z.record(z.string(), z.unknown())));
const Seed = z.strictObject({ tenants: z.array(Tenant).min(1) });

/** The seed the CLI and `startEmulator` use by default: the README demo's two tenants. */
export const DEFAULT_SEED_URL = pathToFileURL(
  join(PACKAGE_ROOT, "config-examples", ".emulator", "seed.yaml"),
);

/**
 * Reads a seed from a file path or from YAML/JSON text (anything with a line break or starting
 * with `{` is text) and validates it. Throws an `Error` listing every problem.
 */
export function loadSeed(pathOrText: string): EmulatorSeed {
  const { value, where } = readSeed(pathOrText);
  resolveSeed(value, where);
  return value as EmulatorSeed;
}

/**
 * Reads a seed file or text without validating it: `startEmulator` validates and builds the
 * state in one `resolveSeed`, so a seed is not checked twice on every start.
 */
export function readSeed(pathOrText: string): { value: unknown; where: string } {
  const isText = pathOrText.includes("\n") || pathOrText.trimStart().startsWith("{");
  const text = isText ? pathOrText : readFileSync(pathOrText, "utf8");
  const where = isText ? "seed" : `seed ${pathOrText}`;
  try {
    return { value: parseYaml(text), where };
  } catch (error) {
    throw new Error(
      `${where}: not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** Validates a seed (structure, credentials, every object) and builds the emulator's state from it. */
export function resolveSeed(value: unknown, where = "seed"): ResolvedTenant[] {
  const result = Seed.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${formatPath(issue.path)}: ${issue.message}`,
    );
    throw new Error(`${where} is invalid:\n${problems.join("\n")}`);
  }
  const problems: string[] = [];
  const schemas = graphSchemas();
  const tenants = result.data.tenants.map((tenant, tenantIndex) =>
    resolveTenant(tenant, `tenants[${tenantIndex}]`, schemas, problems),
  );
  if (tenants[0]?.apps.length === 0) {
    problems.push("tenants[0].apps: the first tenant needs an app (the demo app the CLI prints)");
  }
  checkUnique(
    tenants.map((tenant) => tenant.tenantId.toLowerCase()),
    "tenantId",
    problems,
  );
  checkUnique(
    tenants.map((tenant) => tenant.name.toLowerCase()),
    "tenant name",
    problems,
  );
  if (problems.length > 0)
    throw new Error(
      `${where} is invalid:\n${problems.map((problem) => `  ${problem}`).join("\n")}`,
    );
  return tenants;
}

function resolveTenant(
  tenant: z.infer<typeof Tenant>,
  where: string,
  schemas: Readonly<Record<"v1.0" | "beta", GraphSchema>>,
  problems: string[],
): ResolvedTenant {
  const { name, tenantId, apps = [], ...collectionsInSeed } = tenant;
  const resolvedApps = apps.map((app, index) =>
    resolveApp(app, `${where}.apps[${index}]`, problems),
  );
  checkUnique(
    resolvedApps.map((app) => app.clientId.toLowerCase()),
    `${where} clientId`,
    problems,
  );
  const collections = new Map<string, JsonObject[]>();
  for (const collectionName of schemas.beta.collections.keys()) collections.set(collectionName, []);
  for (const [collectionName, objects] of Object.entries(collectionsInSeed)) {
    const stored = collections.get(collectionName);
    if (!stored) {
      problems.push(
        `${where}.${collectionName}: unknown collection (known: ${[...collections.keys()].join(", ")})`,
      );
      continue;
    }
    objects.forEach((object, index) => {
      const path = `${where}.${collectionName}[${index}]`;
      const value = resolveObject(object, collectionName, schemas, path, problems);
      if (!value) return;
      value["id"] ??= deterministicId(`${tenantId}/${collectionName}/${index}`);
      stored.push(value);
    });
    checkUnique(
      stored.map((object) => (typeof object["id"] === "string" ? object["id"].toLowerCase() : "")),
      `${where}.${collectionName} id`,
      problems,
    );
  }
  return { name, tenantId, apps: resolvedApps, collections };
}

/**
 * A seed object in stored form. Checked against beta first (a superset of v1.0 for these types),
 * then v1.0, so an object may hold any property either version knows.
 */
function resolveObject(
  object: Record<string, unknown>,
  collectionName: string,
  schemas: Readonly<Record<"v1.0" | "beta", GraphSchema>>,
  path: string,
  problems: string[],
): JsonObject | undefined {
  if (object["id"] !== undefined && typeof object["id"] !== "string") {
    problems.push(`${path}.id: must be a string`);
    return undefined;
  }
  let firstMessage = "";
  for (const schema of [schemas.beta, schemas["v1.0"]]) {
    const entity = schema.collections.get(collectionName);
    if (!entity) continue;
    const result = validateEntityPayload(schema, entity, object);
    if (result.ok) return result.value;
    firstMessage ||= result.message;
  }
  problems.push(`${path}: ${firstMessage}`);
  return undefined;
}

function resolveApp(app: z.infer<typeof App>, where: string, problems: string[]): DirectoryApp {
  const certificates: X509Certificate[] = [];
  const pems = app.certificatePem?.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  );
  if (app.certificatePem !== undefined && !pems)
    problems.push(`${where}.certificatePem: no PEM certificate found`);
  for (const pem of pems ?? []) {
    try {
      certificates.push(new X509Certificate(pem));
    } catch (error) {
      problems.push(
        `${where}.certificatePem: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const federatedCredentials = (app.federatedCredentials ?? []).flatMap((credential, index) => {
    try {
      return [
        {
          issuer: credential.issuer,
          subject: credential.subject,
          audience: credential.audience ?? DEFAULT_FEDERATED_AUDIENCE,
          publicKey: createPublicKey(credential.publicKeyPem),
        },
      ];
    } catch (error) {
      problems.push(
        `${where}.federatedCredentials[${index}].publicKeyPem: ${error instanceof Error ? error.message : String(error)}`,
      );
      return [];
    }
  });
  const hasCredential =
    app.secret !== undefined ||
    app.certificatePem !== undefined ||
    app.federatedCredentials?.length;
  if (!hasCredential) {
    problems.push(`${where}: give the app a secret, a certificatePem or a federated credential`);
  }
  return {
    clientId: app.clientId,
    displayName: app.displayName ?? `app ${app.clientId}`,
    ...(app.secret === undefined ? {} : { secret: app.secret }),
    certificates,
    federatedCredentials,
    roles: app.roles ?? [],
  };
}

/** A stable GUID-shaped id, so that `reset()` restores the very same ids. */
function deterministicId(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function checkUnique(values: readonly string[], what: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) problems.push(`${what} '${value}' appears more than once`);
    seen.add(value);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
      .join("")
      .replace(/^\./, "") || "(root)"
  );
}
