import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseGraphCapture, type GraphCapture } from "../graph-capture.ts";
import type { JsonObject } from "../json.ts";
import { AuditLog } from "./audit-log.ts";
import { FaultInjector, parseFaults, type FaultRule } from "./faults.ts";
import { graphSchemas } from "./metadata-schema.ts";
import { RequestLog, type RequestLogEntry } from "./request-log.ts";
import {
  DEFAULT_SEED_URL,
  readSeed,
  resolveSeed,
  type DirectoryApp,
  type EmulatorSeed,
  type ResolvedTenant,
} from "./seed.ts";
import { applyPortalChange, PortalChangeSchema, type PortalChange } from "./portal-change.ts";
import { CaptureReplay } from "./replay.ts";
import { startServer } from "./server.ts";
import { ObjectStore } from "./store.ts";
import { createTlsMaterial } from "./tls.ts";
import { createTokenService } from "./tokens.ts";

/**
 * A local stand-in for the parts of Microsoft Graph and Entra ID that intune-gitops uses: HTTPS on
 * 127.0.0.1 with a CA made for this run, the client_credentials token endpoint, the Intune
 * partner collections in v1.0 and beta, Graph's errors, paging and permission checks, scripted
 * faults and latency, and a request log. See docs/emulator.md.
 */

export type { Fault, FaultRule, FaultsFile } from "./faults.ts";
export { loadFaults, parseFaults } from "./faults.ts";
export type { RequestKind, RequestLogEntry } from "./request-log.ts";
export type { PortalChange } from "./portal-change.ts";
export type {
  EmulatorSeed,
  SeedApp,
  SeedFederatedCredential,
  SeedObject,
  SeedTenant,
} from "./seed.ts";
export { DEFAULT_FEDERATED_AUDIENCE, loadSeed } from "./seed.ts";
export { generateClientCertificate, type ClientCertificate } from "./tls.ts";
export { signJwt, type JwtAlgorithm } from "./jwt.ts";

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** The seed, or a path to a YAML/JSON seed file. Default: config-examples/.emulator/seed.yaml. */
  readonly seed?: EmulatorSeed | string;
  /** PATCH success: 204 (default, what Intune returns) or 200 with the object (what the docs say). */
  readonly patchStatus?: 200 | 204;
  /** Objects per page of a collection before `@odata.nextLink` (default 100). */
  readonly pageSize?: number;
  /** Delay before answering each request, admin routes excepted (default 0). */
  readonly latencyMs?: number;
  /** Fault rules (see `FaultRule`); validated like a faults file. */
  readonly faults?: readonly FaultRule[];
  /** Seed of the generator behind `probability` in fault rules (default 1). */
  readonly randomSeed?: number;
  /** Lifetime of issued access tokens (default 3600). Zero or negative mints expired tokens, for tests. */
  readonly tokenLifetimeSeconds?: number;
  /**
   * A capture from `intune-gitops doctor --capture` (or its path): Graph GETs of the captured
   * tenant that match a captured request get the captured answer. A tenant missing from the
   * seed is added, signing in with the demo app and the captured roles.
   */
  readonly replay?: GraphCapture | string;
}

/** A running emulator. Everything but `close` works until `close` is called. */
export interface Emulator {
  /** `https://127.0.0.1:PORT`: the Graph root and the Entra ID authority host. */
  readonly url: string;
  /** Path of the PEM CA certificate clients must trust (e.g. `NODE_EXTRA_CA_CERTS`). Removed on close. */
  readonly caFile: string;
  readonly caPem: string;
  /** The tenants served, in seed order. */
  readonly tenants: readonly { readonly name: string; readonly tenantId: string }[];
  /**
   * The first app of the first tenant: the one the CLI prints as AZURE_CLIENT_ID and
   * AZURE_CLIENT_SECRET. (`secret` is absent when that app signs in another way.)
   */
  readonly demoApp: {
    readonly tenantId: string;
    readonly clientId: string;
    readonly secret?: string;
  };
  /** Every request so far, oldest first; the same live array for the emulator's whole life. */
  readonly requests: readonly RequestLogEntry[];
  /** Clears the request log and restores the seed state (faults and their counts stay). */
  reset(): void;
  /** Replaces the fault rules, restarting their counts and the random sequence. */
  setFaults(rules: readonly FaultRule[]): void;
  /**
   * The current objects of a tenant (name or GUID) and collection (`remoteAssistancePartners` or
   * `/deviceManagement/remoteAssistancePartners`), in stored form: every property ever set, dates
   * in the canonical 7-digit UTC form. Copies: changing them changes nothing.
   */
  objects(tenant: string, collection: string): JsonObject[];
  /**
   * A change by a person in the admin center: the object changes and the audit log records it
   * with their user principal name. Returns the audit event. Same as `POST /_emulator/portal-change`.
   */
  portalChange(change: PortalChange): JsonObject;
  /** Copies of a tenant's audit events (name or GUID), oldest first, as beta shows them. */
  auditEvents(tenant: string): JsonObject[];
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const port = checkInteger("port", options.port ?? 0, 0, 65_535);
  const pageSize = checkInteger("pageSize", options.pageSize ?? 100, 1, Number.MAX_SAFE_INTEGER);
  const latencyMs = checkInteger("latencyMs", options.latencyMs ?? 0, 0, 3_600_000);
  const patchStatus = options.patchStatus ?? 204;
  if (patchStatus !== 200 && patchStatus !== 204)
    throw new RangeError(`patchStatus must be 200 or 204, not ${String(patchStatus)}`);
  const faultRules = parseFaults({ faults: options.faults ?? [] }, "faults").faults;
  const seed =
    typeof options.seed === "object"
      ? { value: options.seed, where: "seed" }
      : readSeed(options.seed ?? fileURLToPath(DEFAULT_SEED_URL));
  const capture =
    typeof options.replay === "string"
      ? parseGraphCapture(readFileSync(options.replay, "utf8"), `capture ${options.replay}`)
      : options.replay;
  const tenants = withCapturedTenant(resolveSeed(seed.value, seed.where), capture);

  const [tls, tokens] = await Promise.all([
    createTlsMaterial(),
    createTokenService(tenants, options.tokenLifetimeSeconds ?? 3600),
  ]);
  const store = new ObjectStore(tenants);
  const audit = new AuditLog();
  const log = new RequestLog();
  const faults = new FaultInjector(faultRules, options.randomSeed ?? 1);
  const reset = () => {
    log.clear();
    store.reset();
    audit.reset();
  };
  const directory = await mkdtemp(join(tmpdir(), "intune-gitops-emulator-"));
  const caFile = join(directory, "ca.pem");
  await writeFile(caFile, tls.caPem, { mode: 0o644 });
  const schemas = graphSchemas();
  let running;
  try {
    running = await startServer(
      {
        tls,
        tokens,
        store,
        audit,
        log,
        faults,
        schemas,
        pageSize,
        patchStatus,
        latencyMs,
        reset,
        ...(capture === undefined ? {} : { replay: new CaptureReplay(capture) }),
      },
      port,
    );
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const server = running;
  let closing: Promise<void> | undefined;
  // resolveSeed guarantees the first tenant has an app.
  const [firstTenant] = tenants as [ResolvedTenant, ...ResolvedTenant[]];
  const [firstApp] = firstTenant.apps as [DirectoryApp, ...DirectoryApp[]];

  return {
    url: server.baseUrl,
    caFile,
    caPem: tls.caPem,
    tenants: tenants.map(({ name, tenantId }) => ({ name, tenantId })),
    demoApp: {
      tenantId: firstTenant.tenantId,
      clientId: firstApp.clientId,
      ...(firstApp.secret === undefined ? {} : { secret: firstApp.secret }),
    },
    requests: log.entries,
    reset,
    setFaults(rules) {
      faults.setRules(parseFaults({ faults: rules }, "faults").faults);
    },
    objects(tenant, collection) {
      const found = tokens.tenant(tenant);
      if (!found)
        throw new Error(
          `unknown tenant '${tenant}' (known: ${tenants.map((known) => known.name).join(", ")})`,
        );
      const name = collection.split("/").pop() ?? collection;
      if (!found.collections.has(name)) {
        throw new Error(
          `unknown collection '${collection}' (known: ${[...found.collections.keys()].join(", ")})`,
        );
      }
      return store.list(found.tenantId, name);
    },
    portalChange(change) {
      const outcome = applyPortalChange(
        { store, audit, tokens, schema: schemas.beta },
        PortalChangeSchema.parse(change),
      );
      if ("error" in outcome) throw new Error(outcome.error);
      return outcome.event;
    },
    auditEvents(tenant) {
      const found = tokens.tenant(tenant);
      if (!found) throw new Error(`unknown tenant '${tenant}'`);
      return audit.list(found.tenantId);
    },
    close() {
      closing ??= server.close().then(() => rm(directory, { recursive: true, force: true }));
      return closing;
    },
  };
}

/**
 * The seed's tenants, and the captured tenant when the seed lacks it: with the demo app (the first
 * tenant's first app) holding the captured roles, so the replay answers as the service did to a
 * token with those permissions. No objects: every Graph GET doctor sends is in the capture.
 */
function withCapturedTenant(
  tenants: ResolvedTenant[],
  capture: GraphCapture | undefined,
): ResolvedTenant[] {
  if (capture === undefined) return tenants;
  const id = capture.tenant.tenant_id.toLowerCase();
  if (tenants.some((tenant) => tenant.tenantId.toLowerCase() === id)) return tenants;
  const [first] = tenants;
  const [demo] = first?.apps ?? [];
  if (first === undefined || demo === undefined) return tenants;
  const names = new Set(tenants.map((tenant) => tenant.name.toLowerCase()));
  const name = names.has(capture.tenant.name.toLowerCase())
    ? `${capture.tenant.name}-captured`
    : capture.tenant.name;
  const collections = new Map([...first.collections.keys()].map((key) => [key, []]));
  return [
    ...tenants,
    {
      name,
      tenantId: capture.tenant.tenant_id,
      apps: [{ ...demo, roles: [...capture.roles] }],
      collections,
    },
  ];
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
  return value;
}
