import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
} from "@azure/identity";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateClientCertificate,
  signJwt,
  startEmulator,
  type ClientCertificate,
  type Emulator,
  type EmulatorSeed,
} from "../../src/emulator/index.ts";
import {
  CONTOSO,
  DEMO_APP,
  GRAPH_SCOPE,
  credentialOptions,
  http,
  json,
  jwtPayload,
  secretToken,
  tokenRequest,
} from "./helpers.ts";

const TENANT = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const CERT_APP = "11111111-2222-4333-8444-555555555555";
const FEDERATED_APP = "66666666-7777-4888-9999-aaaaaaaaaaaa";
const GITHUB = "https://token.actions.githubusercontent.com";
const SUBJECT = "repo:contoso/intune-config:ref:refs/heads/main";

let emulator: Emulator;
let defaultEmulator: Emulator;
let certificate: ClientCertificate;
let otherCertificate: ClientCertificate;
const github = generateKeyPairSync("rsa", { modulusLength: 2048 });
const impostor = generateKeyPairSync("rsa", { modulusLength: 2048 });

beforeAll(async () => {
  [certificate, otherCertificate] = await Promise.all([
    generateClientCertificate("cert app"),
    generateClientCertificate("other"),
  ]);
  const seed: EmulatorSeed = {
    tenants: [
      {
        name: "northwind",
        tenantId: TENANT,
        apps: [
          {
            clientId: CERT_APP,
            certificatePem: certificate.certificatePem,
            roles: ["DeviceManagementServiceConfig.Read.All"],
          },
          {
            clientId: FEDERATED_APP,
            roles: ["DeviceManagementServiceConfig.ReadWrite.All"],
            federatedCredentials: [
              {
                issuer: GITHUB,
                subject: SUBJECT,
                publicKeyPem: github.publicKey.export({ type: "spki", format: "pem" }).toString(),
              },
            ],
          },
        ],
      },
    ],
  };
  [emulator, defaultEmulator] = await Promise.all([startEmulator({ seed }), startEmulator()]);
});

afterAll(async () => {
  await Promise.all([emulator.close(), defaultEmulator.close()]);
});

function githubToken(overrides: Record<string, unknown> = {}, key = github.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: GITHUB,
      sub: SUBJECT,
      aud: "api://AzureADTokenExchange",
      iat: now,
      nbf: now,
      exp: now + 300,
      ...overrides,
    },
    key,
  );
}

function federatedCredential(assertion: string) {
  return new ClientAssertionCredential(
    TENANT,
    FEDERATED_APP,
    () => Promise.resolve(assertion),
    credentialOptions(emulator),
  );
}

describe("OpenID discovery", () => {
  it("describes the tenant's endpoints on the emulator's own origin", async () => {
    const response = await http(
      defaultEmulator,
      "GET",
      `/${CONTOSO}/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(200);
    const body = json(response);
    expect(body.issuer).toBe(`${defaultEmulator.url}/${CONTOSO}/v2.0`);
    expect(body.token_endpoint).toBe(`${defaultEmulator.url}/${CONTOSO}/oauth2/v2.0/token`);
    const keys = json(await http(defaultEmulator, "GET", new URL(body.jwks_uri).pathname));
    expect(keys.keys[0]).toMatchObject({ kty: "RSA", use: "sig" });
  });

  it("refuses an unknown tenant with AADSTS90002", async () => {
    const response = await http(
      defaultEmulator,
      "GET",
      "/nosuchtenant/v2.0/.well-known/openid-configuration",
    );
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ error: "invalid_tenant", error_codes: [90002] });
  });
});

describe("client secret", () => {
  it("issues a JWT access token carrying tid, appid, roles, aud, iss and its lifetime", async () => {
    const before = Math.floor(Date.now() / 1000);
    const claims = jwtPayload(await secretToken(defaultEmulator));
    expect(claims).toMatchObject({
      tid: CONTOSO,
      appid: DEMO_APP.clientId,
      roles: [
        "DeviceManagementServiceConfig.ReadWrite.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementApps.Read.All",
      ],
      aud: "https://graph.microsoft.com",
      iss: `${defaultEmulator.url}/${CONTOSO}/v2.0`,
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp).toBe(claims.iat + 3600);
  });

  it("the token-claims fault issues a token over another tid, aud or lifetime, and logs it; Graph requests are untouched", async () => {
    const other = "0f0f0f0f-1111-4222-8333-444444444444";
    defaultEmulator.setFaults([
      {
        path: "/oauth2/v2\\.0/token$",
        times: 1,
        fault: {
          kind: "token-claims",
          tid: other,
          aud: "https://elsewhere.example",
          expiresInSeconds: 42,
        },
      },
    ]);
    try {
      const claims = jwtPayload(await secretToken(defaultEmulator));
      expect(claims).toMatchObject({ tid: other, aud: "https://elsewhere.example" });
      expect(claims.exp).toBe(claims.iat + 42);
      const logged = defaultEmulator.requests.filter((entry) => entry.kind === "token").at(-1);
      expect(logged?.fault).toMatchObject({ kind: "token-claims", tid: other });
    } finally {
      defaultEmulator.setFaults([]);
    }
  });

  it("accepts the tenant's name in place of its GUID", async () => {
    const claims = jwtPayload(await secretToken(defaultEmulator, "fabrikam"));
    expect(claims.tid).toBe("3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19");
  });

  it("answers a wrong secret with 401 and an AADSTS7000215 body, which the credential reports", async () => {
    const response = await tokenRequest(defaultEmulator, CONTOSO, {
      grant_type: "client_credentials",
      client_id: DEMO_APP.clientId,
      client_secret: "not-the-secret",
      scope: GRAPH_SCOPE,
    });
    expect(response.status).toBe(401);
    const body = json(response);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.trace_id).toBe(response.headers["request-id"]);
    expect(body.correlation_id).toEqual(expect.any(String));

    const credential = new ClientSecretCredential(
      CONTOSO,
      DEMO_APP.clientId,
      "not-the-secret",
      credentialOptions(defaultEmulator),
    );
    await expect(credential.getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS7000215/);
  });

  it.each([
    [
      "an unknown client",
      { client_id: "00000000-0000-4000-8000-000000000000" },
      400,
      "unauthorized_client",
      700016,
    ],
    ["no credential", { client_secret: undefined }, 401, "invalid_client", 7000218],
    [
      "a scope without /.default",
      { scope: "https://graph.microsoft.com/User.Read" },
      400,
      "invalid_scope",
      1002012,
    ],
    ["another grant type", { grant_type: "password" }, 400, "unsupported_grant_type", 70003],
    ["no grant type", { grant_type: undefined }, 400, "invalid_request", 900144],
  ])("refuses %s", async (_case, change, status, error, code) => {
    const fields: Record<string, string | undefined> = {
      grant_type: "client_credentials",
      client_id: DEMO_APP.clientId,
      client_secret: DEMO_APP.secret,
      scope: GRAPH_SCOPE,
      ...change,
    };
    const defined = Object.fromEntries(
      Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const response = await tokenRequest(defaultEmulator, CONTOSO, defined);
    expect(response.status).toBe(status);
    expect(json(response)).toMatchObject({ error, error_codes: [code] });
  });
});

describe("client certificate", () => {
  it("verifies MSAL's signed client assertion against the registered certificate", async () => {
    const pem = `${certificate.privateKeyPem}\n${certificate.certificatePem}`;
    const credential = new ClientCertificateCredential(
      TENANT,
      CERT_APP,
      { certificate: pem },
      credentialOptions(emulator),
    );
    const token = await credential.getToken(GRAPH_SCOPE);
    expect(jwtPayload(token.token)).toMatchObject({
      tid: TENANT,
      appid: CERT_APP,
      roles: ["DeviceManagementServiceConfig.Read.All"],
    });
    const response = await http(
      emulator,
      "GET",
      "/v1.0/deviceManagement/remoteAssistancePartners",
      { token: token.token },
    );
    expect(response.status).toBe(200);
  });

  it("refuses an assertion signed with a certificate the app does not have (AADSTS700027)", async () => {
    const pem = `${otherCertificate.privateKeyPem}\n${otherCertificate.certificatePem}`;
    const credential = new ClientCertificateCredential(
      TENANT,
      CERT_APP,
      { certificate: pem },
      credentialOptions(emulator),
    );
    await expect(credential.getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS700027/);
  });

  it("refuses an assertion for another audience or past its expiry", async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokenUrl = `${emulator.url}/${TENANT}/oauth2/v2.0/token`;
    const assertion = (claims: Record<string, unknown>) =>
      signJwt(
        {
          iss: CERT_APP,
          sub: CERT_APP,
          aud: tokenUrl,
          nbf: now - 60,
          exp: now + 600,
          jti: "x",
          ...claims,
        },
        certificate.privateKeyPem,
        "PS256",
      );
    const send = (clientAssertion: string) =>
      tokenRequest(emulator, TENANT, {
        grant_type: "client_credentials",
        client_id: CERT_APP,
        scope: GRAPH_SCOPE,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: clientAssertion,
      });
    expect((await send(assertion({}))).status).toBe(200);
    const wrongAudience = await send(
      assertion({ aud: "https://login.microsoftonline.com/x/oauth2/v2.0/token" }),
    );
    expect(json(wrongAudience)).toMatchObject({ error: "invalid_client", error_codes: [50027] });
    const expired = await send(assertion({ nbf: now - 1200, exp: now - 600 }));
    expect(expired.status).toBe(401);
    expect(json(expired)).toMatchObject({ error_codes: [700024] });
  });
});

describe("federated client assertion (GitHub Actions OIDC)", () => {
  it("exchanges a token from a trusted issuer, subject and audience", async () => {
    const token = await federatedCredential(githubToken()).getToken(GRAPH_SCOPE);
    expect(jwtPayload(token.token)).toMatchObject({ tid: TENANT, appid: FEDERATED_APP });
  });

  it.each([
    [
      "another subject",
      { sub: "repo:contoso/intune-config:pull_request" },
      github.privateKey,
      /AADSTS700213/,
    ],
    ["another audience", { aud: "api://something-else" }, github.privateKey, /AADSTS700212/],
    ["another issuer", { iss: "https://gitlab.example.com" }, github.privateKey, /AADSTS700211/],
    ["a forged signature", {}, impostor.privateKey, /AADSTS50013/],
    [
      "an expired token",
      { exp: Math.floor(Date.now() / 1000) - 600 },
      github.privateKey,
      /AADSTS700024/,
    ],
  ])("refuses %s", async (_case, claims, key, message) => {
    await expect(
      federatedCredential(githubToken(claims, key)).getToken(GRAPH_SCOPE),
    ).rejects.toThrow(message);
  });
});
