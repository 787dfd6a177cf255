import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateClientCertificate,
  loadSeed,
  signJwt,
  startEmulator,
  type Emulator,
  type EmulatorSeed,
} from "../../src/emulator/index.ts";
import { DEFAULT_SEED_URL } from "../../src/emulator/seed.ts";
import { createTlsMaterial, type TlsMaterial } from "../../src/emulator/tls.ts";
import { CLI, EXAMPLES, emulatorEnv, runCli, type CliRun } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";
import type { JsonObject } from "../../src/json.ts";
import { parsePlanFile } from "../../src/plan/plan-file.ts";
import { TOOL_VERSION } from "../../src/version.ts";
import { json, startFakeGraph, type FakeGraph } from "./fake-graph.ts";

/**
 * Every CLI command, run as a user runs it (a separate process, `--debug` wherever it exists),
 * successes and failures alike, and everything it leaves behind (stdout, stderr, saved plans,
 * exported files) searched for credentials:
 * - the client secrets, the certificate's private key, the federated token given to the tool;
 * - access tokens and client assertions: every JWT-shaped string (`eyJ….eyJ…`), the header of the
 *   emulator's tokens (minted here with the same credentials: it is the same for every token the
 *   emulator signs), and the exact tokens a hostile Graph received and echoed back.
 */

const DEMO_APP = DEFAULT_SEED.demoApp.clientId;
const READ_ONLY_APP = DEFAULT_SEED.readOnlyApp.clientId;
const CERT_APP = "c3c3c3c3-1111-4222-8333-444444444444";
const WORKLOAD_APP = "d4d4d4d4-1111-4222-8333-444444444444";
const CONTOSO = DEFAULT_SEED.contoso.tenantId;
const WRONG_SECRET = "wrong-secret-value-3f9c2a7b1e";
const ISSUER = "https://kubernetes.example.com";
const SUBJECT = "system:serviceaccount:intune:gitops";

/** Any JWT: access tokens, ID tokens, client assertions, federated tokens. */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}/;
/** Exact values that must never be shown; filled in as they are made. */
const secrets = new Set<string>([WRONG_SECRET]);

let emulator: Emulator;
let tls: TlsMaterial;
let config: TempConfig;
let federatedToken: string;

function tenantYaml(auth: string): string {
  return `apiVersion: intune-gitops/v1
kind: Tenant
metadata: { name: contoso }
spec:
  tenantId: ${CONTOSO}
  graphVersion: beta
  auth: ${auth}
`;
}

/** A configuration with one tenant signing in the given way, and the example's TeamViewer. */
function configWith(auth: string, files: Record<string, string> = {}): TempConfig {
  const made = tempConfig();
  made.write("tenants.yaml", tenantYaml(auth));
  cpSync(join(EXAMPLES, "remote-assistance.yaml"), join(made.dir, "remote-assistance.yaml"));
  for (const [file, text] of Object.entries(files)) made.write(file, text);
  return made;
}

/** Every file under a folder, as text (plans, exports, copies of the configuration). */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path, "utf8") }));
}

/** Fails naming the command and where the credential showed up. */
function expectNoCredentials(
  label: string,
  outputs: Record<string, string>,
  more: Iterable<string> = [],
): void {
  const values = [...secrets, ...more];
  for (const [where, text] of Object.entries(outputs)) {
    expect(text, `${label}: a JWT in ${where}`).not.toMatch(JWT);
    for (const value of values) {
      expect(text.includes(value), `${label}: a credential in ${where}`).toBe(false);
    }
  }
}

function outputsOf(run: CliRun): Record<string, string> {
  return { stdout: run.stdout, stderr: run.stderr };
}

/** A token from the emulator with the demo app's secret, as @azure/identity would get it. */
function mintToken(): Promise<string> {
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: DEMO_APP,
    client_secret: emulator.demoApp.secret!,
    scope: `${emulator.url}/.default`,
  }).toString();
  return new Promise((resolve, reject) => {
    const call = request(
      `${emulator.url}/${CONTOSO}/oauth2/v2.0/token`,
      {
        method: "POST",
        ca: emulator.caPem,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        agent: false,
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () =>
          resolve((JSON.parse(text) as { access_token: string }).access_token),
        );
      },
    );
    call.on("error", reject);
    call.end(body);
  });
}

beforeAll(async () => {
  tls = await createTlsMaterial();
  const { certificatePem, privateKeyPem } = await generateClientCertificate("secrets test");
  const federation = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  federatedToken = signJwt(
    {
      iss: ISSUER,
      sub: SUBJECT,
      aud: "api://AzureADTokenExchange",
      iat: now,
      nbf: now,
      exp: now + 3600,
    },
    federation.privateKey,
  );
  const seed = loadSeed(fileURLToPath(DEFAULT_SEED_URL));
  const custom: EmulatorSeed = {
    tenants: seed.tenants.map((tenant) =>
      tenant.tenantId !== CONTOSO
        ? tenant
        : {
            ...tenant,
            apps: [
              ...(tenant.apps ?? []),
              {
                clientId: CERT_APP,
                certificatePem,
                roles: ["DeviceManagementServiceConfig.ReadWrite.All"],
              },
              {
                clientId: WORKLOAD_APP,
                federatedCredentials: [
                  {
                    issuer: ISSUER,
                    subject: SUBJECT,
                    publicKeyPem: federation.publicKey
                      .export({ type: "spki", format: "pem" })
                      .toString(),
                  },
                ],
                roles: ["DeviceManagementServiceConfig.ReadWrite.All"],
              },
            ],
          },
    ),
  };
  emulator = await startEmulator({ seed: custom });
  config = tempConfig({ fromExamples: true });
  config.write("client.pem", `${privateKeyPem}\n${certificatePem}`);
  config.write("federated-token", federatedToken);

  secrets.add(emulator.demoApp.secret!);
  secrets.add("read-only-demo-secret");
  secrets.add(federatedToken);
  // The private key's base64 body, line by line (any line of it is a leak).
  for (const line of privateKeyPem.split("\n").filter((l) => l !== "" && !l.startsWith("-----"))) {
    secrets.add(line);
  }
  const minted = await mintToken();
  expect(minted).toMatch(JWT);
  secrets.add(`${minted.split(".")[0]!}.`);
  emulator.reset();
});

/**
 * The configuration's tenants without its partner objects, for export: it skips what the
 * configuration declares, and these tests need it to write every object.
 */
function tenantsOnly(): TempConfig {
  const only = tempConfig();
  for (const file of ["tenants.yaml", "client.pem", "federated-token"]) {
    cpSync(join(config.dir, file), join(only.dir, file));
  }
  return only;
}

afterAll(async () => {
  config.cleanup();
  await emulator.close();
});

const env = () => emulatorEnv(emulator);

// Each test spawns the CLI several times, concurrently with the others: on a loaded 2-core machine
// a spawn alone can take seconds, so the bound is generous (nothing here waits on a timer).
describe.concurrent("every command, with --debug where it has one", { timeout: 120_000 }, () => {
  it("doctor, with a capture of Graph's answers", async () => {
    const work = tempConfig();
    try {
      const run = await runCli(
        [
          "doctor",
          "--config",
          config.dir,
          "--tenant",
          "contoso",
          "--debug",
          "--capture",
          "capture.json",
        ],
        { cwd: work.dir, env: env() },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/^debug: graph contoso: GET /m);
      const files = filesUnder(work.dir);
      expect(files.map((file) => file.path)).toEqual([join(work.dir, "capture.json")]);
      expect(JSON.parse(files[0]!.text)).toHaveProperty("answers");
      expectNoCredentials("doctor", outputsOf(run));
      expectNoCredentials(
        "doctor's capture",
        Object.fromEntries(files.map((file) => [file.path, file.text])),
      );
    } finally {
      work.cleanup();
    }
  });

  it("validate and schema", async () => {
    const validate = await runCli(["validate", "--config", config.dir]);
    expect(validate.code).toBe(0);
    const schema = await runCli(["schema"]);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout)).toHaveProperty("$schema");
    expectNoCredentials("validate", outputsOf(validate));
    expectNoCredentials("schema", outputsOf(schema));
  });

  it("validate on a configuration with a secret written inline does not repeat it", async () => {
    const corpus = fileURLToPath(new URL("../fixtures/corpus/", import.meta.url));
    const inline = "q8Z~Tx3.fakeSecretValue_9Kd2LmN0pQrStUv";
    for (const name of ["inline-client-secret", "secret-in-env-key"]) {
      expect(readFileSync(join(corpus, name, "tenants.yaml"), "utf8")).toContain(inline);
      for (const format of ["text", "json"]) {
        const run = await runCli(["validate", "--config", join(corpus, name), "--format", format]);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/inline-secret|must not be written|looks like a secret/);
        expectNoCredentials(`validate ${name} --format ${format}`, outputsOf(run), [inline]);
      }
    }
  });

  it("plan (text, markdown, json, --out), apply PLANFILE, apply, export", async () => {
    const work = tempConfig();
    try {
      const planFile = join(work.dir, "plan.json");
      const runs: Record<string, CliRun> = {};
      runs["plan --out"] = await runCli(
        ["plan", "--config", config.dir, "--debug", "--out", planFile],
        { env: env() },
      );
      expect(runs["plan --out"].code).toBe(0);
      expect(runs["plan --out"].stdout).toContain("Plan: 2 to change, 2 unchanged.");
      expect(runs["plan --out"].stderr).toMatch(/^debug: graph contoso: GET /m);
      for (const format of ["markdown", "json"]) {
        runs[`plan --format ${format}`] = await runCli(
          ["plan", "--config", config.dir, "--debug", "--format", format],
          { env: env() },
        );
        expect(runs[`plan --format ${format}`]!.code).toBe(0);
      }
      runs["apply PLANFILE"] = await runCli(
        ["apply", planFile, "--config", config.dir, "--debug"],
        {
          env: env(),
        },
      );
      expect(runs["apply PLANFILE"].code).toBe(0);
      expect(runs["apply PLANFILE"].stderr).toMatch(/^debug: graph contoso: PATCH /m);
      const exportConfig = tenantsOnly();
      runs["export"] = await runCli(
        [
          "export",
          "--config",
          exportConfig.dir,
          "--tenant",
          "contoso",
          "--out",
          join(work.dir, "export"),
          "--debug",
        ],
        { env: env() },
      );
      exportConfig.cleanup();
      expect(runs["export"].code).toBe(0);
      emulator.reset();
      runs["apply --auto-approve"] = await runCli(
        ["apply", "--config", config.dir, "--auto-approve", "--debug", "--format", "json"],
        { env: env() },
      );
      expect(runs["apply --auto-approve"].code).toBe(0);

      for (const [label, run] of Object.entries(runs)) {
        expectNoCredentials(label, outputsOf(run));
        // Nothing was cut, so nothing is said: the note is not noise on every run.
        expect(run.stderr, label).not.toContain("replaced by [redacted]");
      }
      const written = filesUnder(work.dir);
      expect(written.map((file) => file.path)).toContain(planFile);
      expect(written.some((file) => file.path.endsWith(".yaml"))).toBe(true);
      expectNoCredentials(
        "written files",
        Object.fromEntries(written.map((file) => [file.path, file.text])),
      );
    } finally {
      work.cleanup();
    }
  });

  it("plan with a certificate (client assertion) and with a federated token file", async () => {
    const certificate = configWith(
      `{ method: certificate, clientId: ${CERT_APP}, certificatePath: ${join(config.dir, "client.pem")} }`,
    );
    const workload = configWith(
      `{ method: workloadIdentity, clientId: ${WORKLOAD_APP}, tokenFile: ${join(config.dir, "federated-token")} }`,
    );
    try {
      for (const [label, dir] of [
        ["certificate", certificate.dir],
        ["workloadIdentity", workload.dir],
      ] as const) {
        const run = await runCli(["plan", "--config", dir, "--debug"], { env: env() });
        expect(run.code, `${label}: ${run.stderr}`).toBe(0);
        expect(run.stdout).toContain("Plan: 1 to change");
        expectNoCredentials(`plan (${label})`, outputsOf(run));
      }
    } finally {
      certificate.cleanup();
      workload.cleanup();
    }
  });

  it("failures: a wrong secret, a missing permission, an unreachable tenant", async () => {
    const readOnly = configWith(
      `{ method: clientSecret, clientId: ${READ_ONLY_APP}, clientSecretEnv: READ_ONLY_SECRET }`,
    );
    try {
      const [wrong, denied, unreachable] = await Promise.all([
        runCli(["plan", "--config", config.dir, "--debug"], {
          env: { ...env(), AZURE_CLIENT_SECRET: WRONG_SECRET },
        }),
        runCli(["apply", "--config", readOnly.dir, "--auto-approve", "--debug"], {
          env: { ...env(), READ_ONLY_SECRET: "read-only-demo-secret" },
        }),
        runCli(["plan", "--config", config.dir, "--debug"], {
          env: {
            ...env(),
            INTUNE_GITOPS_GRAPH_URL: "https://127.0.0.1:1",
            AZURE_AUTHORITY_HOST: "https://127.0.0.1:1",
          },
          // @azure/identity retries the refused connection within its 30 s token timeout.
          timeoutMs: 90_000,
        }),
      ]);
      expect(wrong.code).toBe(1);
      expect(wrong.stdout + wrong.stderr).toContain("AADSTS7000215");
      expect(denied.code).toBe(1);
      expect(denied.stdout + denied.stderr).toContain("ReadWrite.All");
      expect(unreachable.code).toBe(1);
      expect(unreachable.stdout + unreachable.stderr).toContain("could not get a token");
      expectNoCredentials("plan with a wrong secret", outputsOf(wrong));
      expectNoCredentials("apply without permission", outputsOf(denied));
      expectNoCredentials("plan with the tenant unreachable", outputsOf(unreachable));
    } finally {
      readOnly.cleanup();
    }
  });

  it("demo, and the emulator itself (its demo secret only on its export line)", async () => {
    const demo = await runCli(["demo"]);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain("Plan: 2 to change");
    expectNoCredentials("demo", outputsOf(demo));

    const child = spawn(process.execPath, [CLI, "emulator", "--port", "0"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_PROXY: "127.0.0.1,localhost" },
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`emulator not ready: ${stderr}`)), 10_000);
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (/AZURE_CLIENT_SECRET=.*\n/.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const exports = Object.fromEntries(
        [...stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      // Use it, so that it issues tokens and logs requests.
      const plan = await runCli(["plan", "--config", EXAMPLES, "--debug"], { env: exports });
      expect(plan.code).toBe(0);
      expectNoCredentials("plan against the emulator command", outputsOf(plan));
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
    const demoSecret = emulator.demoApp.secret!;
    const lines = stdout.split("\n").filter((line) => line.includes(demoSecret));
    expect(lines).toEqual([`export AZURE_CLIENT_SECRET=${demoSecret}`]);
    expect(stderr).toMatch(/stopping after \d+ requests/);
    const others = [...secrets].filter((value) => value !== demoSecret);
    for (const text of [stdout.replace(lines[0]!, ""), stderr]) {
      expect(text).not.toMatch(JWT);
      for (const value of others) expect(text.includes(value)).toBe(false);
      expect(text.includes(demoSecret)).toBe(false);
    }
  });
});

// invoke and adopt change the emulator's objects: run apart from the concurrent runs above, whose
// plans expect the seeded state.
describe("invoke and adopt, with --debug", { timeout: 120_000 }, () => {
  it("the partner actions and adopt print and write no credential", async () => {
    const work = tempConfig({ fromExamples: true });
    try {
      const runs: Record<string, CliRun> = {};
      for (const [label, args] of [
        ["invoke beginOnboarding", ["beginOnboarding", "--object", "teamviewer"]],
        ["invoke disconnect", ["disconnect", "--object", "teamviewer"]],
        ["invoke terminate", ["terminate", "--object", "jamf", "--allow-destructive"]],
      ] as const) {
        const run = await runCli(
          ["invoke", ...args, "--tenant", "contoso", "--auto-approve", "--debug"],
          { cwd: work.dir, env: env() },
        );
        expect(run.code, `${label}: ${run.stderr}`).toBe(0);
        expect(run.stderr).toMatch(/^debug: graph contoso: POST /m);
        runs[label] = run;
      }
      // A tenant-specific object, so that contoso's live value can be adopted into it.
      const file = join(work.dir, "remote-assistance.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace("tenants: all", "tenants: contoso"));
      runs["adopt"] = await runCli(["adopt", "--tenant", "contoso", "--debug", "--config", "."], {
        cwd: work.dir,
        env: env(),
      });
      expect(runs["adopt"].code, runs["adopt"].stderr).toBe(0);
      expect(runs["adopt"].stdout).toContain("adopted remoteAssistancePartner[contoso].teamviewer");
      expect(runs["adopt"].stderr).toMatch(/^debug: graph contoso: GET /m);

      for (const [label, run] of Object.entries(runs)) expectNoCredentials(label, outputsOf(run));
      expectNoCredentials(
        "files after invoke and adopt",
        Object.fromEntries(filesUnder(work.dir).map((written) => [written.path, written.text])),
      );
    } finally {
      work.cleanup();
      emulator.reset();
    }
  });
});

describe("a hostile Graph that echoes the bearer token back", { timeout: 120_000 }, () => {
  let fake: FakeGraph;
  let caFile: string;
  const received = new Set<string>();
  /** How the fake misbehaves in the current run. */
  let mode: "error" | "nextLink" | "redirect" | "patch-error" | "value-echo" = "error";

  beforeAll(async () => {
    fake = await startFakeGraph(tls, {
      "/beta/deviceManagement/remoteAssistancePartners": [
        { id: "ra", displayName: "TeamViewer", onboardingStatus: "notOnboarded" },
      ],
      // As the example configuration declares it: only TeamViewer has a change.
      "/beta/deviceManagement/deviceManagementPartners": [
        {
          id: "jamf",
          displayName: "Jamf Pro",
          partnerAppType: "multiTenantApp",
          groupsRequiringPartnerEnrollment: [
            "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
            "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
          ].map((groupId) => ({
            target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
          })),
        },
      ],
    });
    fake.misbehave = (request, response, { path, otherOriginUrl }) => {
      const authorization = request.headers.authorization ?? "";
      const token = authorization.replace(/^Bearer /, "");
      received.add(token);
      const echo = (status: number) =>
        json(response, status, {
          error: {
            code: "InvalidAuthenticationToken",
            message: `Access token is invalid: ${authorization} (signature ${token.split(".")[2] ?? ""})`,
            innerError: { "request-id": "r-1", token },
          },
        });
      switch (mode) {
        case "value-echo":
          // Answers as usual, but with the caller's credentials inside the values it returns.
          if (request.method !== "GET" || !path.endsWith("/remoteAssistancePartners")) return false;
          json(response, 200, { value: echoingPartners(token) });
          return true;
        case "error":
          echo(401);
          return true;
        case "nextLink":
          if (request.method !== "GET") return false;
          json(response, 200, {
            value: [],
            "@odata.nextLink": `${otherOriginUrl}${path}?$skiptoken=${token}`,
          });
          return true;
        case "redirect":
          if (request.method !== "PATCH") return false;
          response.writeHead(307, { location: `${otherOriginUrl}${path}?access_token=${token}` });
          response.end();
          return true;
        case "patch-error":
          if (request.method !== "PATCH") return false;
          echo(400);
          return true;
      }
    };
    caFile = join(config.dir, "both-ca.pem");
    writeFileSync(caFile, `${emulator.caPem}\n${tls.caPem}`);
  });
  afterAll(async () => {
    await fake.close();
  });

  /**
   * TeamViewer with the bearer token the fake received, and the client secret, in its
   * onboardingUrl in every encoding a server might use; and a second partner named after the
   * token in lower case.
   */
  function echoingPartners(token: string): JsonObject[] {
    const secret = emulator.demoApp.secret!;
    const forms = echoedForms(token, secret);
    return [
      {
        id: "ra",
        displayName: "TeamViewer",
        onboardingStatus: "notOnboarded",
        onboardingUrl: `https://echo.example.com/join?${Object.entries(forms)
          .map(([name, value]) => `${name}=${value}`)
          .join("&")}`,
      },
      { id: "ra2", displayName: forms.lower, onboardingStatus: "notOnboarded" },
    ];
  }

  function echoedForms(token: string, secret: string) {
    return {
      token,
      lower: token.toLowerCase(),
      base64: Buffer.from(`Bearer ${token}`).toString("base64"),
      base64url: Buffer.from(`t=${token}`).toString("base64url"),
      secret: encodeURIComponent(secret),
      secretLower: secret.toLowerCase(),
      secretBase64: Buffer.from(`x:${secret}`).toString("base64"),
    };
  }

  /** Any 16-character run of an echoed form in `text`: a part of a credential is a leak too. */
  function leakedPart(text: string, forms: readonly string[]): string | undefined {
    for (const form of forms) {
      for (let start = 0; start + 16 <= form.length; start += 4) {
        const part = form.slice(start, start + 16);
        if (text.includes(part)) return part;
      }
    }
    return undefined;
  }

  it("a token and secret echoed inside values: never printed or saved, in any encoding", async () => {
    mode = "value-echo";
    received.clear();
    // apply writes to the fake's objects: put them back afterwards for the other tests.
    const before = structuredClone([...fake.collections]);
    const work = tempConfig();
    const common = ["--config", config.dir, "--tenant", "contoso", "--debug"];
    const exportConfig = tenantsOnly();
    const exportCommon = ["--config", exportConfig.dir, "--tenant", "contoso", "--debug"];
    const runEnv = {
      ...env(),
      INTUNE_GITOPS_GRAPH_URL: fake.server.url,
      NODE_EXTRA_CA_CERTS: caFile,
    };
    try {
      const runs: Record<string, CliRun> = {};
      for (const [label, args] of [
        ["plan", ["plan"]],
        ["plan --format markdown", ["plan", "--format", "markdown"]],
        ["plan --format json --out", ["plan", "--format", "json", "--out", "plan.json"]],
        // Every row: one is named after the token (and never set up).
        ["export", ["export", "--out", "exported", "--include-not-set-up"]],
        ["apply", ["apply", "--auto-approve"]],
        ["apply --format json", ["apply", "--auto-approve", "--format", "json"]],
      ] as const) {
        runs[label] = await runCli([...args, ...(label === "export" ? exportCommon : common)], {
          cwd: work.dir,
          env: runEnv,
        });
      }
      const tokens = [...received].filter((token) => JWT.test(token));
      // One run, one token at least: the fake really got them, and echoed them.
      expect(tokens.length).toBeGreaterThanOrEqual(Object.keys(runs).length - 1);
      const forms = tokens.flatMap((token) =>
        Object.values(echoedForms(token, emulator.demoApp.secret!)),
      );

      expect(runs["plan"]!.code).toBe(0);
      expect(runs["plan"]!.stdout).toMatch(/onboardingUrl.*\[redacted\]/);
      // Markdown escapes the brackets.
      expect(runs["plan --format markdown"]!.stdout).toContain("&#91;redacted&#93;");
      const shown = JSON.parse(runs["plan --format json --out"]!.stdout);
      expect(JSON.stringify(shown)).toContain("[redacted]");
      expect(runs["export"]!.code).toBe(0);
      expect(runs["export"]!.stderr).toContain(
        "Warning: exported/contoso/remote-assistance-partners.yaml: left out teamviewer.onboardingUrl, remote-assistance-partner-ra2.displayName: the live value holds a secret",
      );
      // Written back by apply, the value still comes back with the token in it.
      expect(runs["apply"]!.code).toBe(1);
      expect(runs["apply"]!.stdout).toMatch(/onboardingUrl = .*\[redacted\]/);
      for (const [label, run] of Object.entries(runs)) {
        expect(leakedPart(run.stdout + run.stderr, forms), label).toBeUndefined();
        expectNoCredentials(label, outputsOf(run));
        if (label === "export") continue;
        // Said once, at the end, on stderr.
        expect(
          run.stderr.match(/replaced by \[redacted\]/g),
          `${label}: ${run.stderr}`,
        ).toHaveLength(1);
        expect(run.stdout).not.toMatch(/replaced by \[redacted\]/);
      }

      const files = filesUnder(work.dir);
      expect(files.map((file) => file.path).sort()).toEqual([
        join(work.dir, "exported/contoso/device-management-partners.yaml"),
        join(work.dir, "exported/contoso/remote-assistance-partners.yaml"),
        join(work.dir, "plan.json"),
      ]);
      for (const file of files) {
        expect(leakedPart(file.text, forms), file.path).toBeUndefined();
      }
      expectNoCredentials(
        "files written",
        Object.fromEntries(files.map((file) => [file.path, file.text])),
      );
      // The export leaves the echoed value out and says why, instead of writing a broken value.
      const exported = readFileSync(
        join(work.dir, "exported/contoso/remote-assistance-partners.yaml"),
        "utf8",
      );
      expect(exported).toContain("# Left out: onboardingUrl.");
      expect(exported).not.toContain("onboardingUrl:");
      expect(exported).toContain("id: ra2");
      // The saved plan is still a plan this version applies: its checksum covers what it holds.
      const savedPlan = parsePlanFile(readFileSync(join(work.dir, "plan.json"), "utf8"), {
        toolVersion: TOOL_VERSION,
      });
      if ("error" in savedPlan) throw new Error(savedPlan.error);
      expect(savedPlan.plan.changes[0]!.changes).toContainEqual(
        expect.objectContaining({
          property: "onboardingUrl",
          before: expect.stringMatching(/^https:\/\/echo\.example\.com\/join\?token=\[redacted\]&/),
        }),
      );
    } finally {
      work.cleanup();
      exportConfig.cleanup();
      for (const [path, objects] of before) fake.collections.set(path, objects);
    }
  });

  it.each([
    [
      "plan, every answer an error quoting the token",
      "error",
      ["plan"],
      /InvalidAuthenticationToken/,
    ],
    [
      "plan --format json --out",
      "error",
      ["plan", "--format", "json", "--out", "plan.json"],
      /InvalidAuthenticationToken/,
    ],
    ["plan, a nextLink carrying the token", "nextLink", ["plan"], /refusing to send the token/],
    [
      "apply, a redirect carrying the token",
      "redirect",
      ["apply", "--auto-approve"],
      /not following it/,
    ],
    [
      "apply, a PATCH error quoting the token",
      "patch-error",
      ["apply", "--auto-approve"],
      /InvalidAuthenticationToken/,
    ],
  ] as const)("%s: the token never shows", async (_label, how, args, expected) => {
    mode = how;
    received.clear();
    const work = tempConfig();
    try {
      const run = await runCli(
        [...args, "--config", config.dir, "--tenant", "contoso", "--debug"],
        {
          cwd: work.dir,
          env: { ...env(), INTUNE_GITOPS_GRAPH_URL: fake.server.url, NODE_EXTRA_CA_CERTS: caFile },
        },
      );
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).toMatch(expected);
      // The fake really got the token (and put it in its answer).
      const tokens = [...received].filter((token) => JWT.test(token));
      expect(tokens.length).toBeGreaterThan(0);
      const parts = tokens.flatMap((token) => [
        token,
        ...token.split(".").filter((part) => part.length > 20),
      ]);
      expectNoCredentials(_label, outputsOf(run), parts);
      expectNoCredentials(
        `${_label}: files written`,
        Object.fromEntries(filesUnder(work.dir).map((file) => [file.path, file.text])),
        parts,
      );
      // Where Graph's own message quoted it, the tool printed the message with the token cut out.
      if (how === "error" || how === "patch-error") {
        expect(run.stdout + run.stderr).toMatch(/\[redacted/);
      }
    } finally {
      work.cleanup();
    }
  });
});
