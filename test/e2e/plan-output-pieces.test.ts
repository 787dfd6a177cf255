import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { emulatorEnv, runCli } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import { FLEET_APP, fleetConfig, fleetSeed } from "../helpers/fleet.ts";

/**
 * A large plan's JSON goes out in pieces: at 2,000 tenants the document is megabytes, and written
 * as one string it (with its copies: flattened, lower-cased for the secret filter, encoded for the
 * pipe) set the run's peak memory (bench/RESULTS.md, change 22). A hook in the CLI process
 * records the longest single write to stdout.
 */
const HOOK = `
const stdout = process.stdout;
const write = stdout.write.bind(stdout);
let longest = 0;
let writes = 0;
stdout.write = (chunk, ...rest) => {
  longest = Math.max(longest, chunk.length);
  writes++;
  return write(chunk, ...rest);
};
process.on("exit", () => process.stderr.write("stdout writes: " + writes + ", longest: " + longest + "\\n"));
`;

const count = 150;
const options = {
  count,
  drifted: new Set(Array.from({ length: count }, (_, i) => i)),
  broken: new Set<number>(),
};

describe("plan --format json at fleet scale (CLI against a 150-tenant emulator)", () => {
  let emulator: Emulator;
  let work: TempConfig;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, seed: fleetSeed(options) });
    work = tempConfig();
    for (const [file, text] of Object.entries(fleetConfig(options))) work.write(file, text);
    work.write("hook.mjs", HOOK);
  });

  afterAll(async () => {
    await emulator?.close();
    work?.cleanup();
  });

  it("writes the JSON in pieces of at most 64 KB, together the whole document", async () => {
    const run = await runCli(["plan", "--config", ".", "--format", "json", "--no-attribution"], {
      env: {
        ...emulatorEnv(emulator),
        FLEET_SECRET: FLEET_APP.secret,
        INTUNE_GITOPS_NOW: "2026-12-07T12:00:00Z",
        NODE_OPTIONS: `--import ${pathToFileURL(join(work.dir, "hook.mjs")).href}`,
      },
      cwd: work.dir,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.changes).toHaveLength(count);
    expect(run.stdout.length).toBeGreaterThan(128 * 1024);
    const [, writes, longest] = /stdout writes: (\d+), longest: (\d+)/.exec(run.stderr) ?? [];
    expect(Number(writes)).toBeGreaterThan(3);
    expect(Number(longest)).toBeLessThanOrEqual(64 * 1024);
  }, 150_000);
});
