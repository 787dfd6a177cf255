import { ClientCertificateCredential } from "@azure/identity";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  generateClientCertificate,
  startEmulator,
  type Emulator,
} from "../../src/emulator/index.ts";
import {
  CONTOSO,
  CONTOSO_TEAMVIEWER,
  DEMO_APP,
  GRAPH_SCOPE,
  credentialOptions,
  http,
  json,
  secretToken,
} from "./helpers.ts";

const RA = "/deviceManagement/remoteAssistancePartners";
const CERT_TENANT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CERT_APP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("request log", () => {
  it("records each request with its kind, query, status, tenant, client-request-id and PATCH body", async () => {
    const token = await secretToken(emulator);
    await http(emulator, "GET", `/beta${RA}?$select=displayName&$top=5`, {
      token,
      headers: { "client-request-id": "req-1" },
    });
    await http(emulator, "PATCH", `/v1.0${RA}/${CONTOSO_TEAMVIEWER}`, {
      token,
      body: { onboardingStatus: "onboarded" },
    });
    expect(
      emulator.requests.map(({ seq, kind, method, status }) => ({ seq, kind, method, status })),
    ).toEqual([
      { seq: 1, kind: "discovery", method: "GET", status: 200 },
      { seq: 2, kind: "token", method: "POST", status: 200 },
      { seq: 3, kind: "graph", method: "GET", status: 200 },
      { seq: 4, kind: "graph", method: "PATCH", status: 204 },
    ]);
    expect(emulator.requests[2]).toMatchObject({
      path: `/beta${RA}`,
      query: { $select: "displayName", $top: "5" },
      tenant: CONTOSO,
      clientRequestId: "req-1",
    });
    expect(emulator.requests[3]).toMatchObject({
      tenant: CONTOSO,
      body: { onboardingStatus: "onboarded" },
    });
    expect(emulator.requests[1]?.body).toEqual({
      grant_type: "client_credentials",
      client_id: DEMO_APP.clientId,
      scope: GRAPH_SCOPE,
    });
  });

  it("never keeps a secret, a client assertion or a bearer token", async () => {
    const token = await secretToken(emulator);
    await http(emulator, "GET", `/v1.0${RA}`, { token });
    const certificate = await generateClientCertificate();
    const certEmulator = await startEmulator({
      seed: {
        tenants: [
          {
            name: "c",
            tenantId: CERT_TENANT,
            apps: [{ clientId: CERT_APP, certificatePem: certificate.certificatePem }],
          },
        ],
      },
    });
    try {
      const credential = new ClientCertificateCredential(
        CERT_TENANT,
        CERT_APP,
        { certificate: `${certificate.privateKeyPem}\n${certificate.certificatePem}` },
        credentialOptions(certEmulator),
      );
      await credential.getToken(GRAPH_SCOPE);
      const tokenEntry = certEmulator.requests.find((entry) => entry.kind === "token");
      expect(tokenEntry?.body).toEqual({
        grant_type: "client_credentials",
        client_id: CERT_APP,
        scope: GRAPH_SCOPE,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      });
    } finally {
      await certEmulator.close();
    }
    const served = (await http(emulator, "GET", "/_emulator/requests")).text;
    for (const text of [JSON.stringify(emulator.requests), served]) {
      expect(text).not.toContain(DEMO_APP.secret);
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split(".")[2]);
      expect(text.toLowerCase()).not.toContain("authorization");
    }
  });

  it("serves the log at GET /_emulator/requests without a token", async () => {
    await http(emulator, "GET", `/v1.0${RA}`);
    const response = await http(emulator, "GET", "/_emulator/requests");
    expect(response.status).toBe(200);
    const entries = json(response).value;
    expect(entries[0]).toMatchObject({
      seq: 1,
      kind: "graph",
      method: "GET",
      path: `/v1.0${RA}`,
      status: 401,
    });
    expect(entries[1]).toMatchObject({ seq: 2, kind: "admin", path: "/_emulator/requests" });
  });

  it("keeps the same live array across resets", () => {
    const requests = emulator.requests;
    emulator.reset();
    expect(emulator.requests).toBe(requests);
  });
});

describe("reset", () => {
  it("reset() and POST /_emulator/reset restore the seed state and empty the log", async () => {
    const token = await secretToken(emulator);
    const change = () =>
      http(emulator, "PATCH", `/beta${RA}/${CONTOSO_TEAMVIEWER}`, {
        token,
        body: { displayName: "Changed" },
      });
    const displayName = () => emulator.objects("contoso", RA)[0]?.["displayName"];

    expect((await change()).status).toBe(204);
    expect(displayName()).toBe("Changed");
    emulator.reset();
    expect(displayName()).toBe("TeamViewer");
    expect(emulator.requests).toEqual([]);

    expect((await change()).status).toBe(204);
    const response = await http(emulator, "POST", "/_emulator/reset");
    expect(response.status).toBe(204);
    expect(displayName()).toBe("TeamViewer");
    expect(emulator.requests).toEqual([]);
    // Tokens stay valid across a reset: it is the tenant's objects that go back, not the keys.
    expect((await http(emulator, "GET", `/v1.0${RA}`, { token })).status).toBe(200);
  });

  it("objects() hands out copies and names tenants and collections by name, GUID or path", () => {
    const objects = emulator.objects(CONTOSO, "remoteAssistancePartners");
    objects[0]!["displayName"] = "Mutated";
    expect(emulator.objects("contoso", RA)[0]?.["displayName"]).toBe("TeamViewer");
    expect(() => emulator.objects("nobody", RA)).toThrow(/unknown tenant 'nobody'/);
    expect(() => emulator.objects(CONTOSO, "widgets")).toThrow(/unknown collection 'widgets'/);
  });
});
