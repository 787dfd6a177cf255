/**
 * A concurrency limit that adapts to the server (AIMD, as TCP's congestion window): it starts at
 * `initial`, halves when a request is throttled (429) or fails on the server's side (5xx), and
 * grows back by about one per round of completions while requests succeed, up to `max`.
 *
 * One halving per episode: the answers to requests sent before the last halving say nothing
 * about the new limit, so further throttling signals are ignored until as many requests as were
 * in flight then have completed.
 */
export interface AdaptiveLimitOptions {
  readonly initial: number;
  /** Never below this (default 1). */
  readonly min?: number;
  /** Never above this (default `initial`). */
  readonly max?: number;
}

export class AdaptiveLimit {
  #limit: number;
  readonly #min: number;
  readonly #max: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];
  /** Completions since the last halving, and how many were in flight then. */
  #completionsSinceHalving = 0;
  #inFlightAtHalving = 0;

  constructor(options: AdaptiveLimitOptions) {
    const min = options.min ?? 1;
    const max = options.max ?? options.initial;
    if (!(Number.isInteger(min) && min >= 1 && options.initial >= min && max >= options.initial))
      throw new RangeError(
        `need 1 <= min <= initial <= max, got ${min}, ${options.initial}, ${max}`,
      );
    this.#limit = options.initial;
    this.#min = min;
    this.#max = max;
  }

  /** Tasks that may run at once now. */
  get limit(): number {
    return Math.floor(this.#limit);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when a slot is free, and takes it; `release()` gives it back. */
  acquire(): Promise<void> {
    if (this.#inFlight < this.limit) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    this.#inFlight--;
    this.#wake();
  }

  /** A request was throttled or failed on the server's side. */
  throttled(): void {
    if (this.#completionsSinceHalving < this.#inFlightAtHalving) return;
    this.#limit = Math.max(this.#min, this.#limit / 2);
    this.#completionsSinceHalving = 0;
    this.#inFlightAtHalving = Math.max(1, this.#inFlight);
  }

  /** A request succeeded. */
  succeeded(): void {
    this.#completionsSinceHalving++;
    this.#limit = Math.min(this.#max, this.#limit + 1 / this.#limit);
    this.#wake();
  }

  #wake(): void {
    while (this.#waiting.length > 0 && this.#inFlight < this.limit) {
      this.#inFlight++;
      this.#waiting.shift()?.();
    }
  }
}

/**
 * Runs `task` for every item, starting them in the items' order, each once it holds a slot of
 * every limit `limitsOf` gives it (taken in that order; the slots are released when it settles).
 * Like `forEachLimited`: a rejection does not stop the others and the first is rethrown at the end.
 */
export async function forEachAdaptive<T>(
  items: readonly T[],
  limitsOf: (item: T) => readonly AdaptiveLimit[],
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const running: Promise<void>[] = [];
  const errors: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const limits = limitsOf(item);
    // One item acquires at a time, in order: no two items can each hold what the other waits for.
    for (const limit of limits) await limit.acquire();
    running.push(
      task(item, index)
        .catch((error: unknown) => {
          errors.push(error);
        })
        .finally(() => {
          for (const limit of limits) limit.release();
        }),
    );
  }
  await Promise.all(running);
  if (errors.length > 0) throw errors[0];
}
