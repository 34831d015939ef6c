/**
 * Bounded timing loops for the `eventstore` suite: every workload stops at a count or a time budget,
 * whichever comes first, so the whole suite stays within minutes on a 2-core machine.
 * @module
 */

/** A workload's bounds: at most `count` operations, stopping early once `budgetMs` has passed. */
export interface Bounds {
  readonly count: number;
  readonly budgetMs: number;
}

/** What a throughput run measured. */
export interface Throughput {
  /** Items (events) per second. */
  readonly perSecond: number;
  readonly items: number;
  readonly ms: number;
}

/**
 * Runs `op(i)` sequentially for i = 0, 1, ... within `bounds`; `itemsOf` tells from each answer how
 * many items it handled (events appended or read). `op` hands back the store's own promise, so the
 * loop adds one await per operation and nothing else.
 */
export async function sequential<T>(
  bounds: Bounds,
  op: (i: number) => Promise<T>,
  itemsOf: (answer: T) => number,
): Promise<Throughput> {
  let items = 0;
  let i = 0;
  const start = performance.now();
  let now = start;
  while (i < bounds.count) {
    items += itemsOf(await op(i++));
    // Reading the clock costs more than a memory append, so look at it every 256 operations.
    if ((i & 255) === 0 || i === bounds.count) {
      now = performance.now();
      if (now - start >= bounds.budgetMs) break;
    }
  }
  now = performance.now();
  return { perSecond: (items * 1000) / (now - start), items, ms: now - start };
}

/**
 * Runs `writers` loops at once, each calling `op(writer, i)` until the shared bounds are spent.
 * `bounds.count` counts operations over all writers.
 */
export async function concurrent(
  writers: number,
  bounds: Bounds,
  op: (writer: number, i: number) => Promise<number>,
): Promise<Throughput> {
  let items = 0;
  let started = 0;
  const start = performance.now();
  const loop = async (writer: number): Promise<void> => {
    for (let i = 0; started < bounds.count && performance.now() - start < bounds.budgetMs; i++) {
      started++;
      // Not `items += await ...`: that reads `items` before the await and loses other writers' counts.
      const handled = await op(writer, i);
      items += handled;
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => loop(w)));
  const ms = performance.now() - start;
  return { perSecond: (items * 1000) / ms, items, ms };
}

/** What a latency run measured, in milliseconds. */
export interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
  readonly count: number;
}

/** Times each of up to `bounds.count` sequential calls of `op(i)`. */
export async function latencies(bounds: Bounds, op: (i: number) => Promise<unknown>): Promise<Latencies> {
  const times: number[] = [];
  const start = performance.now();
  while (times.length < bounds.count && performance.now() - start < bounds.budgetMs) {
    const t = performance.now();
    await op(times.length);
    times.push(performance.now() - t);
  }
  const ms = performance.now() - start;
  const sorted = times.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    perSecond: (sorted.length * 1000) / ms,
    count: sorted.length,
  };
}

/** The `q`-quantile (0..1) of an ascending list, nearest rank. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
