import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DesiredObject, DesiredState, TenantConfig } from "../../src/config/model.ts";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { connectTenant } from "../../src/operations/connect.ts";
import type { HttpGraphClient } from "../../src/graph/client.ts";
import { readLiveState } from "../../src/operations/read-live.ts";
import type { JsonValue } from "../../src/json.ts";
import type { GraphVersion } from "../../src/resources/types.ts";
import {
  CONTOSO_ID,
  DEMO_APP,
  DMP_PATH,
  FABRIKAM_ID,
  RA_PATH,
  emulatorEnv,
  graphRequests,
  tenantConfig,
} from "../graph/emulator-fixtures.ts";

/** readLiveState through connectTenant (real credentials, preflight, client) against the emulator. */
let emulator: Emulator;
const opened: HttpGraphClient[] = [];

const tenants: TenantConfig[] = [
  tenantConfig("contoso", CONTOSO_ID, {
    method: "clientSecret",
    clientId: DEMO_APP,
    clientSecretEnv: "CONTOSO_SECRET",
  }),
  tenantConfig(
    "fabrikam",
    FABRIKAM_ID,
    { method: "clientSecret", clientId: DEMO_APP, clientSecretEnv: "FABRIKAM_SECRET" },
    "v1.0",
  ),
];

function object(
  kind: string,
  tenant: string,
  name: string,
  graphVersion: GraphVersion,
  spec: Record<string, JsonValue>,
): DesiredObject {
  return {
    kind,
    name,
    tenant,
    match: { by: "displayName", displayName: name },
    graphVersion,
    spec,
    source: { file: "x.yaml", line: 1, column: 1 },
    propertySources: {},
  };
}

const desired: DesiredState = {
  tenants,
  objects: [
    object("RemoteAssistancePartner", "contoso", "TeamViewer", "beta", {
      onboardingStatus: "onboarded",
    }),
    object("RemoteAssistancePartner", "contoso", "Other", "beta", {
      onboardingUrl: "https://example.com/",
    }),
    object("RemoteAssistancePartner", "contoso", "Old", "v1.0", {}),
    object("DeviceManagementPartner", "contoso", "Jamf Pro", "beta", { partnerState: "enabled" }),
    object("RemoteAssistancePartner", "fabrikam", "TeamViewer", "v1.0", {
      onboardingStatus: "onboarded",
    }),
    object("DeviceManagementPartner", "fabrikam", "VMware Workspace ONE", "v1.0", {
      isConfigured: true,
    }),
  ],
  digest: "0",
  files: [],
};

function clientsWith(env: Record<string, string>) {
  return async (name: string) => {
    const tenant = tenants.find((candidate) => candidate.name === name);
    if (!tenant) throw new Error(`unknown tenant ${name}`);
    const connection = await connectTenant(tenant, {
      env: emulatorEnv(emulator, env),
      configDir: ".",
      allowCustomEndpoint: false,
      ca: emulator.caPem,
      operation: "read",
      graphVersions: ["v1.0", "beta"],
      client: { retry: { maxAttempts: 2, baseDelayInMs: 5 } },
    });
    opened.push(connection.client);
    return connection.client;
  };
}

const goodSecrets = {
  CONTOSO_SECRET: "demo-client-secret-for-the-local-emulator",
  FABRIKAM_SECRET: "demo-client-secret-for-the-local-emulator",
};

beforeAll(async () => {
  emulator = await startEmulator();
});

beforeEach(() => {
  emulator.setFaults([]);
  emulator.reset();
  for (const client of opened.splice(0)) client.close();
});

afterAll(async () => {
  for (const client of opened.splice(0)) client.close();
  await emulator.close();
});

describe("readLiveState", () => {
  it("makes exactly one GET per tenant, kind and version, selecting the declared and health properties", async () => {
    const snapshot = await readLiveState(desired, clientsWith(goodSecrets));
    expect(snapshot.failures).toEqual([]);
    expect(
      snapshot.collections.map(
        (c) => `${c.tenant} ${c.kind} ${c.graphVersion} ${c.objects.length}`,
      ),
    ).toEqual([
      "contoso RemoteAssistancePartner v1.0 1",
      "contoso RemoteAssistancePartner beta 1",
      "contoso DeviceManagementPartner beta 1",
      "fabrikam RemoteAssistancePartner v1.0 1",
      "fabrikam DeviceManagementPartner v1.0 2",
    ]);
    const gets = graphRequests(emulator).map(
      (request) =>
        `${request.tenant === CONTOSO_ID ? "contoso" : "fabrikam"} ${request.method} ${request.path} ${request.query.$select}`,
    );
    expect(gets.sort()).toEqual(
      [
        // The declared properties, and those health reads (in the same GET: no extra request);
        // the onboarding expiry is beta only.
        `contoso GET /beta${RA_PATH} id,displayName,onboardingUrl,onboardingStatus,onboardingRequestExpiryDateTime`,
        `contoso GET /v1.0${RA_PATH} id,displayName,onboardingStatus`,
        `contoso GET /beta${DMP_PATH} id,displayName,partnerState,isConfigured,lastHeartbeatDateTime`,
        `fabrikam GET /v1.0${RA_PATH} id,displayName,onboardingStatus`,
        `fabrikam GET /v1.0${DMP_PATH} id,displayName,partnerState,isConfigured,lastHeartbeatDateTime`,
      ].sort(),
    );
  });

  it("reads only the tenants asked for", async () => {
    const snapshot = await readLiveState(desired, clientsWith(goodSecrets), {
      tenants: ["fabrikam"],
    });
    expect(snapshot.collections.map((c) => c.tenant)).toEqual(["fabrikam", "fabrikam"]);
    expect(graphRequests(emulator).every((request) => request.tenant === FABRIKAM_ID)).toBe(true);
  });

  it("records a tenant that cannot sign in without hiding the other", async () => {
    const snapshot = await readLiveState(
      desired,
      clientsWith({ ...goodSecrets, FABRIKAM_SECRET: "wrong-secret-value" }),
    );
    expect(snapshot.collections.map((c) => c.tenant)).toEqual(["contoso", "contoso", "contoso"]);
    expect(snapshot.failures).toHaveLength(1);
    expect(snapshot.failures[0]).toMatchObject({ tenant: "fabrikam" });
    expect(snapshot.failures[0]?.kind).toBeUndefined();
    expect(snapshot.failures[0]?.message).toContain("AADSTS7000215");
    expect(snapshot.failures[0]?.message).toContain("$FABRIKAM_SECRET");
    expect(snapshot.failures[0]?.message).not.toContain("wrong-secret-value");
  });

  it("records a failing collection with Graph's code and request-id, keeping the others", async () => {
    emulator.setFaults([{ method: "GET", path: DMP_PATH, fault: { kind: "status", status: 503 } }]);
    const snapshot = await readLiveState(desired, clientsWith(goodSecrets));
    expect(snapshot.collections.map((c) => `${c.tenant} ${c.kind} ${c.graphVersion}`)).toEqual([
      "contoso RemoteAssistancePartner v1.0",
      "contoso RemoteAssistancePartner beta",
      "fabrikam RemoteAssistancePartner v1.0",
    ]);
    expect(
      snapshot.failures.map((f) => [f.tenant, f.kind, f.graphVersion, f.status, f.code]),
    ).toEqual([
      ["contoso", "DeviceManagementPartner", "beta", 503, "ServiceUnavailable"],
      ["fabrikam", "DeviceManagementPartner", "v1.0", 503, "ServiceUnavailable"],
    ]);
    const lastDmp = graphRequests(emulator)
      .filter((request) => request.path === `/beta${DMP_PATH}`)
      .at(-1);
    expect(snapshot.failures[0]?.requestId).toBe(lastDmp?.requestId);
    expect(snapshot.failures[0]?.message).toContain(`request-id ${lastDmp?.requestId}`);
    expect(snapshot.failures[0]?.message).toContain("2 attempts");
    expect(snapshot.failures[0]?.message).not.toContain("\n");
  });

  it("records a listing that got no answer as a network failure, with no status, code or request-id", async () => {
    emulator.setFaults([{ method: "GET", path: DMP_PATH, fault: { kind: "reset" } }]);
    const snapshot = await readLiveState(desired, clientsWith(goodSecrets));
    expect(snapshot.collections.map((c) => `${c.tenant} ${c.kind} ${c.graphVersion}`)).toEqual([
      "contoso RemoteAssistancePartner v1.0",
      "contoso RemoteAssistancePartner beta",
      "fabrikam RemoteAssistancePartner v1.0",
    ]);
    // Graph never answered: nothing of Graph's to quote, only the client's own request id.
    expect(snapshot.failures.map((failure) => Object.keys(failure).sort())).toEqual([
      ["cause", "graphVersion", "kind", "message", "tenant"],
      ["cause", "graphVersion", "kind", "message", "tenant"],
    ]);
    expect(snapshot.failures.map((f) => [f.tenant, f.kind, f.graphVersion, f.cause])).toEqual([
      ["contoso", "DeviceManagementPartner", "beta", "network"],
      ["fabrikam", "DeviceManagementPartner", "v1.0", "network"],
    ]);
    expect(snapshot.failures[0]?.message).toMatch(
      new RegExp(
        `^GET /beta${DMP_PATH}: socket hang up \\(client-request-id [0-9a-f-]{36}; 2 attempts\\)$`,
      ),
    );
  });
});
