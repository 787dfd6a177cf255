import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `npm run bench` on a tiny scenario, so that it cannot rot: it must run end to end, do the work
 * right, and send exactly the minimum requests (OpenID discovery aside: see bench/model.ts).
 * Nothing here looks at a clock.
 */
const BENCH = fileURLToPath(new URL("../../bench/bench.ts", import.meta.url));

function runBench(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCH, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_PROXY: "127.0.0.1,localhost" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run bench (smoke)", () => {
  let directory: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let report: any;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "intune-gitops-bench-"));
    const out = join(directory, "bench.json");
    run = await runBench([
      "--tenants",
      "1,3",
      "--latency-ms",
      "0",
      "--validate-runs",
      "0",
      "--drift",
      "0.25",
      "--out",
      out,
    ]);
    report = JSON.parse(await readFile(out, "utf8"));
  }, 120_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("runs every scenario at every tenant count and does the work right", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(report.rows.map((row: any) => `${row.tenants} ${row.scenario}`)).toEqual([
      "1 plan-in-sync",
      "1 plan-drifted",
      "1 apply-drifted",
      "3 plan-in-sync",
      "3 plan-drifted",
      "3 apply-drifted",
    ]);
    for (const row of report.rows)
      expect(row.problems, `${row.tenants} ${row.scenario}`).toEqual([]);
    expect(run.stdout).toContain("wall/floor");
    expect(run.stdout).toContain("targets:");
  });

  it("sends exactly the minimum: a token per tenant, a GET per collection, a PATCH per change", () => {
    for (const row of report.rows) {
      const { token, get, patch } = row.tool.requests;
      expect({ token, get, patch }, `${row.tenants} ${row.scenario}`).toEqual({
        token: row.minimum.token,
        get: row.minimum.get,
        patch: row.minimum.patch,
      });
      expect(row.ratios.requestsPerMinimumWithoutDiscovery).toBe(1);
    }
    const apply = report.rows.find(
      (row: any) => row.tenants === 3 && row.scenario === "apply-drifted",
    );
    // 3 tenants × 4 objects, a quarter drifted.
    expect(apply.changes).toBe(3);
    expect(apply.tool.outcome.applied).toMatchObject({ changed: 3, failed: 0, notConverged: 0 });
  });

  it("runs the per-resource baseline: a GET per object, a PATCH per change, sequentially", () => {
    const apply = report.rows.find(
      (row: any) => row.tenants === 3 && row.scenario === "apply-drifted",
    );
    expect(apply.baseline.requests).toMatchObject({ token: 0, get: 12, patch: 3, failed: 0 });
    expect(apply.baseline.outcome).toEqual({ objects: 12, differing: 3, patched: 3 });
    const inSync = report.rows.find(
      (row: any) => row.tenants === 3 && row.scenario === "plan-in-sync",
    );
    expect(inSync.baselineFrom).toBe("plan-drifted");
  });

  it("refuses a bad option with the usage", async () => {
    const bad = await runBench(["--tenants", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tenants must be an integer of at least 1");
    expect(bad.stderr).toContain("Usage: npm run bench");
  });
});
