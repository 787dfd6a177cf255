import { expect } from "vitest";
import { applyPlan, type ApplyOptions } from "../../src/apply/applier.ts";
import type { ApplyEvent, ApplyResult } from "../../src/apply/model.ts";
import type { DesiredObject, DesiredState, TenantConfig } from "../../src/config/model.ts";
import type { Emulator, EmulatorSeed, RequestLogEntry } from "../../src/emulator/index.ts";
import type { GraphRequestEvent, HttpGraphClient } from "../../src/graph/client.ts";
import { connectTenant } from "../../src/operations/connect.ts";
import { readLiveState } from "../../src/operations/read-live.ts";
import type { RetryOptions } from "../../src/graph/retry-policy.ts";
import type { JsonValue } from "../../src/json.ts";
import type { Plan } from "../../src/plan/model.ts";
import { createPlan } from "../../src/plan/planner.ts";

/**
 * The library pipeline (connectTenant → readLiveState → createPlan → applyPlan) against an
 * emulator the test owns, with a fresh connection per `pipeline()` so that every scenario starts
 * with its own token request (the token step can then be faulted like any other), and
 * invariants every reliability test checks against the emulator's request log.
 */

// Loopback traffic must never go through a proxy the environment may define.
for (const name of ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]) {
  delete process.env[name];
}
process.env["NO_PROXY"] = "127.0.0.1,localhost";

export const TENANT_ID = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
export const CLIENT_ID = "9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13";
export const SECRET = "reliability-client-secret-value-8f3a";
export const RA = "/deviceManagement/remoteAssistancePartners";
export const DMP = "/deviceManagement/deviceManagementPartners";

/** Object ids of the small seed below. */
export const IDS = {
  raOne: "11111111-aaaa-4aaa-8aaa-111111111111",
  raTwo: "22222222-aaaa-4aaa-8aaa-222222222222",
  raThree: "33333333-aaaa-4aaa-8aaa-333333333333",
  mdmOne: "44444444-bbbb-4bbb-8bbb-444444444444",
  mdmTwo: "55555555-bbbb-4bbb-8bbb-555555555555",
} as const;

/**
 * One tenant, small collections: RA one and MDM one differ from the declarations below, RA two is
 * declared and already as declared, RA three and MDM two are not declared at all. So a correct
 * apply writes exactly RA one and MDM one; any PATCH to the other three is a bug.
 */
export const SEED: EmulatorSeed = {
  tenants: [
    {
      name: "contoso",
      tenantId: TENANT_ID,
      apps: [
        {
          clientId: CLIENT_ID,
          secret: SECRET,
          roles: ["DeviceManagementServiceConfig.ReadWrite.All"],
        },
      ],
      remoteAssistancePartners: [
        { id: IDS.raOne, displayName: "RA one", onboardingStatus: "notOnboarded" },
        { id: IDS.raTwo, displayName: "RA two", onboardingStatus: "onboarded" },
        { id: IDS.raThree, displayName: "RA three", onboardingStatus: "notOnboarded" },
      ],
      deviceManagementPartners: [
        { id: IDS.mdmOne, displayName: "MDM one", partnerAppType: "unknown" },
        { id: IDS.mdmTwo, displayName: "MDM two", partnerAppType: "unknown" },
      ],
    },
  ],
};

const SOURCE = { file: "partners.yaml", line: 1, column: 1 };

export const TENANT: TenantConfig = {
  name: "contoso",
  tenantId: TENANT_ID,
  cloud: "global",
  graphVersion: "beta",
  auth: { method: "clientSecret", clientId: CLIENT_ID, clientSecretEnv: "RELIABILITY_SECRET" },
  source: SOURCE,
};

/** A declared object, as the configuration loader would produce it (Graph beta). */
export function declare(
  kind: "RemoteAssistancePartner" | "DeviceManagementPartner",
  name: string,
  displayName: string,
  spec: Record<string, JsonValue>,
): DesiredObject {
  return {
    kind,
    name,
    tenant: "contoso",
    match: { by: "displayName", displayName },
    graphVersion: "beta",
    spec,
    source: SOURCE,
    propertySources: {},
  };
}

export const DECLARED: readonly DesiredObject[] = [
  declare("RemoteAssistancePartner", "ra-one", "RA one", { onboardingStatus: "onboarded" }),
  declare("RemoteAssistancePartner", "ra-two", "RA two", { onboardingStatus: "onboarded" }),
  declare("DeviceManagementPartner", "mdm-one", "MDM one", { partnerAppType: "multiTenantApp" }),
];
export const ADDRESS = {
  raOne: "remoteAssistancePartner[contoso].ra-one",
  mdmOne: "deviceManagementPartner[contoso].mdm-one",
} as const;

/** Retries fast enough for tests, but honouring a Retry-After of up to 2.5 s as the real thing does. */
export const TEST_RETRY: RetryOptions = {
  maxAttempts: 6,
  maxRetryAfterInMs: 2_500,
  baseDelayInMs: 20,
  maxDelayInMs: 100,
  deadlineInMs: 20_000,
  maxMalformedBodyRetries: 2,
};

export interface PipelineOptions {
  /** Per-attempt Graph timeout (default 2 s). */
  readonly timeoutInMs?: number;
  /** Token request bound (default 2 s). */
  readonly tokenTimeoutInMs?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Declared objects (default DECLARED). */
  readonly objects?: readonly DesiredObject[];
}

export interface Pipeline {
  /** Every attempt the Graph client reported (status, retry waits), in order. */
  readonly events: GraphRequestEvent[];
  /** The connected Graph client (signs in on first use). */
  client(): Promise<HttpGraphClient>;
  plan(): Promise<Plan>;
  apply(
    plan: Plan,
    options?: Partial<ApplyOptions>,
  ): Promise<{ result: ApplyResult; events: ApplyEvent[] }>;
  close(): void;
}

export function desiredState(objects: readonly DesiredObject[]): DesiredState {
  return { tenants: [TENANT], objects: [...objects], digest: "test-digest", files: [] };
}

/** A pipeline with its own (not yet made) connection: the first use signs in. */
export function pipeline(emulator: Emulator, options: PipelineOptions = {}): Pipeline {
  const events: GraphRequestEvent[] = [];
  const desired = desiredState(options.objects ?? DECLARED);
  let client: Promise<HttpGraphClient> | undefined;
  const clientFor = (tenant: string): Promise<HttpGraphClient> => {
    if (tenant !== TENANT.name) return Promise.reject(new Error(`unknown tenant ${tenant}`));
    client ??= connectTenant(TENANT, {
      env: {
        RELIABILITY_SECRET: SECRET,
        INTUNE_GITOPS_GRAPH_URL: emulator.url,
        AZURE_AUTHORITY_HOST: emulator.url,
      },
      configDir: process.cwd(),
      allowCustomEndpoint: false,
      ca: emulator.caPem,
      operation: "write",
      graphVersions: ["beta"],
      tokenTimeoutInMs: options.tokenTimeoutInMs ?? 2_000,
      client: {
        retry: { ...TEST_RETRY, ...options.retry },
        timeoutInMs: options.timeoutInMs ?? 2_000,
        onRequest: (event) => events.push(event),
      },
    }).then((connection) => connection.client);
    return client;
  };
  return {
    events,
    client: () => clientFor(TENANT.name),
    async plan() {
      const live = await readLiveState(desired, clientFor);
      return createPlan({ desired, live, toolVersion: "test" });
    },
    async apply(plan, applyOptions = {}) {
      const applyEvents: ApplyEvent[] = [];
      const result = await applyPlan(plan, {
        clientFor,
        onEvent: (event) => applyEvents.push(event),
        ...applyOptions,
      });
      return { result, events: applyEvents };
    },
    close() {
      void client?.then((c) => c.close()).catch(() => undefined);
    },
  };
}

/** The sequence number of the last request the emulator logged (0 when none). */
export function mark(emulator: Emulator): number {
  return emulator.requests.at(-1)?.seq ?? 0;
}

export function graphRequestsSince(
  emulator: Emulator,
  since: number,
  method?: string,
): RequestLogEntry[] {
  return emulator.requests.filter(
    (entry) =>
      entry.kind === "graph" &&
      entry.seq > since &&
      (method === undefined || entry.method === method),
  );
}

const isSuccess = (entry: RequestLogEntry) => entry.status >= 200 && entry.status < 300;

/**
 * What the request log must show after applying `plan` (requests after `since`), whatever the
 * faults were:
 * - every PATCH attempt went to an object of the plan and carried exactly that change's body
 *   (nothing sent for an object not in the plan, no property added);
 * - at most one PATCH per object succeeded (nothing duplicated);
 * - an object reported `changed` or `not-converged` had exactly one successful PATCH, an object
 *   reported `failed` in the write had none, and an object failed before writing (check),
 *   skipped or stale had no PATCH attempt at all (nothing lost, nothing hidden).
 */
export function expectWritesMatchPlan(
  emulator: Emulator,
  plan: Plan,
  result: ApplyResult,
  since: number,
): void {
  const patches = graphRequestsSince(emulator, since, "PATCH");
  const byPath = new Map(
    plan.changes.map((change) => [
      `/${change.graphVersion}${change.collectionPath}/${change.liveId}`,
      change,
    ]),
  );
  for (const entry of patches) {
    const change = byPath.get(entry.path);
    expect(change, `PATCH ${entry.path} is not in the plan`).toBeDefined();
    expect(entry.body, `PATCH ${entry.path} body`).toStrictEqual(change!.patch);
  }
  expect(result.results).toHaveLength(plan.changes.length);
  for (const outcome of result.results) {
    const change = plan.changes.find((candidate) => candidate.address === outcome.address)!;
    const path = `/${change.graphVersion}${change.collectionPath}/${change.liveId}`;
    const attempts = patches.filter((entry) => entry.path === path);
    const succeeded = attempts.filter(isSuccess);
    expect(succeeded.length, `${outcome.address}: successful PATCHes`).toBeLessThanOrEqual(1);
    switch (outcome.status) {
      case "changed":
      case "not-converged":
        expect(succeeded, `${outcome.address} (${outcome.status})`).toHaveLength(1);
        break;
      case "failed":
        expect(succeeded, `${outcome.address} (failed)`).toHaveLength(0);
        if (outcome.failedIn === "check") expect(attempts, outcome.address).toHaveLength(0);
        break;
      case "skipped":
      case "stale":
        expect(attempts, `${outcome.address} (${outcome.status})`).toHaveLength(0);
        break;
    }
  }
}

/** The addresses apply did not finish: what a new plan must show again (and nothing else). */
export function unfinished(result: ApplyResult): string[] {
  return result.results
    .filter((outcome) => outcome.status !== "changed")
    .map((outcome) => outcome.address)
    .sort();
}
