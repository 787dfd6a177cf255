/**
 * Write budgets: at most `writes` PATCH requests may start in any window of `perMs` milliseconds
 * (a sliding window over the start times of the last `writes` requests).
 *
 * Intune allows 100 writes per 20 s per app per tenant for these objects and answers 429 beyond
 * that; the default budget (80 per 20 s) stays under the limit even when the server does not
 * throttle, leaving room for other tools using the same app.
 *
 * Every PATCH sent takes a slot, retries and redirect hops included: Graph counts requests, not
 * our logical writes, and a client that retries a throttled write at once would otherwise send
 * hundreds of PATCHes a window. A budget may also be bound by windows it shares with other
 * budgets (`alsoWithin`): one per app across all its tenants, since Graph also throttles an app
 * globally.
 */
export interface WriteBudgetOptions {
  readonly writes: number;
  readonly perMs: number;
  /** Windows shared with other budgets (e.g. the app's, across tenants): a slot needs room in each. */
  readonly alsoWithin?: readonly WriteWindow[];
  /** Injectable clock for tests (default `Date.now`). */
  readonly now?: () => number;
  /** Injectable sleep for tests (default: `setTimeout`, rejected early when the signal aborts). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A sliding window of request start times: `writes` per `perMs`. Shareable between budgets. */
export interface WriteWindow {
  readonly writes: number;
  readonly perMs: number;
  /** Milliseconds until a start fits at `time` (0: now). */
  waitAt(time: number): number;
  /** Counts a start at `time` (call only when `waitAt(time)` is 0). */
  record(time: number): void;
}

export function createWriteWindow(options: { writes: number; perMs: number }): WriteWindow {
  const { writes, perMs } = options;
  if (!Number.isInteger(writes) || writes < 1) {
    throw new RangeError(`write budget: writes must be a positive integer, got ${writes}`);
  }
  if (!(perMs > 0)) throw new RangeError(`write budget: perMs must be positive, got ${perMs}`);
  /** Start times still inside the window, oldest first. */
  const starts: number[] = [];
  const forget = (time: number) => {
    while (starts.length > 0 && (starts[0] ?? time) <= time - perMs) starts.shift();
  };
  return {
    writes,
    perMs,
    waitAt(time) {
      forget(time);
      return starts.length < writes ? 0 : (starts[0] ?? time) + perMs - time;
    },
    record(time) {
      starts.push(time);
    },
  };
}

export interface WriteBudget {
  /**
   * Resolves when a write may start, and counts it. Callers are served in the order they asked.
   * Rejects with the signal's reason when the signal aborts first (nothing is counted then).
   * `onWait` is told how long the caller will wait, each time it has to, and which window holds
   * it (this budget's own, or one of `alsoWithin`).
   */
  acquire(signal?: AbortSignal, onWait?: OnWait): Promise<void>;
}

export type OnWait = (waitMs: number, holding: WriteWindow) => void;

/** The default budget: 80 PATCH requests per 20 s per tenant (Intune's limit is 100 per app and tenant). */
export const DEFAULT_WRITE_BUDGET = { writes: 80, perMs: 20_000 } as const;

/**
 * The default budget of one app across all its tenants: 2,000 PATCH requests per 20 s, 100 a
 * second. Intune's write limits are per tenant (100 per 20 s per app, 200 for all apps), and
 * each tenant has its own budget under them; across tenants Graph's only limit is its global one
 * per app, 130,000 requests per 10 s for all services (2,000 a second in older documentation).
 * This ceiling keeps one run's writes to 0.8 % of that (5 % of the older figure), so that other
 * tools sharing the app keep their room, without pacing a fleet-wide change: at 400 per 20 s, the
 * first default, a 2,000-tenant apply of 800 changes waited 20 s for the app's window with no
 * tenant near its own limit (bench/RESULTS.md, change 23).
 */
export const DEFAULT_APP_WRITE_BUDGET = { writes: 2_000, perMs: 20_000 } as const;

export function createWriteBudget(options: WriteBudgetOptions): WriteBudget {
  const own = createWriteWindow(options);
  const windows = [own, ...(options.alsoWithin ?? [])];
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  // Callers queue up so that a later caller never overtakes one that is already waiting.
  let queue: Promise<void> = Promise.resolve();

  async function takeSlot(signal?: AbortSignal, onWait?: OnWait) {
    for (;;) {
      signal?.throwIfAborted();
      const time = now();
      // Room in every window at the same instant, or the longest wait any of them asks for.
      let waitMs = 0;
      let holding = own;
      for (const window of windows) {
        const wait = window.waitAt(time);
        if (wait > waitMs) [waitMs, holding] = [wait, window];
      }
      if (waitMs <= 0) {
        for (const window of windows) window.record(time);
        return;
      }
      onWait?.(waitMs, holding);
      await sleep(waitMs, signal);
    }
  }

  return {
    acquire(signal, onWait) {
      const turn = queue.then(() => takeSlot(signal, onWait));
      queue = turn.catch(() => undefined);
      // A caller still queued behind others must not wait for their turn to learn it was aborted;
      // its turn, when it comes, takes nothing (`takeSlot` checks the signal first).
      return signal ? settleOnAbort(turn, signal) : turn;
    },
  };
}

function settleOnAbort(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: Error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** `setTimeout` as a promise that rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
