import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import type { FaultRule } from "../../src/emulator/faults.ts";
import type { GraphRequestEvent } from "../../src/graph/client.ts";
import type { ReadProgressEvent } from "../../src/operations/read-live.ts";
import { planTenants } from "../../src/operations/plan-operation.ts";
import { BENCH_APP, generateScenario } from "../../bench/scenario.ts";

/**
 * `plan` at fleet scale: how many tenants it reads at once, against the emulator over real
 * sockets, and how that backs off when Graph throttles.
 */
const scenario = generateScenario({
  tenants: 40,
  remoteAssistancePartners: 1,
  deviceManagementPartners: 1,
  driftFraction: 0.1,
  randomSeed: 3,
});

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function plan(faults: readonly FaultRule[]) {
  emulator = await startEmulator({ seed: scenario.seed, latencyMs: 40, faults });
  const url = emulator.url;
  let inFlight = 0;
  const inFlightAtStart: { at: number; inFlight: number }[] = [];
  let firstThrottledAt: number | undefined;
  const remaining = new Map<string, number>();
  const onReadProgress = (event: ReadProgressEvent) => {
    if (event.type === "tenant-start") {
      inFlight++;
      remaining.set(event.tenant, event.collections);
      inFlightAtStart.push({ at: performance.now(), inFlight });
      return;
    }
    const left = (remaining.get(event.tenant) ?? 1) - 1;
    remaining.set(event.tenant, left);
    if (left === 0) inFlight--;
  };
  const onRequest = (event: GraphRequestEvent) => {
    if (event.status === 429) firstThrottledAt ??= performance.now();
  };
  const run = await planTenants(scenario.desired, {
    tenants: scenario.tenants.map((tenant) => tenant.name),
    operation: "read",
    env: {
      [BENCH_APP.secretEnv]: BENCH_APP.secret,
      INTUNE_GITOPS_GRAPH_URL: url,
      AZURE_AUTHORITY_HOST: url,
    },
    configDir: ".",
    allowCustomEndpoint: false,
    ca: emulator.caPem,
    onReadProgress,
    onRequest,
  });
  return { plan: run.plan, inFlightAtStart, firstThrottledAt };
}

describe("planTenants' tenant concurrency", () => {
  it("reads 32 tenants at once from the start", async () => {
    const { plan: result, inFlightAtStart } = await plan([]);
    expect(result.problems).toEqual([]);
    expect(result.changes).toHaveLength(scenario.driftedCount);
    expect(Math.max(...inFlightAtStart.map((sample) => sample.inFlight))).toBe(32);
  }, 60_000);

  it("backs off when Graph throttles, and still reads every tenant", async () => {
    const {
      plan: result,
      inFlightAtStart,
      firstThrottledAt,
    } = await plan([
      {
        method: "GET",
        path: "^/beta/deviceManagement/",
        after: 8,
        times: 24,
        fault: { kind: "status", status: 429, retryAfter: "0" },
      },
    ]);
    expect(result.problems).toEqual([]);
    expect(result.changes).toHaveLength(scenario.driftedCount);
    expect(firstThrottledAt).toBeDefined();
    const afterThrottling = inFlightAtStart.filter((sample) => sample.at > firstThrottledAt!);
    expect(afterThrottling.length).toBeGreaterThan(0);
    // Halved from 32, then growing back by about one per round of successes: no tenant started
    // after the 429s with 32 in flight (without the back-off, 32 were).
    expect(Math.max(...afterThrottling.map((sample) => sample.inFlight))).toBeLessThan(32);
  }, 60_000);
});
