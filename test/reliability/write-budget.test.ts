import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { ADDRESS, IDS, SEED, graphRequestsSince, mark, pipeline } from "./pipeline.ts";

/**
 * The write budget counts every PATCH sent, retries included: Graph counts requests against its
 * 100 writes per 20 s per app and tenant, not our logical writes. With every PATCH answered
 * `429 Retry-After: 0`, a client that counted only logical writes sent all its retries at once.
 * Timed on the emulator's side, from its request log.
 */
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: SEED, pageSize: 1 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

/** The most entries whose arrival times fall inside any window of `windowMs`. */
function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0; first < sorted.length; first++) {
    let last = first;
    while (last < sorted.length && sorted[last]! < sorted[first]! + windowMs) last++;
    most = Math.max(most, last - first);
  }
  return most;
}

describe("the write budget counts every PATCH attempt", () => {
  it("every PATCH answered 429 Retry-After: 0: the retries of one write stay within the budget", async () => {
    // TEST_RETRY: 6 attempts per request.
    const run = pipeline(emulator);
    try {
      const planned = await run.plan();
      const onlyRaOne = {
        ...planned,
        changes: planned.changes.filter((change) => change.address === ADDRESS.raOne),
      };
      emulator.setFaults([
        {
          method: "PATCH",
          fault: { kind: "status", status: 429, retryAfter: "0" },
        },
      ]);
      const since = mark(emulator);
      const { result, events } = await run.apply(onlyRaOne, {
        writeBudget: { writes: 2, perMs: 600 },
      });
      const patches = graphRequestsSince(emulator, since).filter(
        (entry) => entry.method === "PATCH",
      );
      // All six attempts were made (the budget delays, it does not drop), all to RA one...
      expect(patches.map((entry) => entry.path)).toEqual(
        Array.from(
          { length: 6 },
          () => `/beta/deviceManagement/remoteAssistancePartners/${IDS.raOne}`,
        ),
      );
      expect(result.results[0]).toMatchObject({ status: "failed", error: { status: 429 } });
      // ...but never more than two in any 600 ms (timed where they arrived; 500 ms leaves room
      // for the network's jitter between the budget's clock and the server's).
      expect(
        mostInAnyWindow(
          patches.map((entry) => entry.receivedAtMs),
          500,
        ),
      ).toBeLessThanOrEqual(2);
      expect(events.filter((event) => event.type === "budget-wait").length).toBeGreaterThan(0);
    } finally {
      run.close();
    }
  });
});
