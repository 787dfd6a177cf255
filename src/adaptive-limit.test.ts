import { describe, expect, it } from "vitest";
import { AdaptiveLimit, forEachAdaptive } from "./adaptive-limit.ts";

describe("AdaptiveLimit", () => {
  it("lets `initial` run at once and queues the rest until a slot is released", async () => {
    const limit = new AdaptiveLimit({ initial: 2 });
    await limit.acquire();
    await limit.acquire();
    let third = false;
    const waiting = limit.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    limit.release();
    await waiting;
    expect(third).toBe(true);
    expect(limit.inFlight).toBe(2);
  });

  it("halves once per episode of throttling, and grows back by about one per round", () => {
    const limit = new AdaptiveLimit({ initial: 32 });
    limit.throttled();
    expect(limit.limit).toBe(16);
    // Answers to requests sent before the halving do not halve it again...
    limit.throttled();
    expect(limit.limit).toBe(16);
    // ...but a new episode does, down to `min`.
    for (let halving = 0; halving < 10; halving++) {
      limit.succeeded();
      limit.throttled();
    }
    expect(limit.limit).toBe(1);
    // One round of successes (as many as the limit) adds about one, up to `initial`.
    limit.succeeded();
    expect(limit.limit).toBe(2);
    for (let success = 0; success < 10_000; success++) limit.succeeded();
    expect(limit.limit).toBe(32);
  });

  it("refuses limits that cannot hold", () => {
    expect(() => new AdaptiveLimit({ initial: 0 })).toThrow(RangeError);
    expect(() => new AdaptiveLimit({ initial: 4, max: 2 })).toThrow(RangeError);
  });
});

describe("forEachAdaptive", () => {
  it("runs every item in order with at most the limit in flight, and rethrows the first error", async () => {
    const limit = new AdaptiveLimit({ initial: 3 });
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const run = forEachAdaptive(
      Array.from({ length: 10 }, (_, index) => index),
      () => [limit],
      async (item) => {
        started.push(item);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        if (item === 4) throw new Error("four");
      },
    );
    await expect(run).rejects.toThrow("four");
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(limit.inFlight).toBe(0);
  });
});
