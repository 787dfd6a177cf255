import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, EXAMPLES } from "../helpers/cli.ts";

/**
 * `validate` starts in about twice bare Node's time (issue 18), so it must not load Node modules
 * it has no use for: `node:fs/promises` brings Node's readline and REPL-history modules with it,
 * `node:crypto` OpenSSL's set-up (bench/RESULTS.md, changes 16 and 21). Node's own list of the
 * built-in modules it loaded, written as the CLI exits, says what a real run loaded. (From
 * source, Node's ES-module loader loads the internal half of fs/promises itself; the public
 * module is loaded only when our code imports it, as the built CLI would.)
 */
describe("the built-in modules validate loads", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "intune-gitops-startup-modules-"));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("are neither node:fs/promises nor node:crypto", () => {
    const listFile = join(root, "modules.json");
    const preload = join(root, "list-modules.cjs");
    writeFileSync(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(listFile)}, JSON.stringify(process.moduleLoadList)));\n`,
    );
    const run = spawnSync(
      process.execPath,
      ["--require", preload, CLI, "validate", "--config", EXAMPLES],
      { encoding: "utf8", env: { PATH: process.env.PATH, NO_COLOR: "1" } },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("Configuration valid:");
    const loaded: unknown = JSON.parse(readFileSync(listFile, "utf8"));
    expect(Array.isArray(loaded)).toBe(true);
    const builtIns = (loaded as string[]).filter((entry) => entry.startsWith("NativeModule "));
    expect(builtIns).toContain("NativeModule fs");
    expect(builtIns).not.toContain("NativeModule fs/promises");
    expect(builtIns).not.toContain("NativeModule crypto");
  });
});
