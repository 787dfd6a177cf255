import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * bin/intune-gitops.js loads the bundle's files itself (with its code cache, bench/RESULTS.md
 * change 15), so it owes what Node's `require` gives: a file that throws is not taken as loaded,
 * and a missing build is a message, not a stack trace. Here the real entry runs against small
 * hand-written bundles, so that each case is the only thing that can happen.
 */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the published entry's loader", () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "intune-gitops-entry-"));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** A package with the real entry and these files in dist/ (none: no dist/ at all). */
  function packageWith(name: string, dist: Record<string, string> | undefined): string {
    const dir = join(root, name);
    for (const part of ["bin", "package.json"]) {
      cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
    }
    if (dist !== undefined) {
      mkdirSync(join(dir, "dist"));
      for (const [file, text] of Object.entries(dist)) writeFileSync(join(dir, "dist", file), text);
    }
    return join(dir, "bin", "intune-gitops.js");
  }
  const run = (entry: string) =>
    spawnSync(process.execPath, [entry, "validate"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, NO_COLOR: "1", NODE_COMPILE_CACHE: join(root, "cache") },
    });

  it("runs a file that threw again when it is required again, as require does", () => {
    const entry = packageWith("throwing-chunk", {
      "bundle.cjs": `exports.main = async () => {
        const outcomes = [];
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            outcomes.push("exports " + JSON.stringify(require("./failing.cjs")));
          } catch (error) {
            outcomes.push("threw " + error.message);
          }
        }
        process.stdout.write(outcomes.join("\\n") + "\\n");
      };`,
      "failing.cjs": `globalThis.runs = (globalThis.runs ?? 0) + 1;
        throw new Error("run " + globalThis.runs);`,
    });
    const result = run(entry);
    expect(result.stderr).toBe("");
    // Not `exports {}` the second time: a half-run file handed out as if it had loaded.
    expect(result.stdout).toBe("threw run 1\nthrew run 2\n");
  });

  it("says how to build when dist/ is missing, in one line and with exit code 1", () => {
    const entry = packageWith("not-built", undefined);
    const result = run(entry);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^intune-gitops: the program is not built: .*dist.* is missing\. Run `npm run build` \(or `npm ci`\) in .*not-built\.\n$/,
    );
  });
});
