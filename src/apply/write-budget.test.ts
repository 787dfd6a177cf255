import { getEventListeners } from "node:events";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { abortableSleep, createWriteBudget } from "./write-budget.ts";

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The largest number of starts inside any half-open window [t, t + perMs). */
function maxInAnyWindow(starts: readonly number[], perMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j]! < sorted[i]! + perMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe("createWriteBudget", () => {
  it("lets the first N writes start at once and holds the next until the window slides", async () => {
    const budget = createWriteBudget({ writes: 3, perMs: 1_000 });
    const starts: number[] = [];
    const acquirers = Array.from({ length: 7 }, () =>
      budget.acquire().then(() => starts.push(Date.now() - 1_000_000)),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(starts).toEqual([0, 0, 0]);
    await vi.advanceTimersByTimeAsync(999);
    expect(starts).toEqual([0, 0, 0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toEqual([0, 0, 0, 1_000, 1_000, 1_000]);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(acquirers);
    expect(starts).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
  });

  it("never starts more than N writes in any window, whatever the arrival pattern", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 10, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 30 }),
        async (writes, perMs, arrivals) => {
          vi.setSystemTime(0);
          const budget = createWriteBudget({ writes, perMs });
          const starts: number[] = [];
          const done = arrivals.map(
            (arrival) =>
              new Promise<void>((resolve) => {
                setTimeout(() => {
                  void budget.acquire().then(() => {
                    starts.push(Date.now());
                    resolve();
                  });
                }, arrival);
              }),
          );
          await vi.runAllTimersAsync();
          await Promise.all(done);
          expect(starts).toHaveLength(arrivals.length);
          expect(maxInAnyWindow(starts, perMs)).toBeLessThanOrEqual(writes);
          // Nobody waits longer than needed: a write waits only when the window is full.
          const sortedArrivals = [...arrivals].sort((a, b) => a - b);
          starts.forEach((start, index) =>
            expect(start).toBeGreaterThanOrEqual(sortedArrivals[index]!),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("serves callers in the order they asked", async () => {
    const budget = createWriteBudget({ writes: 1, perMs: 100 });
    const order: number[] = [];
    const all = [0, 1, 2, 3].map((n) => budget.acquire().then(() => order.push(n)));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it("tells a caller how long it will wait", async () => {
    const budget = createWriteBudget({ writes: 1, perMs: 20_000 });
    const waits: number[] = [];
    await budget.acquire(undefined, (ms) => waits.push(ms));
    await vi.advanceTimersByTimeAsync(5_000);
    const second = budget.acquire(undefined, (ms) => waits.push(ms));
    await vi.runAllTimersAsync();
    await second;
    expect(waits).toEqual([15_000]);
  });

  it("rejects waiting and queued callers as soon as the signal aborts, and counts nothing for them", async () => {
    const budget = createWriteBudget({ writes: 1, perMs: 1_000 });
    const controller = new AbortController();
    await budget.acquire(controller.signal);
    const waiting = budget.acquire(controller.signal);
    const queued = budget.acquire(controller.signal);
    const waitingSettled = waiting.catch((error: unknown) => error);
    const queuedSettled = queued.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error("stop"));
    await vi.advanceTimersByTimeAsync(0);
    expect(await waitingSettled).toEqual(new Error("stop"));
    expect(await queuedSettled).toEqual(new Error("stop"));
    // The aborted callers took no slot: a new caller gets the next one when the window slides.
    let started = false;
    const next = budget.acquire().then(() => (started = true));
    await vi.advanceTimersByTimeAsync(899);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await next;
    expect(started).toBe(true);
    expect(Date.now() - 1_000_000).toBe(1_000);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const budget = createWriteBudget({ writes: 5, perMs: 1_000 });
    await expect(budget.acquire(AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
  });

  it("rejects at once a caller whose signal was aborted before it asked, even behind a queue", async () => {
    const budget = createWriteBudget({ writes: 1, perMs: 10_000 });
    await budget.acquire();
    const queued = budget.acquire();
    let rejectedAt: number | undefined;
    const late = budget
      .acquire(AbortSignal.abort(new Error("gone")))
      .catch(() => (rejectedAt = Date.now() - 1_000_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(rejectedAt).toBe(0);
    await vi.runAllTimersAsync();
    await Promise.all([queued, late]);
  });

  it("leaves no listener on the caller's signal once it has its slot or has failed", async () => {
    // A tenant's writes all wait on one signal: a listener left per write would pile up (and
    // Node warns of a leak past 10).
    const controller = new AbortController();
    const budget = createWriteBudget({ writes: 2, perMs: 1_000 });
    const all = Array.from({ length: 12 }, () => budget.acquire(controller.signal));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);

    const broken = createWriteBudget({
      writes: 1,
      perMs: 1_000,
      sleep: () => Promise.reject(new Error("the clock broke")),
    });
    await broken.acquire(controller.signal);
    await expect(broken.acquire(controller.signal)).rejects.toThrow("the clock broke");
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
  });

  it("refuses a budget that could never let a write through", () => {
    expect(() => createWriteBudget({ writes: 0, perMs: 1_000 })).toThrow(
      new RangeError("write budget: writes must be a positive integer, got 0"),
    );
    expect(() => createWriteBudget({ writes: 1.5, perMs: 1_000 })).toThrow(
      new RangeError("write budget: writes must be a positive integer, got 1.5"),
    );
    expect(() => createWriteBudget({ writes: 1, perMs: 0 })).toThrow(
      new RangeError("write budget: perMs must be positive, got 0"),
    );
    expect(() => createWriteBudget({ writes: 1, perMs: Number.NaN })).toThrow(RangeError);
  });
});

describe("abortableSleep", () => {
  it("resolves after the time and rejects early on abort", async () => {
    let done = false;
    const sleeping = abortableSleep(500).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(done).toBe(true);

    const controller = new AbortController();
    const aborted = abortableSleep(10_000, controller.signal);
    controller.abort(new Error("interrupted"));
    await expect(aborted).rejects.toThrow("interrupted");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once, without a timer, when the signal was aborted before", async () => {
    const sleeping = abortableSleep(1_000, AbortSignal.abort(new Error("gone")));
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleeping).rejects.toThrow("gone");
  });

  it("leaves no listener on the signal once it has slept", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(100, controller.signal);
    await vi.advanceTimersByTimeAsync(100);
    await sleeping;
    expect(getEventListeners(controller.signal, "abort")).toEqual([]);
  });
});
