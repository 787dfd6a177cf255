import { describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";

/** `plan --shard I/N` as the nightly drift matrix runs it, against the emulator. */
describe("plan --shard (CLI against the emulator)", () => {
  const emulator = useEmulator();
  const plan = (args: string[]) =>
    runCli(["plan", "--config", EXAMPLES, ...args], { env: emulatorEnv(emulator()) });

  it("succeeds with one line on a shard that holds no tenant", async () => {
    // Two tenants over four shards: contoso is dealt to 1, fabrikam to 2, 3 and 4 are empty.
    const run = await plan(["--shard", "3/4", "--detailed-exitcode"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "Shard 3/4 holds no tenant (2 tenants dealt over 4 shards): nothing to plan.\n",
    );
    expect(run.stderr).toBe("");
    expect(emulator().requests).toHaveLength(0);
  });

  it("writes an empty plan in --format json on an empty shard, the line going to stderr", async () => {
    const run = await plan(["--shard", "4/4", "--format", "json"]);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { tenants: string[]; changes: unknown[] };
    expect(document.tenants).toEqual([]);
    expect(document.changes).toEqual([]);
    expect(run.stderr).toContain("Shard 4/4 holds no tenant");
  });

  it("plans each tenant in exactly one shard", async () => {
    const first = await plan(["--shard", "1/4", "--detailed-exitcode"]);
    const second = await plan(["--shard", "2/4", "--detailed-exitcode"]);
    expect(first.code).toBe(2); // contoso drifted in the seed
    expect(first.stdout).toMatch(/tenant contoso/);
    expect(first.stdout).not.toMatch(/fabrikam/);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("No changes.");
  });
});
