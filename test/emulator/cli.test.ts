import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "src/cli/bin.ts");
const scratch = mkdtempSync(join(tmpdir(), "emulator-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: "127.0.0.1,localhost", ...extra };
  for (const name of [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NODE_EXTRA_CA_CERTS",
  ]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exports: Record<string, string>;
  readonly stdout: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `intune-gitops emulator ARGS` and resolves once it has printed its five export lines. */
function startCli(args: readonly string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "emulator", ...args], { cwd: ROOT, env: childEnv() });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no export lines within 10 s; stderr: ${stderr}`)),
      10_000,
    );
    void exited.then((code) =>
      reject(new Error(`exited with ${code} before it was ready; stderr: ${stderr}`)),
    );
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const lines = stdout.split("\n").filter((line) => line !== "");
      if (lines.length < 5 || !stdout.endsWith("\n")) return;
      clearTimeout(timer);
      const exports = Object.fromEntries(
        lines.map((line) => {
          const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
          if (!match) throw new Error(`not an export line: ${line}`);
          return [match[1], match[2]];
        }),
      );
      resolve({ child, exports, stdout, stderr: () => stderr, exited });
    });
  });
}

function getText(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const { method = "GET", headers = {} } = options;
    const call = request(url, { ca, method, headers, agent: false }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    call.on("error", reject);
    call.end(options.body);
  });
}

/** Runs a Node script with the exported environment, as a shell would after `eval`. */
function runWithExports(
  exports: Record<string, string>,
  script: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      env: childEnv(exports),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("intune-gitops emulator", () => {
  it("prints only the export lines, serves what they describe, and stops cleanly on SIGTERM", async () => {
    const running = await startCli(["--port", "0"]);
    const { exports } = running;
    expect(Object.keys(exports)).toEqual([
      "INTUNE_GITOPS_GRAPH_URL",
      "AZURE_AUTHORITY_HOST",
      "NODE_EXTRA_CA_CERTS",
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
    ]);
    expect(exports["INTUNE_GITOPS_GRAPH_URL"]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(exports["AZURE_AUTHORITY_HOST"]).toBe(exports["INTUNE_GITOPS_GRAPH_URL"]);
    expect(exports["AZURE_CLIENT_ID"]).toBe("9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13");
    expect(exports["AZURE_CLIENT_SECRET"]).toBe("demo-client-secret-for-the-local-emulator");
    const caFile = exports["NODE_EXTRA_CA_CERTS"]!;
    const ca = readFileSync(caFile, "utf8");
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expect.poll(() => running.stderr()).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);

    // What a user's shell does after eval: trust the CA through NODE_EXTRA_CA_CERTS, sign in
    // with the exported app, and read Graph.
    const script = `
      import { ClientSecretCredential } from "@azure/identity";
      const env = process.env;
      const credential = new ClientSecretCredential("contoso", env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, { disableInstanceDiscovery: true });
      const { token } = await credential.getToken("https://graph.microsoft.com/.default");
      const response = await fetch(env.INTUNE_GITOPS_GRAPH_URL + "/beta/deviceManagement/deviceManagementPartners?$select=displayName", { headers: { authorization: "Bearer " + token } });
      console.log(response.status, JSON.stringify((await response.json()).value.map((partner) => partner.displayName)));
    `;
    const client = await runWithExports(exports, script);
    expect(client.stderr).toBe("");
    expect(client.stdout.trim()).toBe('200 ["Jamf Pro"]');

    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toMatch(/stopping after \d+ requests/);
    expect(existsSync(caFile)).toBe(false);
  });

  it("takes a seed, a faults file, the PATCH status and the page size from flags", async () => {
    const seedFile = join(scratch, "seed.yaml");
    const faultsFile = join(scratch, "faults.json");
    writeFileSync(
      seedFile,
      `tenants:
  - name: tailspin
    tenantId: 7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a
    apps:
      - clientId: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
        secret: "it's a secret"
        roles: [DeviceManagementServiceConfig.ReadWrite.All]
    remoteAssistancePartners:
      - { displayName: One }
      - { displayName: Two }
      - { displayName: Three }
      - { displayName: Four }
`,
    );
    writeFileSync(
      faultsFile,
      JSON.stringify([
        { path: "^/v1\\.0/", fault: { kind: "status", status: 503, retryAfter: "7" } },
      ]),
    );
    const running = await startCli([
      "--seed",
      seedFile,
      "--faults",
      faultsFile,
      "--patch-status",
      "200",
      "--page-size",
      "3",
    ]);
    try {
      expect(running.exports["AZURE_CLIENT_ID"]).toBe("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
      // Quoted for the shell, so that eval gives the value back intact.
      expect(running.exports["AZURE_CLIENT_SECRET"]).toBe(`'it'\\''s a secret'`);
      const ca = readFileSync(running.exports["NODE_EXTRA_CA_CERTS"]!, "utf8");
      const url = running.exports["INTUNE_GITOPS_GRAPH_URL"]!;
      const faulted = await getText(`${url}/v1.0/deviceManagement/remoteAssistancePartners`, ca);
      expect(faulted.status).toBe(503);
      const issued = await getText(`${url}/tailspin/oauth2/v2.0/token`, ca, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
          client_secret: "it's a secret",
          scope: "https://graph.microsoft.com/.default",
        }).toString(),
      });
      expect(issued.status).toBe(200);
      const authorization = `Bearer ${(JSON.parse(issued.text) as { access_token: string }).access_token}`;
      const page = JSON.parse(
        (
          await getText(`${url}/beta/deviceManagement/remoteAssistancePartners`, ca, {
            headers: { authorization },
          })
        ).text,
      );
      expect(page.value.map((partner: { displayName: string }) => partner.displayName)).toEqual([
        "One",
        "Two",
        "Three",
      ]);
      expect(page["@odata.nextLink"]).toMatch(/\$skiptoken=/);
      const patched = await getText(
        `${url}/beta/deviceManagement/remoteAssistancePartners/${page.value[0].id}`,
        ca,
        {
          method: "PATCH",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({ displayName: "Uno" }),
        },
      );
      expect(patched.status).toBe(200);
      expect(JSON.parse(patched.text)).toMatchObject({ displayName: "Uno" });
    } finally {
      running.child.kill("SIGTERM");
      await running.exited;
    }
  });

  it.skipIf(process.platform === "win32")(
    'works as eval "$(intune-gitops emulator &)" in a shell',
    async () => {
      const errors = join(scratch, "eval.err");
      const shell = spawn(
        "bash",
        [
          "-c",
          `eval "$("${process.execPath}" "${BIN}" emulator --port 0 2>"${errors}" &)"; echo "$INTUNE_GITOPS_GRAPH_URL $AZURE_CLIENT_ID"`,
        ],
        { cwd: ROOT, env: childEnv() },
      );
      let stdout = "";
      shell.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      // The shell returns as soon as the export lines are out, while the emulator keeps running.
      const shellExit = await new Promise((resolve) => shell.on("exit", resolve));
      await expect.poll(() => readFileSync(errors, "utf8")).toMatch(/kill \d+/);
      const pid = Number(/kill (\d+)/.exec(readFileSync(errors, "utf8"))?.[1]);
      try {
        expect(shellExit).toBe(0);
        expect(stdout.trim()).toMatch(
          /^https:\/\/127\.0\.0\.1:\d+ 9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13$/,
        );
      } finally {
        process.kill(pid, "SIGTERM");
      }
      await expect.poll(() => readFileSync(errors, "utf8")).toMatch(/stopping after \d+ requests/);
    },
  );

  it.each([
    [["--port", "65536"], /--port must be a whole number from 0 to 65535, not "65536"/],
    [["--page-size", "0"], /--page-size must be a whole number from 1/],
    [["--latency-ms", "-5"], /--latency-ms/],
    [["--patch-status", "201"], /--patch-status must be 200 or 204, not "201"/],
    [["--seed", "/nonexistent/seed.yaml"], /--seed: .*ENOENT/],
    [["--bogus"], /Unknown option '--bogus'/],
  ])("refuses %j with a usage error", async (args, message) => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(process.execPath, [BIN, "emulator", ...args], {
          cwd: ROOT,
          env: childEnv(),
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });

  it("teaches with --help", async () => {
    const { command } = await import("../../src/cli/commands/emulator.ts");
    expect(command.help).toMatch(/^Usage: intune-gitops emulator/);
    expect(command.help).toMatch(/Examples:/);
    for (const flag of [
      "--port",
      "--seed",
      "--patch-status",
      "--page-size",
      "--latency-ms",
      "--faults",
    ]) {
      expect(command.help).toContain(flag);
    }
  });
});
