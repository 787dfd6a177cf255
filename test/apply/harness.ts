import { applyPlan, type ApplyOptions } from "../../src/apply/applier.ts";
import type { ApplyEvent, ApplyResult } from "../../src/apply/model.ts";
import type { DesiredObject, DesiredState, TenantConfig } from "../../src/config/model.ts";
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type RequestLogEntry,
} from "../../src/emulator/index.ts";
import type { HttpGraphClient } from "../../src/graph/client.ts";
import { connectTenant } from "../../src/operations/connect.ts";
import { readLiveState } from "../../src/operations/read-live.ts";
import type { JsonValue } from "../../src/json.ts";
import type { Plan } from "../../src/plan/model.ts";
import { createPlan } from "../../src/plan/planner.ts";
import type { GraphVersion } from "../../src/resources/types.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";
import { declare as declareObject } from "../helpers/in-memory-apply.ts";

/**
 * The real pipeline against the emulator over HTTPS: connectTenant (real ClientSecretCredential,
 * real token endpoint, permission preflight) → readLiveState → createPlan → applyPlan. Only the
 * configuration loader is skipped: tests build the `DesiredState` directly.
 */

/** The default seed's demo app: ReadWrite in both tenants. */
export const DEMO_APP = DEFAULT_SEED.demoApp;

const SOURCE = { file: "partners.yaml", line: 1, column: 1 };

/** Retries fast enough for tests, still bounded like the real thing. */
export const FAST_RETRY = {
  maxAttempts: 6,
  maxRetryAfterInMs: 300,
  baseDelayInMs: 20,
  maxDelayInMs: 100,
  deadlineInMs: 20_000,
  maxMalformedBodyRetries: 2,
};

export interface HarnessOptions extends EmulatorOptions {
  /** Per-attempt timeout of the Graph client (default 5 s; lower to test hanging responses). */
  readonly timeoutInMs?: number;
  /** Overrides of `FAST_RETRY` (fewer attempts keep a test of a request that always hangs short). */
  readonly retry?: Partial<typeof FAST_RETRY>;
}

export interface Harness {
  readonly emulator: Emulator;
  readonly tenants: readonly TenantConfig[];
  clientFor(tenant: string): Promise<HttpGraphClient>;
  /** Reads the live state the declarations need and plans, as `plan` does. */
  plan(objects: readonly DesiredObject[]): Promise<Plan>;
  apply(
    plan: Plan,
    options?: Partial<ApplyOptions>,
  ): Promise<{ result: ApplyResult; events: ApplyEvent[] }>;
  /** Graph PATCH requests the emulator received after `since` (a request-log sequence number). */
  patches(since?: number): RequestLogEntry[];
  /** Graph GET requests to a partner collection after `since`. */
  lists(since?: number): RequestLogEntry[];
  /** The sequence number of the last request so far (0 when none). */
  mark(): number;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startEmulator(options);
  const tenants: TenantConfig[] = emulator.tenants.map(({ name, tenantId }) => ({
    name,
    tenantId,
    cloud: "global",
    graphVersion: "beta",
    auth: {
      method: "clientSecret",
      clientId: DEMO_APP.clientId,
      clientSecretEnv: "AZURE_CLIENT_SECRET",
    },
    source: SOURCE,
  }));
  const env = {
    AZURE_CLIENT_SECRET: DEMO_APP.secret,
    INTUNE_GITOPS_GRAPH_URL: emulator.url,
    AZURE_AUTHORITY_HOST: emulator.url,
  };
  const clients = new Map<string, Promise<HttpGraphClient>>();

  function clientFor(name: string): Promise<HttpGraphClient> {
    let client = clients.get(name);
    if (!client) {
      const tenant = tenants.find((candidate) => candidate.name === name);
      if (!tenant) throw new Error(`no tenant ${name} in the emulator`);
      client = connectTenant(tenant, {
        env,
        configDir: process.cwd(),
        allowCustomEndpoint: false,
        ca: emulator.caPem,
        operation: "write",
        graphVersions: ["v1.0", "beta"],
        client: {
          retry: { ...FAST_RETRY, ...options.retry },
          timeoutInMs: options.timeoutInMs ?? 5_000,
        },
      }).then((connection) => connection.client);
      clients.set(name, client);
    }
    return client;
  }

  const graphRequests = (method: string, since: number) =>
    emulator.requests.filter(
      (entry) =>
        entry.kind === "graph" &&
        entry.method === method &&
        entry.seq > since &&
        entry.path.includes("/deviceManagement/"),
    );

  return {
    emulator,
    tenants,
    clientFor,
    async plan(objects) {
      const desired: DesiredState = {
        tenants: tenants.filter((tenant) =>
          objects.some((object) => object.tenant === tenant.name),
        ),
        objects: [...objects],
        digest: "test-digest",
        files: ["partners.yaml"],
      };
      const live = await readLiveState(desired, clientFor);
      return createPlan({ desired, live, toolVersion: "test" });
    },
    async apply(plan, applyOptions = {}) {
      const events: ApplyEvent[] = [];
      const result = await applyPlan(plan, {
        clientFor,
        onEvent: (event) => events.push(event),
        ...applyOptions,
      });
      return { result, events };
    },
    patches: (since = 0) => graphRequests("PATCH", since),
    lists: (since = 0) => graphRequests("GET", since),
    mark: () => emulator.requests.at(-1)?.seq ?? 0,
    async close() {
      for (const client of clients.values()) {
        await client.then((c) => c.close()).catch(() => undefined);
      }
      await emulator.close();
    },
  };
}

/** A declared object, as the configuration loader would produce it (kind first). */
export function declare(
  kind: "RemoteAssistancePartner" | "DeviceManagementPartner",
  name: string,
  tenant: string,
  displayName: string,
  spec: Record<string, JsonValue>,
  graphVersion: GraphVersion = "beta",
): DesiredObject {
  return declareObject(name, tenant, displayName, spec, kind, graphVersion);
}
