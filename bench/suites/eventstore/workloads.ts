/**
 * The `eventstore` suite's workloads, each run the same way on every store. Counts and time budgets
 * keep the whole suite within about three minutes on the 2-core machine.
 * @module
 */

import { say } from "../../suite.ts";
import {
  type Bounds,
  concurrent,
  type Latencies,
  latencies,
  sequential,
  type Throughput,
} from "./measure.ts";
import { type BenchAppender, type BenchEvent, type BenchStore, benchEvent } from "./stores.ts";

const one = (): number => 1;
const itself = (n: number): number => n;

/** `n` fresh events. */
function batch(n: number, from = 0): BenchEvent[] {
  return Array.from({ length: n }, (_, i) => benchEvent(from + i));
}

function report(store: BenchAppender, what: string, t: Throughput): Throughput {
  say(
    `  ${store.name}: ${what}: ${Math.round(t.perSecond)} events/s (${t.items} events in ${t.ms.toFixed(0)} ms)`,
  );
  return t;
}

function reportLatency(store: BenchAppender, what: string, l: Latencies): Latencies {
  say(
    `  ${store.name}: ${what}: ${Math.round(l.perSecond)} events/s, p50 ${l.p50.toFixed(3)} ms, ` +
      `p99 ${l.p99.toFixed(3)} ms (${l.count} appends)`,
  );
  return l;
}

/**
 * One event per call, round-robin over 100 streams (no version check); a warm-up of `warmup` calls
 * on other streams first, so the JIT has settled.
 */
export async function appendOneByOne(
  store: BenchAppender,
  bounds: Bounds,
  warmup: number,
): Promise<Throughput> {
  await sequential(
    { count: warmup, budgetMs: bounds.budgetMs },
    (i) => store.append(`warm-${i % 100}`, [benchEvent(i)]),
    one,
  );
  const t = await sequential(bounds, (i) => store.append(`order-${i % 100}`, [benchEvent(i)]), one);
  return report(store, "append 1 event per call", t);
}

/** Reads one stream of `size` events from start to end, again and again. */
export async function readWhole(store: BenchStore, size: number, bounds: Bounds): Promise<Throughput> {
  for (let n = 0; n < size; n += 1000) await store.append("read-me", batch(Math.min(1000, size - n), n));
  const read = () => store.read("read-me");
  await sequential({ count: 3, budgetMs: bounds.budgetMs }, read, itself);
  return report(store, `read a ${size}-event stream`, await sequential(bounds, read, itself));
}

/** Batches of `size` events, each into a new stream (expected: no stream). */
export async function appendBatches(store: BenchAppender, size: number, bounds: Bounds): Promise<Throughput> {
  await store.append("warm-batch", batch(size), 0);
  const t = await sequential(
    bounds,
    (i) => store.append(`import-${i}`, batch(size, i * size), 0),
    () => size,
  );
  return report(store, `append ${size}-event batches`, t);
}

/** One event per call into one stream, each append checking the expected version, timed one by one. */
export async function appendTimed(store: BenchAppender, bounds: Bounds, warmup: number): Promise<Latencies> {
  const run = ++runs;
  for (let i = 0; i < warmup; i++) await store.append(`timed-warm${run}`, [benchEvent(i)], i);
  const l = await latencies(bounds, (i) => store.append(`timed${run}`, [benchEvent(i)], i));
  return reportLatency(store, "single-event appends", l);
}

let runs = 0;

/**
 * `writers` concurrent writers, each appending batches of `size` events to its own stream with the
 * expected version it last saw.
 */
export async function appendConcurrently(
  store: BenchAppender,
  writers: number,
  size: number,
  bounds: Bounds,
): Promise<Throughput> {
  const known = new Array<number>(writers).fill(0);
  const op = async (w: number, i: number, prefix: string): Promise<number> => {
    await store.append(`${prefix}-${w}`, batch(size, i * size), known[w]);
    known[w] = (known[w] ?? 0) + size;
    return size;
  };
  const run = ++runs;
  await concurrent(writers, { count: writers * 20, budgetMs: bounds.budgetMs }, (w, i) =>
    op(w, i, `warm${run}`),
  );
  known.fill(0);
  const t = await concurrent(writers, bounds, (w, i) => op(w, i, `writer${run}`));
  return report(store, `${writers} writers x ${size}-event batches`, t);
}
