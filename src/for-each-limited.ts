/**
 * Runs `task` for every item with at most `concurrency` tasks in flight, starting them in the
 * items' order. Resolves when every task has settled; a task's rejection does not stop the others
 * (tasks report their own failures), and the first rejection is rethrown at the end.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  let next = 0;
  const errors: unknown[] = [];
  async function worker() {
    while (next < items.length) {
      const index = next++;
      try {
        await task(items[index]!, index);
      } catch (error) {
        errors.push(error);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
