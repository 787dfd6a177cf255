import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type EmulatorSeed } from "../../src/emulator/index.ts";
import { DEFAULT_CIRCUIT_BREAKER } from "../../src/apply/circuit-breaker.ts";
import { SEED, declare, graphRequestsSince, mark, pipeline } from "./pipeline.ts";

/**
 * A tenant whose every PATCH is answered 503 must not keep a run busy for minutes: after K
 * failed answers in a row (DEFAULT_CIRCUIT_BREAKER, 10) no further PATCH goes to it, and its
 * remaining writes are reported as not attempted. Against the emulator's fault rules.
 */
const OBJECTS = 30;
const id = (index: number) => `${String(index).padStart(8, "0")}-cccc-4ccc-8ccc-cccccccccccc`;
const seed: EmulatorSeed = {
  tenants: [
    {
      ...SEED.tenants[0]!,
      remoteAssistancePartners: Array.from({ length: OBJECTS }, (_, index) => ({
        id: id(index),
        displayName: `RA ${index}`,
        onboardingStatus: "notOnboarded",
      })),
      deviceManagementPartners: [],
    },
  ],
};
const declared = Array.from({ length: OBJECTS }, (_, index) =>
  declare("RemoteAssistancePartner", `ra-${index}`, `RA ${index}`, {
    onboardingStatus: "onboarded",
  }),
);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

describe("circuit breaker per tenant", () => {
  it("PATCH 503 forever: at most K PATCHes (plus those already on the wire), the rest reported as not attempted", async () => {
    const run = pipeline(emulator, { objects: declared });
    try {
      const planned = await run.plan();
      expect(planned.changes).toHaveLength(OBJECTS);
      emulator.setFaults([{ method: "PATCH", fault: { kind: "status", status: 503 } }]);
      const since = mark(emulator);
      const concurrency = 4;
      const { result, events } = await run.apply(planned, { concurrencyPerTenant: concurrency });
      const patches = graphRequestsSince(emulator, since).filter((e) => e.method === "PATCH");
      const k = DEFAULT_CIRCUIT_BREAKER.consecutiveFailures;
      // The K-th failure opens the circuit; up to concurrency - 1 other PATCHes may be on the
      // wire then, and are answered. Without the breaker: 30 objects × 6 attempts = 180.
      expect(patches.length).toBeGreaterThanOrEqual(k);
      expect(patches.length).toBeLessThanOrEqual(k + concurrency - 1);
      expect(events.filter((e) => e.type === "circuit-open")).toEqual([
        { type: "circuit-open", tenant: "contoso", failures: k },
      ]);
      // Every object either got a PATCH (and failed) or was never attempted, and says so.
      const patched = new Set(patches.map((entry) => entry.path.split("/").at(-1)));
      for (const object of result.results) {
        if (patched.has(object.liveId)) {
          // Failed with the status Graph answered, not as a write of unknown outcome.
          expect(object).toMatchObject({ status: "failed", error: { status: 503 } });
        } else {
          expect(object).toMatchObject({ status: "skipped", skipReason: "circuit-open" });
        }
      }
      expect(result.summary.skipped).toBeGreaterThanOrEqual(OBJECTS - patched.size);
      expect(result.summary.skipped).toBeGreaterThan(0);
    } finally {
      run.close();
    }
  });

  it("a tenant that recovers between failures keeps being written to (the count restarts)", async () => {
    const run = pipeline(emulator, { objects: declared.slice(0, 8) });
    try {
      const planned = await run.plan();
      // Every object's first attempt fails, its retry succeeds: 8 failures, never 2 in a row.
      emulator.setFaults(
        Array.from({ length: 8 }, () => ({
          method: "PATCH",
          times: 1,
          fault: { kind: "status", status: 503 } as const,
        })).map((rule, index) => ({ ...rule, path: `${id(index)}$` })),
      );
      const { result } = await run.apply(planned, {
        concurrencyPerTenant: 1,
        circuitBreaker: { consecutiveFailures: 2 },
      });
      expect(result.summary).toMatchObject({ changed: 8, failed: 0, skipped: 0 });
    } finally {
      run.close();
    }
  });
});
