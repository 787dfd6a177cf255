import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { exitCodeOf } from "../../src/cli/exit-error.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuthConfig, TenantConfig } from "../../src/config/model.ts";
import {
  generateClientCertificate,
  loadSeed,
  signJwt,
  startEmulator,
  type Emulator,
  type EmulatorSeed,
  type SeedApp,
} from "../../src/emulator/index.ts";
import { AuthError } from "../../src/auth/auth-error.ts";
import { createCredential, type CredentialContext } from "../../src/auth/credential.ts";
import { createGitHubAssertionProvider } from "../../src/auth/github-oidc.ts";
import { decodeJwtPayload } from "../../src/auth/permissions.ts";
import { createTokenProvider } from "../../src/auth/token-provider.ts";
import { createGraphClient } from "../../src/graph/client.ts";
import { connectTenant } from "../../src/operations/connect.ts";
import {
  CONTOSO_ID,
  DEMO_APP,
  DEMO_SECRET,
  FABRIKAM_ID,
  RA_PATH,
  READ_ONLY_APP,
  READ_ONLY_SECRET,
  emulatorEnv,
  graphRequests,
  tenantConfig,
  tokenRequests,
} from "../graph/emulator-fixtures.ts";

/**
 * Every credential method against the emulator's token endpoint over HTTPS, with the real
 * @azure/identity (no mock): what a CI run against a real tenant does, offline.
 */
const CERT_APP = "c1e2a3b4-0000-4000-8000-000000000001";
const K8S_APP = "c1e2a3b4-0000-4000-8000-000000000002";
const GITHUB_APP = "c1e2a3b4-0000-4000-8000-000000000003";
const K8S_ISSUER = "https://oidc.kubernetes.example/cluster-1";
const K8S_SUBJECT = "system:serviceaccount:gitops:intune-gitops";
const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
const GITHUB_SUBJECT = "repo:contoso/intune-config:ref:refs/heads/main";
const ROLES = ["DeviceManagementServiceConfig.ReadWrite.All"];
const CERT_PASSWORD = "certificate-password-for-tests";
const GITHUB_REQUEST_TOKEN = "github-runner-request-token-for-tests";

let emulator: Emulator;
let dir: string;
let certificatePem: string;
let privateKeyPem: string;
const federationKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const federationPrivatePem = federationKeys.privateKey
  .export({ type: "pkcs8", format: "pem" })
  .toString();
/** Everything sensitive the tests handle, and everything the code printed: checked at the end. */
const secrets = new Set<string>([
  DEMO_SECRET,
  READ_ONLY_SECRET,
  CERT_PASSWORD,
  GITHUB_REQUEST_TOKEN,
]);
const outputs: string[] = [];

/** A fake of the GitHub runner's ID token endpoint: the test is the runner. */
let github: {
  url: string;
  requests: { authorization: string | undefined; audience: string | null }[];
  status: number;
  close: () => Promise<void>;
};

function federatedToken(issuer: string, subject: string, lifetimeSeconds = 300): string {
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(
    {
      iss: issuer,
      sub: subject,
      aud: "api://AzureADTokenExchange",
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
    },
    federationPrivatePem,
    "RS256",
  );
  secrets.add(token);
  return token;
}

async function startGitHub(): Promise<typeof github> {
  const requests: { authorization: string | undefined; audience: string | null }[] = [];
  const state = { status: 200 };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push({
      authorization: request.headers.authorization,
      audience: url.searchParams.get("audience"),
    });
    if (state.status !== 200) {
      response.writeHead(state.status, { "content-type": "application/json" });
      response.end('{"message":"Bad credentials"}');
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({ count: 1, value: federatedToken(GITHUB_ISSUER, GITHUB_SUBJECT) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // GitHub's URL already carries a query; ours too, to prove `audience` is added, not replaced.
    url: `http://127.0.0.1:${port}/_apis/distributedtask/hubs/build/plans/1/jobs/2/idtoken?api-version=2.0`,
    requests,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function context(
  extraEnv: Record<string, string> = {},
  overrides: Partial<CredentialContext> = {},
): CredentialContext {
  return {
    env: emulatorEnv(emulator, extraEnv),
    configDir: dir,
    allowCustomEndpoint: false,
    ca: emulator.caPem,
    tokenTimeoutInMs: 10_000,
    ...overrides,
  };
}

function contoso(auth: AuthConfig): TenantConfig {
  return tenantConfig("contoso", CONTOSO_ID, auth);
}

/** A token through our credential and provider, as the CLI gets one. */
async function token(tenant: TenantConfig, ctx: CredentialContext): Promise<string> {
  const credential = await createCredential(tenant, ctx);
  const provider = createTokenProvider(credential, {
    scope: `${emulator.url}/.default`,
    tenantName: tenant.name,
    method: tenant.auth.method,
    auth: tenant.auth,
    tenantId: tenant.tenantId,
    authorityHost: emulator.url,
    ...(ctx.tokenTimeoutInMs === undefined ? {} : { timeoutInMs: ctx.tokenTimeoutInMs }),
    debug: (line) => outputs.push(line),
  });
  const accessToken = await provider.getAccessToken();
  secrets.add(accessToken);
  return accessToken;
}

/** The error a promise rejects with, recorded for the leak check. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    outputs.push(String(error), (error as Error).stack ?? "");
    return error as Error;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "intune-gitops-auth-"));
  ({ certificatePem, privateKeyPem } = await generateClientCertificate("intune-gitops test app"));
  secrets.add(privateKeyPem.split("\n").slice(1, 3).join(""));
  const seed = loadSeed(
    fileURLToPath(new URL("../../config-examples/.emulator/seed.yaml", import.meta.url)),
  );
  const publicKeyPem = federationKeys.publicKey.export({ type: "spki", format: "pem" }).toString();
  const extraApps: SeedApp[] = [
    { clientId: CERT_APP, displayName: "certificate app", certificatePem, roles: ROLES },
    {
      clientId: K8S_APP,
      displayName: "kubernetes workload",
      federatedCredentials: [{ issuer: K8S_ISSUER, subject: K8S_SUBJECT, publicKeyPem }],
      roles: ROLES,
    },
    {
      clientId: GITHUB_APP,
      displayName: "github actions",
      federatedCredentials: [{ issuer: GITHUB_ISSUER, subject: GITHUB_SUBJECT, publicKeyPem }],
      roles: ROLES,
    },
  ];
  const custom: EmulatorSeed = {
    tenants: seed.tenants.map((tenant) =>
      tenant.name === "contoso"
        ? { ...tenant, apps: [...(tenant.apps ?? []), ...extraApps] }
        : tenant,
    ),
  };
  emulator = await startEmulator({ seed: custom });
  github = await startGitHub();
});

beforeEach(() => {
  emulator.setFaults([]);
  emulator.reset();
  github.status = 200;
  github.requests.length = 0;
});

afterAll(async () => {
  await github.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe("clientSecret", () => {
  it("gets a token for Graph from the secret in the named variable", async () => {
    const accessToken = await token(
      contoso({ method: "clientSecret", clientId: DEMO_APP, clientSecretEnv: "CONTOSO_SECRET" }),
      context({ CONTOSO_SECRET: DEMO_SECRET }),
    );
    expect(decodeJwtPayload(accessToken)).toMatchObject({
      tid: CONTOSO_ID,
      appid: DEMO_APP,
      aud: emulator.url,
    });
    const [request] = tokenRequests(emulator);
    expect(request?.path).toBe(`/${CONTOSO_ID}/oauth2/v2.0/token`);
    expect(request?.body).toMatchObject({ grant_type: "client_credentials", client_id: DEMO_APP });
  });

  it("fails clearly on a wrong secret: tenant, method, AADSTS code, the variable to fix, never the value", async () => {
    const error = await failure(
      token(
        contoso({ method: "clientSecret", clientId: DEMO_APP, clientSecretEnv: "CONTOSO_SECRET" }),
        context({ CONTOSO_SECRET: "this-is-the-wrong-secret" }),
      ),
    );
    secrets.add("this-is-the-wrong-secret");
    expect(error).toBeInstanceOf(AuthError);
    expect(exitCodeOf(error)).toBe(1);
    expect((error as AuthError).aadsts).toBe("7000215");
    expect(error.message).toMatch(
      /^tenant contoso: could not get a token with method clientSecret \(app 9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13, directory 6babcaad-604b-40ac-a9d7-9fd97c0b779f\): AADSTS7000215: Invalid client secret provided\./,
    );
    expect(error.message).toContain(
      "Fix: the client secret in $CONTOSO_SECRET is wrong or expired: create a new one in Entra ID > App registrations > Certificates & secrets",
    );
    expect(error.message).not.toContain("this-is-the-wrong-secret");
    expect(error.message.split("\n")).toHaveLength(1);
  });

  it("names a missing or empty variable without asking the token endpoint", async () => {
    const tenant = contoso({
      method: "clientSecret",
      clientId: DEMO_APP,
      clientSecretEnv: "CONTOSO_SECRET",
    });
    await expect(createCredential(tenant, context())).rejects.toThrow(
      "tenant contoso (clientSecret): the environment variable CONTOSO_SECRET is not set; it must hold the client secret of app 9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13",
    );
    await expect(createCredential(tenant, context({ CONTOSO_SECRET: " " }))).rejects.toThrow(
      "the environment variable CONTOSO_SECRET is empty",
    );
    expect(tokenRequests(emulator)).toHaveLength(0);
  });

  it("names an app the directory does not know", async () => {
    const error = await failure(
      token(
        contoso({
          method: "clientSecret",
          clientId: "00000000-0000-4000-8000-00000000dead",
          clientSecretEnv: "S",
        }),
        context({ S: "whatever-secret" }),
      ),
    );
    expect((error as AuthError).aadsts).toBe("700016");
    expect(error.message).toContain("Fix: the app is not registered in this directory");
  });
});

describe("certificate", () => {
  it("signs in with a PEM holding key and certificate, relative to the config directory", async () => {
    await writeFile(join(dir, "app.pem"), `${privateKeyPem}\n${certificatePem}`);
    const accessToken = await token(
      contoso({ method: "certificate", clientId: CERT_APP, certificatePath: "app.pem" }),
      context(),
    );
    expect(decodeJwtPayload(accessToken)).toMatchObject({ appid: CERT_APP, roles: ROLES });
    expect(tokenRequests(emulator)[0]?.body).toMatchObject({
      client_id: CERT_APP,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    });
  });

  it("signs in with an encrypted key and the password from the named variable", async () => {
    const encrypted = createPrivateKey(privateKeyPem).export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: CERT_PASSWORD,
    });
    await writeFile(join(dir, "encrypted.pem"), `${String(encrypted)}\n${certificatePem}`);
    const auth: AuthConfig = {
      method: "certificate",
      clientId: CERT_APP,
      certificatePath: join(dir, "encrypted.pem"),
      certificatePasswordEnv: "CERT_PASSWORD",
    };
    const accessToken = await token(contoso(auth), context({ CERT_PASSWORD }));
    expect(decodeJwtPayload(accessToken)).toMatchObject({ appid: CERT_APP });
  });

  it("refuses a missing file or a PEM without a key, naming the file", async () => {
    await expect(
      createCredential(
        contoso({ method: "certificate", clientId: CERT_APP, certificatePath: "missing.pem" }),
        context(),
      ),
    ).rejects.toThrow(
      `tenant contoso (certificate): cannot read the certificate file ${join(dir, "missing.pem")} (certificatePath): it cannot be read (ENOENT)`,
    );
    await writeFile(join(dir, "cert-only.pem"), certificatePem);
    await expect(
      createCredential(
        contoso({ method: "certificate", clientId: CERT_APP, certificatePath: "cert-only.pem" }),
        context(),
      ),
    ).rejects.toThrow("must be a PEM file holding both the private key and the certificate");
  });

  it("explains a certificate the app does not know", async () => {
    const other = await generateClientCertificate("unregistered");
    await writeFile(join(dir, "other.pem"), `${other.privateKeyPem}\n${other.certificatePem}`);
    secrets.add(other.privateKeyPem.split("\n").slice(1, 3).join(""));
    const error = await failure(
      token(
        contoso({ method: "certificate", clientId: CERT_APP, certificatePath: "other.pem" }),
        context(),
      ),
    );
    expect((error as AuthError).aadsts).toBe("700027");
    expect(error.message).toContain("Fix: the certificate is not registered on the app");
  });
});

describe("workloadIdentity", () => {
  it("uses the federated token file from AZURE_FEDERATED_TOKEN_FILE", async () => {
    const file = join(dir, "k8s-token");
    await writeFile(file, federatedToken(K8S_ISSUER, K8S_SUBJECT));
    const accessToken = await token(
      contoso({ method: "workloadIdentity", clientId: K8S_APP }),
      context({ AZURE_FEDERATED_TOKEN_FILE: file }),
    );
    expect(decodeJwtPayload(accessToken)).toMatchObject({ appid: K8S_APP });
    expect(tokenRequests(emulator)[0]?.body).toMatchObject({ client_id: K8S_APP });
  });

  it("uses tokenFile relative to the config directory", async () => {
    await writeFile(join(dir, "projected-token"), `${federatedToken(K8S_ISSUER, K8S_SUBJECT)}\n`);
    const accessToken = await token(
      contoso({ method: "workloadIdentity", clientId: K8S_APP, tokenFile: "projected-token" }),
      context(),
    );
    expect(decodeJwtPayload(accessToken)).toMatchObject({ appid: K8S_APP });
  });

  it("says where the token file should come from", async () => {
    await expect(
      createCredential(contoso({ method: "workloadIdentity", clientId: K8S_APP }), context()),
    ).rejects.toThrow("no federated token file: set auth.tokenFile, or AZURE_FEDERATED_TOKEN_FILE");
    await expect(
      createCredential(
        contoso({ method: "workloadIdentity", clientId: K8S_APP }),
        context({ AZURE_FEDERATED_TOKEN_FILE: join(dir, "nope") }),
      ),
    ).rejects.toThrow(
      `the federated token file ${join(dir, "nope")} (AZURE_FEDERATED_TOKEN_FILE) does not exist or is not readable`,
    );
  });

  it("explains a token no federated credential trusts", async () => {
    const file = join(dir, "wrong-subject");
    await writeFile(file, federatedToken(K8S_ISSUER, "system:serviceaccount:other:sa"));
    const error = await failure(
      token(contoso({ method: "workloadIdentity", clientId: K8S_APP, tokenFile: file }), context()),
    );
    expect((error as AuthError).aadsts).toBe("700213");
    expect(error.message).toContain(
      "Fix: no federated credential on the app matches the token's issuer, subject and audience",
    );
  });
});

describe("githubOidc", () => {
  const githubEnv = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: github.url,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: GITHUB_REQUEST_TOKEN,
  });

  it("exchanges the runner's ID token for a Graph token, secretless", async () => {
    const accessToken = await token(
      contoso({ method: "githubOidc", clientId: GITHUB_APP }),
      context(githubEnv()),
    );
    expect(decodeJwtPayload(accessToken)).toMatchObject({ appid: GITHUB_APP, roles: ROLES });
    expect(github.requests).toEqual([
      { authorization: `bearer ${GITHUB_REQUEST_TOKEN}`, audience: "api://AzureADTokenExchange" },
    ]);
    expect(tokenRequests(emulator)[0]?.body).toMatchObject({
      client_id: GITHUB_APP,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    });
  });

  it("signs in as the app whose id the clientIdEnv variable holds", async () => {
    const accessToken = await token(
      contoso({ method: "githubOidc", clientIdEnv: "PLAN_CLIENT_ID" }),
      context({ ...githubEnv(), PLAN_CLIENT_ID: ` ${GITHUB_APP}\n` }),
    );
    expect(decodeJwtPayload(accessToken)).toMatchObject({ appid: GITHUB_APP });
    expect(tokenRequests(emulator)[0]?.body).toMatchObject({ client_id: GITHUB_APP });
  });

  it("names the clientIdEnv variable when it is unset or not a GUID, never its value", async () => {
    const auth = { method: "githubOidc", clientIdEnv: "PLAN_CLIENT_ID" } as const;
    expect((await failure(createCredential(contoso(auth), context(githubEnv())))).message).toBe(
      "tenant contoso (githubOidc): the environment variable PLAN_CLIENT_ID is not set; it must hold the application (client) id of the app to sign in with",
    );
    const wrong = await failure(
      createCredential(
        contoso(auth),
        context({ ...githubEnv(), PLAN_CLIENT_ID: "not-an-app-id-42" }),
      ),
    );
    expect(wrong.message).toContain(
      "tenant contoso (githubOidc): the environment variable PLAN_CLIENT_ID (clientIdEnv) does not hold a GUID",
    );
    expect(wrong.message).not.toContain("not-an-app-id-42");
    expect(tokenRequests(emulator)).toHaveLength(0);
  });

  it("caches the ID token and asks for a new one when it is about to expire", async () => {
    let now = Date.now();
    const getAssertion = createGitHubAssertionProvider({
      requestUrl: github.url,
      requestToken: GITHUB_REQUEST_TOKEN,
      audience: "api://AzureADTokenExchange",
      timeoutInMs: 5_000,
      refreshMarginInMs: 60_000,
      now: () => now,
    });
    const first = await getAssertion();
    const exp = (decodeJwtPayload(first)?.exp as number) * 1000;
    now = exp - 120_000;
    expect(await getAssertion()).toBe(first);
    expect(github.requests).toHaveLength(1);
    now = exp - 30_000; // inside the refresh margin
    const [second, third] = await Promise.all([getAssertion(), getAssertion()]);
    expect(github.requests).toHaveLength(2);
    expect(second).toBe(third);
  });

  it("tells the workflow to grant id-token: write when the runner variables are missing", async () => {
    const error = await failure(
      createCredential(contoso({ method: "githubOidc", clientId: GITHUB_APP }), context()),
    );
    expect(error.message).toBe(
      "tenant contoso (githubOidc): ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set: GitHub sets them only for a job with `permissions: id-token: write` (add it to the workflow or the job), and only inside GitHub Actions",
    );
  });

  it("reports a refusal from the runner's endpoint without its request token", async () => {
    github.status = 403;
    const error = await failure(
      token(contoso({ method: "githubOidc", clientId: GITHUB_APP }), context(githubEnv())),
    );
    expect(error.message).toContain("tenant contoso: could not get a token with method githubOidc");
    expect(error.message).toContain("GitHub's ID token endpoint (127.0.0.1:");
    expect(error.message).toContain("answered HTTP 403");
    expect(error.message).not.toContain(GITHUB_REQUEST_TOKEN);
    expect(tokenRequests(emulator)).toHaveLength(0);
  });
});

describe("environment", () => {
  it("serves several tenants with one app from AZURE_CLIENT_ID / AZURE_CLIENT_SECRET", async () => {
    const env = {
      AZURE_CLIENT_ID: DEMO_APP,
      AZURE_CLIENT_SECRET: DEMO_SECRET,
      AZURE_TENANT_ID: "ignored",
    };
    const contosoToken = await token(contoso({ method: "environment" }), context(env));
    const fabrikamToken = await token(
      tenantConfig("fabrikam", FABRIKAM_ID, { method: "environment" }),
      context(env),
    );
    expect(decodeJwtPayload(contosoToken)?.tid).toBe(CONTOSO_ID);
    expect(decodeJwtPayload(fabrikamToken)?.tid).toBe(FABRIKAM_ID);
  });

  it("says which variables it needs", async () => {
    await expect(
      createCredential(contoso({ method: "environment" }), context({ AZURE_CLIENT_ID: DEMO_APP })),
    ).rejects.toThrow(
      "tenant contoso (environment): set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (with AZURE_CLIENT_ID)",
    );
  });
});

describe("robustness", () => {
  it("bounds a token endpoint that never answers, with a clear message", async () => {
    emulator.setFaults([
      { method: "POST", path: "/oauth2/v2\\.0/token$", fault: { kind: "hang" } },
    ]);
    const error = await failure(
      token(
        contoso({ method: "clientSecret", clientId: DEMO_APP, clientSecretEnv: "CONTOSO_SECRET" }),
        context({ CONTOSO_SECRET: DEMO_SECRET }, { tokenTimeoutInMs: 1_500 }),
      ),
    );
    expect(error.message).toBe(
      `tenant contoso: could not get a token with method clientSecret (app ${DEMO_APP}, directory ${CONTOSO_ID}): ${emulator.url} did not answer within 1.5 s. Check that this machine can reach ${emulator.url} (and HTTPS_PROXY / NO_PROXY if a proxy is in the way)`,
    );
    expect(tokenRequests(emulator).length).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it("shares one token request among concurrent callers and Graph calls", async () => {
    const tenant = contoso({
      method: "clientSecret",
      clientId: DEMO_APP,
      clientSecretEnv: "CONTOSO_SECRET",
    });
    const credential = await createCredential(tenant, context({ CONTOSO_SECRET: DEMO_SECRET }));
    const provider = createTokenProvider(credential, {
      scope: `${emulator.url}/.default`,
      tenantName: "contoso",
      method: "clientSecret",
    });
    const client = createGraphClient({
      graphUrl: emulator.url,
      tenant: "contoso",
      getAccessToken: (signal) => provider.getAccessToken(signal),
      ca: emulator.caPem,
    });
    try {
      const request = { graphVersion: "beta" as const, collectionPath: RA_PATH, select: [] };
      const results = await Promise.all([
        client.listCollection(request),
        client.listCollection(request),
        client.listCollection({ ...request, graphVersion: "v1.0" }),
        provider.getAccessToken(),
        provider.getAccessToken(),
      ]);
      expect(results).toHaveLength(5);
    } finally {
      client.close();
    }
    expect(tokenRequests(emulator)).toHaveLength(1);
    expect(graphRequests(emulator)).toHaveLength(3);
  });
});

describe("permission preflight", () => {
  const readOnly = () =>
    contoso({ method: "clientSecret", clientId: READ_ONLY_APP, clientSecretEnv: "RO_SECRET" });
  const connect = (operation: "read" | "write") =>
    connectTenant(readOnly(), {
      ...context({ RO_SECRET: READ_ONLY_SECRET }),
      operation,
      graphVersions: ["beta"],
    });

  it("names the missing permission before any Graph call when a read-only app would write", async () => {
    const error = await failure(connect("write"));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      `tenant contoso (clientSecret): missing Microsoft Graph application permission DeviceManagementServiceConfig.ReadWrite.All or DeviceManagementConfiguration.ReadWrite.All to write (PATCH) on Graph beta (the token has: DeviceManagementServiceConfig.Read.All). Add it in Entra ID > App registrations > ${READ_ONLY_APP} > API permissions > Add a permission > Microsoft Graph > Application permissions, then grant admin consent`,
    );
    expect(tokenRequests(emulator)).toHaveLength(1);
    expect(graphRequests(emulator)).toHaveLength(0);
  });

  it("lets the same app read", async () => {
    const connection = await connect("read");
    try {
      const objects = await connection.client.listCollection({
        graphVersion: "beta",
        collectionPath: RA_PATH,
        select: [],
      });
      expect(objects.length).toBeGreaterThan(0);
    } finally {
      connection.client.close();
    }
  });
});

describe("DefaultAzureCredential and Azure CLI", () => {
  it("default: DefaultAzureCredential signs in from the process environment", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AZURE_CLIENT_ID: DEMO_APP,
      AZURE_CLIENT_SECRET: DEMO_SECRET,
      AZURE_TENANT_ID: CONTOSO_ID,
      AZURE_AUTHORITY_HOST: emulator.url,
    });
    try {
      const accessToken = await token(contoso({ method: "default" }), context());
      expect(decodeJwtPayload(accessToken)).toMatchObject({ appid: DEMO_APP, tid: CONTOSO_ID });
    } finally {
      for (const key of [
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_TENANT_ID",
        "AZURE_AUTHORITY_HOST",
      ]) {
        if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = saved[key];
      }
    }
  });

  it("azureCli: explains what to do when the Azure CLI is missing", async () => {
    // The library runs `az` from the process PATH: an empty one makes "not installed" certain,
    // whatever this machine has.
    const savedPath = process.env.PATH;
    process.env.PATH = dir;
    let error: Error;
    try {
      error = await failure(
        token(contoso({ method: "azureCli" }), context({}, { tokenTimeoutInMs: 15_000 })),
      );
    } finally {
      process.env.PATH = savedPath;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain("Azure CLI could not be found");
    expect(error.message).toMatch(/^tenant contoso: could not get a token with method azureCli/);
    expect(error.message).toContain("Fix: install the Azure CLI and run `az login`");
  }, 30_000);
});

describe("secrets", () => {
  it("appear in no message, stack or debug line produced by these tests", () => {
    expect(outputs.length).toBeGreaterThan(10);
    const everything = outputs.join("\n");
    for (const secret of secrets) {
      expect(everything.includes(secret), `a secret of ${secret.length} characters leaked`).toBe(
        false,
      );
    }
  });
});
