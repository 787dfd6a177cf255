import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";

/**
 * A plan file saved in format 1 (camelCase keys inside, before the saved plan moved to
 * snake_case like every other JSON the tool writes): a real one, saved by `plan --out` with
 * config-examples against the emulator. It is refused, never read as if its keys meant something.
 */
const FORMAT_1 = fileURLToPath(new URL("../fixtures/saved-plans/format-1.json", import.meta.url));

describe("a saved plan of the old format (CLI against the emulator)", () => {
  const emulator = useEmulator();
  const cli = (args: string[]) => runCli(args, { env: emulatorEnv(emulator()), timeoutMs: 60_000 });

  it("apply refuses it: what it is, why it is refused, and to run plan again; nothing is sent", async () => {
    const run = await cli(["apply", FORMAT_1, "--config", EXAMPLES]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "plan file format 1 (written by an older intune-gitops, with camelCase keys) is not one intune-gitops",
    );
    expect(run.stderr).toContain(
      "reads format 2 (snake_case keys) and refuses an older file rather than misread it: run 'intune-gitops plan --out FILE' again with this version, review the new plan and apply that. Nothing was written.",
    );
    expect(emulator().requests.filter((request) => request.kind === "graph")).toHaveLength(0);
  });

  it("show refuses it the same way", async () => {
    const run = await cli(["show", FORMAT_1]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("plan file format 1 (written by an older intune-gitops");
    expect(run.stdout).toBe("");
  });
});
