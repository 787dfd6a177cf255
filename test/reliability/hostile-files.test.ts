import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTlsMaterial } from "../../src/emulator/tls.ts";
import { CLI, EXAMPLES } from "../helpers/cli.ts";
import { fakeClient, startFakeGraph } from "./fake-graph.ts";

/**
 * Files that are not what a plan or a configuration file should be, given to the CLI as a
 * separate process: a FIFO nobody writes to, an endless device, a socket, a file far too large,
 * and a configuration folder holding links out of it, looping links, FIFOs and a folder tree
 * deeper than any path. Each is refused or skipped by its type or size before it is read, with a
 * message that names it; nothing hangs (a FIFO opened for reading blocks a thread that even
 * `process.exit` waits for) and nothing is buffered whole.
 */

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs the CLI. One that has not ended after 8 s gets SIGINT twice (which must end any run), and
 * SIGKILL at 12 s: a run that needed either is reported by `signal`/`code`, never a hung test.
 */
function run(args: readonly string[], cwd?: string): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    ...(cwd === undefined ? {} : { cwd }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const interrupt = setTimeout(() => {
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGINT"), 200);
  }, 8_000);
  const kill = setTimeout(() => child.kill("SIGKILL"), 12_000);
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(interrupt);
      clearTimeout(kill);
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started) });
    }),
  );
}

const STACK = /\n\s+at .+:\d+:\d+|internal error|This is a bug|Maximum call stack/;

let dir: string;
let socketServer: Server | undefined;
let socketPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "intune-gitops-hostile-files-"));
  execFileSync("mkfifo", [join(dir, "plan.fifo")]);
  // Sparse: 40 MB of size, no disk.
  writeFileSync(join(dir, "huge.json"), "");
  truncateSync(join(dir, "huge.json"), 40 * 1024 * 1024);
  socketPath = join(dir, "plan.sock");
  const server = createServer();
  socketServer = server;
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});
afterAll(async () => {
  await new Promise((resolve) => socketServer?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("a plan file that is not a regular file, or too large", () => {
  it.each([
    ["a FIFO nobody writes to", () => join(dir, "plan.fifo"), /is a FIFO/],
    ["an endless character device", () => "/dev/zero", /is a character device/],
    ["a socket", () => socketPath, /is a socket/],
    [
      "a 40 MB file",
      () => join(dir, "huge.json"),
      /is larger than 32\.0 MB \(40\.0 MB\); refusing to read it/,
    ],
  ])("apply refuses %s at once, by its type or size", async (_what, path, message) => {
    const result = await run(["apply", path(), "--config", EXAMPLES]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read the plan file .*: it /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Nothing was written");
    expect(result.stdout + result.stderr).not.toMatch(STACK);
    expect(result.stderr).not.toContain("Received SIGINT");
  });
});

describe("--config naming something that is not a folder or a regular file", () => {
  it.each([
    ["a FIFO nobody writes to", () => join(dir, "plan.fifo"), /is a FIFO/],
    ["an endless character device", () => "/dev/zero", /is a character device/],
  ])("validate refuses %s at once", async (_what, path, message) => {
    const result = await run(["validate", "--config", path()]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(message);
    expect(result.stdout + result.stderr).not.toMatch(STACK);
    expect(result.stderr).not.toContain("Received SIGINT");
  });
});

describe("a configuration folder with links, special files and deep folders", () => {
  let config: string;
  let outside: string;
  const configSocket = createServer();

  beforeAll(async () => {
    config = join(dir, "config");
    outside = join(dir, "outside");
    mkdirSync(join(config, ".real"), { recursive: true });
    mkdirSync(outside);
    copyFileSync(join(EXAMPLES, "tenants.yaml"), join(config, "tenants.yaml"));
    copyFileSync(join(EXAMPLES, "remote-assistance.yaml"), join(config, "remote-assistance.yaml"));
    // A link inside the folder is read as before.
    copyFileSync(
      join(EXAMPLES, "device-management.yaml"),
      join(config, ".real", "device-management.yaml"),
    );
    symlinkSync(join(".real", "device-management.yaml"), join(config, "device-management.yaml"));
    // What a link could otherwise make the tool read: if it were, its YAML error would show.
    writeFileSync(join(outside, "system.yaml"), "outside-marker: [unclosed\n");
    symlinkSync(join(outside, "system.yaml"), join(config, "outside.yaml"));
    symlinkSync(outside, join(config, "linked-folder"));
    symlinkSync("loop.yaml", join(config, "loop.yaml"));
    symlinkSync("nowhere.yaml", join(config, "dangling.yaml"));
    execFileSync("mkfifo", [join(config, "pipe.yaml")]);
    // A socket file exists while its server listens.
    await new Promise<void>((resolve) => configSocket.listen(join(config, "socket.yaml"), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => configSocket.close(resolve));
  });

  it("skips every entry that is not a regular file inside it, with one warning each, and reads the rest", async () => {
    const result = await run(["validate", "--config", config]);
    expect(result.signal).toBeNull();
    expect(result.stdout + result.stderr).not.toMatch(STACK);
    expect(result.stdout).not.toContain("outside-marker");
    const warnings = result.stdout.split("\n").filter((line) => line.startsWith("warning: "));
    for (const [entry, reason] of [
      [
        "outside.yaml",
        /a symbolic link to .*outside[/\\]system\.yaml, outside the configuration folder: not followed/,
      ],
      ["linked-folder", /a symbolic link to a folder: not followed/],
      ["loop.yaml", /a symbolic link that loops: skipped/],
      ["dangling.yaml", /a symbolic link to nothing \(ENOENT\): skipped/],
      ["pipe.yaml", /a FIFO \(named pipe\) with a YAML name: skipped/],
      ["socket.yaml", /a socket with a YAML name: skipped/],
    ] as const) {
      const about = warnings.filter((line) => line.includes(entry));
      expect(about, `${entry} in ${result.stdout}`).toHaveLength(1);
      expect(about[0]).toMatch(reason);
    }
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Configuration valid: 2 tenants, 4 objects/);
  });

  it("reads a link out of the folder with --follow-symlinks", async () => {
    const result = await run(["validate", "--config", config, "--follow-symlinks"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/outside\.yaml:\d+:\d+/);
    expect(result.stdout).not.toMatch(/outside\.yaml.*not followed/);
  });

  it("a folder tree deeper than any path: one error, no crash, no silent skip", async () => {
    const deep = join(dir, "deep");
    mkdirSync(deep);
    copyFileSync(join(EXAMPLES, "tenants.yaml"), join(deep, "tenants.yaml"));
    // Deeper than PATH_MAX allows a path to be (2,500 levels × 2 characters), built and removed
    // one level at a time by a child (a worker thread cannot change its directory).
    const levels = 2_500;
    execFileSync(process.execPath, [
      "-e",
      `const fs = require("node:fs"); process.chdir(${JSON.stringify(deep)});
       for (let i = 0; i < ${levels}; i++) { fs.mkdirSync("a"); process.chdir("a"); }
       fs.writeFileSync("bottom.yaml", "kind: [\\n");`,
    ]);
    try {
      const result = await run(["validate", "--config", deep]);
      expect(result.signal).toBeNull();
      expect(result.stdout + result.stderr).not.toMatch(STACK);
      const errors = result.stdout.split("\n").filter((line) => line.startsWith("error: "));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/folders nested more than 32 levels deep .* are not read/);
      expect(result.code).toBe(1);
    } finally {
      execFileSync(process.execPath, [
        "-e",
        `const fs = require("node:fs"); process.chdir(${JSON.stringify(deep)});
         let depth = 0; while (fs.existsSync("a")) { process.chdir("a"); depth++; }
         fs.rmSync("bottom.yaml", { force: true });
         for (; depth > 0; depth--) { process.chdir(".."); fs.rmdirSync("a"); }`,
      ]);
    }
  });
});

describe("a Graph page larger than any real one", () => {
  it("is refused at the default bound (16 MB) while it streams, never buffered whole", async () => {
    const tls = await createTlsMaterial();
    const fake = await startFakeGraph(tls, {});
    const client = fakeClient(fake, tls);
    // 40 MB of one JSON page, sent in 1 MB chunks as fast as the client reads them.
    const total = 40 * 1024 * 1024;
    let written = 0;
    let closed = false;
    fake.misbehave = (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.on("close", () => (closed = true));
      const chunk = Buffer.alloc(1024 * 1024, "a");
      response.write('{"value":[{"id":"x","displayName":"');
      const pump = (): void => {
        while (!closed && written < total) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        if (!closed) response.end('"}]}');
      };
      pump();
      return true;
    };
    try {
      await expect(
        client.listCollection({
          graphVersion: "beta",
          collectionPath: "/deviceManagement/remoteAssistancePartners",
          select: [],
        }),
      ).rejects.toThrow("the response is larger than 16 MB; refusing to read it");
      // The client hung up: the server learns it a moment later (generous, for a loaded machine).
      for (let waited = 0; !closed && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(closed).toBe(true);
      expect(written).toBeLessThan(total);
    } finally {
      client.close();
      await fake.close();
    }
  });
});

describe("a credential file that is not a regular file", () => {
  it("plan refuses a certificatePath that is a FIFO at once, for that tenant", async () => {
    const config = join(dir, "certificate-config");
    mkdirSync(config);
    writeFileSync(
      join(config, "tenants.yaml"),
      `apiVersion: intune-gitops/v1
kind: Tenant
metadata: { name: contoso }
spec:
  tenantId: 6babcaad-604b-40ac-a9d7-9fd97c0b779f
  auth:
    method: certificate
    clientId: 9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13
    certificatePath: ${join(dir, "plan.fifo")}
---
apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata: { name: teamviewer, tenants: contoso, match: { displayName: TeamViewer } }
spec: { onboardingStatus: onboarded }
`,
    );
    const result = await run(["plan", "--config", config]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(
      /cannot read the certificate file .*: it is a FIFO/,
    );
    expect(result.stdout + result.stderr).not.toMatch(STACK);
    expect(result.stderr).not.toContain("Received SIGINT");
  });
});
