/**
 * Issue 6's pair for the `router` suite: the generated-service runtime with tracing at a sampling
 * ratio against the same runtime with tracing off, on `GET /hello`.
 *
 * Two identical server processes of one configuration differ by up to ~13% in median throughput on
 * this 2-core VM (measured: four untraced runtimes, six 1.5 s windows each, medians 22,700-25,600
 * req/s), which is more than the effect measured here; with one process of each side, the figure
 * swung from 0.74 to 1.13 between runs. So the pair runs on `PROCESS_PAIRS` fresh pairs of
 * processes, each measured in `PAIRS_PER_PROCESS` back-to-back pairs of windows in alternating order,
 * and the figure is the median of all the pairs' ratios.
 * @module
 */
import { median } from "../../suite.ts";
import { type LoadResult, measure, startAllFrameServer } from "./load.ts";
import type { ServerProcess } from "./server-process.ts";

/** Fresh process pairs (one traced, one untraced). */
export const PROCESS_PAIRS = 4;
/** Alternating back-to-back measurements of each process pair. */
export const PAIRS_PER_PROCESS = 4;
const PAIR_SECONDS = 1.5;
const WARMUP_SECONDS = 1;

/** One back-to-back pair of measurements. */
export interface TracingPair {
  readonly untraced: LoadResult;
  readonly traced: LoadResult;
}

/**
 * Runs the pairs on `setup`'s server with tracing at `sampling` and off, `connections` connections.
 * @returns one list per process pair of its pairs, in the order measured.
 */
export async function measureTracingPairs(
  setup: URL,
  sampling: number,
  connections: number,
): Promise<TracingPair[][]> {
  const byProcessPair: TracingPair[][] = [];
  const load = { connections, durationSeconds: PAIR_SECONDS };
  for (let p = 0; p < PROCESS_PAIRS; p++) {
    const pairs: TracingPair[] = [];
    byProcessPair.push(pairs);
    const servers: ServerProcess[] = [];
    try {
      const untraced = await startAllFrameServer(setup, "off");
      servers.push(untraced);
      const traced = await startAllFrameServer(setup, sampling);
      servers.push(traced);
      for (const server of servers) {
        await measure(server, "/hello", { connections, durationSeconds: WARMUP_SECONDS });
      }
      for (let pair = 0; pair < PAIRS_PER_PROCESS; pair++) {
        const untracedFirst = (p + pair) % 2 === 0;
        const first = await measure(untracedFirst ? untraced : traced, "/hello", load);
        const second = await measure(untracedFirst ? traced : untraced, "/hello", load);
        pairs.push(untracedFirst ? { untraced: first, traced: second } : { untraced: second, traced: first });
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }
  return byProcessPair;
}

/** The median over `pairs` of traced ÷ untraced `field`. */
export function tracedRatio(pairs: readonly TracingPair[], field: keyof LoadResult): number {
  return median(pairs.map(({ untraced, traced }) => traced[field] / untraced[field]));
}
