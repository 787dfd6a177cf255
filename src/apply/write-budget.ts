/**
 * A per-tenant write budget: at most `writes` writes may start in any window of `perMs`
 * milliseconds (a sliding window over the start times of the last `writes` writes).
 *
 * Intune allows 100 writes per 20 s per app per tenant for these objects and answers 429 beyond
 * that; the default budget (80 per 20 s) stays under the limit even when the server does not
 * throttle, leaving room for retries and for other tools using the same app.
 *
 * A logical write takes one token whatever the Graph client does underneath: its retries honour
 * Retry-After on their own and are not the budget's business.
 */
export interface WriteBudgetOptions {
  readonly writes: number;
  readonly perMs: number;
  /** Injectable clock for tests (default `Date.now`). */
  readonly now?: () => number;
  /** Injectable sleep for tests (default: `setTimeout`, rejected early when the signal aborts). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WriteBudget {
  /**
   * Resolves when a write may start, and counts it. Callers are served in the order they asked.
   * Rejects with the signal's reason when the signal aborts first (nothing is counted then).
   * `onWait` is told how long the caller will wait, each time it has to.
   */
  acquire(signal?: AbortSignal, onWait?: (waitMs: number) => void): Promise<void>;
}

/** The default budget: 80 writes per 20 s per tenant. */
export const DEFAULT_WRITE_BUDGET = { writes: 80, perMs: 20_000 } as const;

export function createWriteBudget(options: WriteBudgetOptions): WriteBudget {
  const { writes, perMs } = options;
  if (!Number.isInteger(writes) || writes < 1) {
    throw new RangeError(`write budget: writes must be a positive integer, got ${writes}`);
  }
  if (!(perMs > 0)) throw new RangeError(`write budget: perMs must be positive, got ${perMs}`);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  /** Start times of the writes still inside the window, oldest first. */
  const starts: number[] = [];
  // Callers queue up so that a later caller never overtakes one that is already waiting.
  let queue: Promise<void> = Promise.resolve();

  async function takeSlot(signal?: AbortSignal, onWait?: (waitMs: number) => void) {
    for (;;) {
      signal?.throwIfAborted();
      const time = now();
      while (starts.length > 0 && starts[0]! <= time - perMs) starts.shift();
      if (starts.length < writes) {
        starts.push(time);
        return;
      }
      const waitMs = starts[0]! + perMs - time;
      onWait?.(waitMs);
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
