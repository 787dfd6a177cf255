import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `npm run bench` on a tiny scenario, so that it cannot rot: it must run the CLI, the floor probe
 * and the peer model end to end, do the work right, and send exactly the minimum requests
 * (OpenID discovery aside: see bench/model.ts).
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
  let results: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "intune-gitops-bench-"));
    const out = join(directory, "bench.json");
    const markdown = join(directory, "RESULTS.md");
    await writeFile(markdown, "# Kept\n\nWritten by people.\n");
    run = await runBench([
      "--tenants",
      "1,3",
      "--scenarios",
      "plan-drifted,plan-in-sync,apply-drifted",
      "--latency-ms",
      "0",
      "--repeat",
      "1",
      "--peer-max-tenants",
      "3",
      "--peer-sample",
      "2",
      "--floor-probe-max",
      "2",
      "--validate-runs",
      "0",
      "--drift",
      "0.25",
      // The sources, so that the test does not depend on a build of dist/.
      "--cli",
      "sources",
      "--out",
      out,
      "--results",
      markdown,
    ]);
    report = JSON.parse(await readFile(out, "utf8"));
    results = await readFile(markdown, "utf8");
  }, 120_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("runs the CLI for every scenario at every tenant count and checks it did the work right", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(report.rows.map((row: any) => `${row.tenants} ${row.scenario}`)).toEqual([
      "1 plan-drifted",
      "1 plan-in-sync",
      "1 apply-drifted",
      "3 plan-drifted",
      "3 plan-in-sync",
      "3 apply-drifted",
    ]);
    for (const row of report.rows) {
      expect(row.problems, `${row.tenants} ${row.scenario}`).toEqual([]);
      // Measured as a process: its own CPU and peak RSS, reported by the process itself.
      expect(row.tool.cpuMs).toBeGreaterThan(0);
      expect(row.tool.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(row.floor.cpuMs).toBeGreaterThan(0);
    }
    expect(run.stdout).toContain("wall/floor");
    expect(run.stdout).toContain("targets:");
  });

  it("sends exactly the minimum: a token per tenant, a GET per collection, a PATCH per change, an audit read per drifted collection", () => {
    for (const row of report.rows) {
      const { token, get, patch, audit } = row.tool.requests;
      expect({ token, get, patch, audit }, `${row.tenants} ${row.scenario}`).toEqual({
        token: row.minimum.token,
        get: row.minimum.get,
        patch: row.minimum.patch,
        audit: row.minimum.audit,
      });
      // Drift attribution reads the audit log of drifted tenants only.
      if (row.scenario === "plan-in-sync") expect(audit).toBe(0);
      else expect(audit).toBeGreaterThan(0);
    }
    const apply = report.rows.find(
      (row: any) => row.tenants === 3 && row.scenario === "apply-drifted",
    );
    // 3 tenants × 4 objects, a quarter drifted.
    expect(apply.changes).toBe(3);
    expect(apply.tool.outcome.applied).toEqual({ changed: 3, notDone: 0 });
  });

  it("runs the peer model: a process per tenant, discovery, token and a GET per collection", () => {
    const one = report.rows.find(
      (row: any) => row.tenants === 1 && row.scenario === "plan-drifted",
    );
    expect(one.peer).toMatchObject({ runs: 1, scale: 1, failedRuns: 0 });
    expect(one.peer.requests).toMatchObject({
      token: 1,
      discovery: 1,
      get: 2,
      patch: 0,
      failed: 0,
    });
    // 3 tenants, a sample of 2 scaled by 1.5.
    const three = report.rows.find(
      (row: any) => row.tenants === 3 && row.scenario === "plan-drifted",
    );
    expect(three.peer).toMatchObject({ runs: 2, scale: 1.5, failedRuns: 0 });
    expect(three.peer.requests).toMatchObject({ token: 3, discovery: 3, get: 6 });
    expect(three.peer.differing).toBe(three.peer.expectedDiffering);
  });

  it("runs the floor probe on a sample above --floor-probe-max and scales its CPU", () => {
    const one = report.rows.find((row: any) => row.tenants === 1);
    expect(one.floor).toMatchObject({ probedTenants: 1, probeScale: 1 });
    const three = report.rows.find((row: any) => row.tenants === 3);
    expect(three.floor).toMatchObject({ probedTenants: 2, probeScale: 1.5 });
    // The samples are stated next to the figures they scale.
    expect(run.stdout).toMatch(/, 2 x1\.5\)/);
    expect(results).toContain("the floor probe read 2 evenly spaced tenants");
    expect(results).toContain("it ran on 2 evenly spaced tenants");
  });

  it("rewrites only the generated section of the results file", () => {
    expect(results.startsWith("# Kept\n\nWritten by people.\n")).toBe(true);
    expect(results).toContain("<!-- generated by `npm run bench`: begin");
    // Formatted by prettier, so the table's columns are padded.
    expect(results).toMatch(/\| target +\| this run +\| met\? +\|/);
    expect(results).toContain("plan-drifted");
  });

  it("refuses a bad option with the usage", async () => {
    const bad = await runBench(["--tenants", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tenants must be an integer of at least 1");
    expect(bad.stderr).toContain("Usage: npm run bench");
  });
});
