/**
 * `eventstore`: AllFrame's event store against Emmett's on the same workloads, in the same run (issue
 * 3, "Performance"). Memory: one event per append, and reading a stream. SQLite file: 1,000-event
 * batches, durable (`synchronous = full`, the default) and crash-safe (`normal`), and durable
 * single-event appends (events/s, p99). PostgreSQL on loopback with fsync and
 * synchronous_commit on: 10 concurrent writers of 10-event batches, and single appends (p99). Ratios
 * are ours ÷ Emmett's for throughput and Emmett's ÷ ours for latency, so ≥ 1 always means we are ahead.
 * Each workload runs twice per store, alternating ours and Emmett's on fresh stores, and each side
 * keeps its best run (highest throughput; lowest p99 for the latency runs). A peer that cannot run
 * here (e.g. a native module that does not load) is reported on stderr and its figures left out.
 * The memory append and SQLite batches also run on their floors (`eventstore/floors.ts`: the least
 * work a store of the kind does, checks left out), in the same rounds as ours and Emmett's, reported
 * as `*_floor_events_per_s` and `*_vs_floor_ratio`, so the absolute figures can be read against what
 * this machine allows.
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres } from "../../packages/core/src/testing/postgres-server.ts";
import { type BenchSuite, round2, say } from "../suite.ts";
import { memoryFloor, sqliteFloor } from "./eventstore/floors.ts";
import type { Latencies, Throughput } from "./eventstore/measure.ts";
import {
  type BenchAppender,
  emmettInMemory,
  emmettPostgres,
  emmettSqlite,
  oursInMemory,
  oursPostgres,
  oursSqlite,
  type Synchronous,
} from "./eventstore/stores.ts";
import {
  appendBatches,
  appendConcurrently,
  appendOneByOne,
  appendTimed,
  readWhole,
} from "./eventstore/workloads.ts";

type Figures = Record<string, number>;
type Units = Record<string, string>;
type Out = { figures: Figures; units: Units };

/** Rounds per workload: ours and Emmett's alternate, each on a fresh store, and each keeps its best. */
const ROUNDS = 2;

/** Opens a store, runs `work` on it, closes it. */
async function using<S extends BenchAppender, T>(
  open: () => S | Promise<S>,
  work: (s: S) => Promise<T>,
): Promise<T> {
  const store = await open();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Runs `ours`, `theirs` (Emmett's) and, when given, `floor` (see `floors.ts`) in turn, `ROUNDS`
 * times, and keeps each one's best by `better`: on a shared 2-core machine a single run measures the
 * neighbours as much as the store. Emmett's side is left out (undefined) when its store cannot run
 * here; the reason goes to stderr.
 */
async function duel<T>(
  ours: () => Promise<T>,
  theirs: () => Promise<T>,
  better: (a: T, b: T) => boolean,
  floor?: () => Promise<T>,
): Promise<{ ours: T; theirs: T | undefined; floor: T | undefined }> {
  let best: T | undefined;
  let theirBest: T | undefined;
  let floorBest: T | undefined;
  let peerRuns = true;
  for (let round = 0; round < ROUNDS; round++) {
    const mine = await ours();
    if (best === undefined || better(mine, best)) best = mine;
    if (peerRuns) {
      try {
        const their = await theirs();
        if (theirBest === undefined || better(their, theirBest)) theirBest = their;
      } catch (error) {
        peerRuns = false;
        say(
          `  Emmett unavailable: ${error instanceof Error ? error.message : String(error)}; its figures are left out`,
        );
      }
    }
    if (floor === undefined) continue;
    const least = await floor();
    if (floorBest === undefined || better(least, floorBest)) floorBest = least;
  }
  return { ours: best as T, theirs: theirBest, floor: floorBest };
}

const faster = (a: Throughput, b: Throughput): boolean => a.perSecond > b.perSecond;
const steadier = (a: Latencies, b: Latencies): boolean => a.p99 < b.p99;

/** Records our figure, Emmett's (when it ran) and their ratio; `higherIsBetter` picks the ratio's direction. */
/**
 * Records a floor of `name` (a `*_events_per_s` figure) and ours ÷ floor: how close the store comes
 * to the least work its kind does on this machine.
 */
function recordFloor(out: Out, name: string, ours: number, floor: number): void {
  const base = name.replace(/_events_per_s$/, "");
  out.figures[`${base}_floor_events_per_s`] = round2(floor);
  out.units[`${base}_floor_events_per_s`] = "events/s";
  out.figures[`${base}_vs_floor_ratio`] = round2(ours / floor);
  out.units[`${base}_vs_floor_ratio`] = "x (ours / floor)";
}

function record(
  out: Out,
  name: string,
  unit: string,
  ours: number,
  theirs: number | undefined,
  higherIsBetter: boolean,
): void {
  out.figures[name] = round2(ours);
  out.units[name] = unit;
  if (theirs === undefined || theirs <= 0 || ours <= 0) return;
  out.figures[`${name}_emmett`] = round2(theirs);
  out.units[`${name}_emmett`] = unit;
  const ratio = `${name.replace(/_(events_per_s|ms)$/, "")}_ratio`;
  out.figures[ratio] = round2(higherIsBetter ? ours / theirs : theirs / ours);
  out.units[ratio] = higherIsBetter ? "x (ours / Emmett)" : "x (Emmett / ours)";
}

async function memory(out: Out): Promise<void> {
  say("memory");
  const bounds = { count: 1_000_000, budgetMs: 2500 };
  const readBounds = { count: 1000, budgetMs: 1500 };
  const append = await duel(
    () => using(oursInMemory, (s) => appendOneByOne(s, bounds, 50_000)),
    () => using(emmettInMemory, (s) => appendOneByOne(s, bounds, 50_000)),
    faster,
    () => using(memoryFloor, (s) => appendOneByOne(s, bounds, 50_000)),
  );
  const read = await duel(
    () => using(oursInMemory, (s) => readWhole(s, 100_000, readBounds)),
    () => using(emmettInMemory, (s) => readWhole(s, 100_000, readBounds)),
    faster,
  );
  record(
    out,
    "memory_append_events_per_s",
    "events/s",
    append.ours.perSecond,
    append.theirs?.perSecond,
    true,
  );
  record(out, "memory_read_events_per_s", "events/s", read.ours.perSecond, read.theirs?.perSecond, true);
  if (append.floor !== undefined)
    recordFloor(out, "memory_append_events_per_s", append.ours.perSecond, append.floor.perSecond);
}

async function sqlite(out: Out): Promise<void> {
  say("sqlite (file; synchronous = full unless named)");
  const dir = await mkdtemp(join(tmpdir(), "allframe-bench-es-"));
  let files = 0;
  const file = (): string => join(dir, `${++files}.db`);
  try {
    const batches = { count: 300, budgetMs: 6000 };
    const singles = { count: 3000, budgetMs: 4000 };
    const batchesAt = (synchronous: Synchronous) =>
      duel(
        () =>
          using(
            () => oursSqlite(file(), synchronous),
            (s) => appendBatches(s, 1000, batches),
          ),
        () =>
          using(
            () => emmettSqlite(file(), synchronous),
            (s) => appendBatches(s, 1000, batches),
          ),
        faster,
        () =>
          using(
            () => sqliteFloor(file(), synchronous),
            (s) => appendBatches(s, 1000, batches),
          ),
      );
    const batch = await batchesAt("full");
    // The batch target does not ask for durability, as its single-append one does: also
    // measure the crash-safe setting, where a power loss may drop the last commits.
    const batchNormal = await batchesAt("normal");
    const single = await duel(
      () =>
        using(
          () => oursSqlite(file()),
          (s) => appendTimed(s, singles, 100),
        ),
      () =>
        using(
          () => emmettSqlite(file()),
          (s) => appendTimed(s, singles, 100),
        ),
      steadier,
    );
    const [ours, theirs] = [single.ours, single.theirs];
    record(
      out,
      "sqlite_batch_append_events_per_s",
      "events/s",
      batch.ours.perSecond,
      batch.theirs?.perSecond,
      true,
    );
    record(
      out,
      "sqlite_batch_append_normal_events_per_s",
      "events/s",
      batchNormal.ours.perSecond,
      batchNormal.theirs?.perSecond,
      true,
    );
    for (const [name, run] of [
      ["sqlite_batch_append_events_per_s", batch],
      ["sqlite_batch_append_normal_events_per_s", batchNormal],
    ] as const) {
      if (run.floor !== undefined) recordFloor(out, name, run.ours.perSecond, run.floor.perSecond);
    }
    record(out, "sqlite_single_append_events_per_s", "events/s", ours.perSecond, theirs?.perSecond, true);
    record(out, "sqlite_single_append_p99_ms", "ms", ours.p99, theirs?.p99, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function postgres(out: Out): Promise<void> {
  say("postgresql (loopback, fsync and synchronous_commit on)");
  const server = await startPostgres({ durable: true });
  try {
    const writes = { count: 6000, budgetMs: 6000 };
    const singles = { count: 3000, budgetMs: 5000 };
    const db = (who: string) => server.createDatabase(`bench_${who}`);
    const many = await duel(
      () =>
        using(
          async () => oursPostgres(await db("ours")),
          (s) => appendConcurrently(s, 10, 10, writes),
        ),
      () =>
        using(
          async () => emmettPostgres(await db("emmett")),
          (s) => appendConcurrently(s, 10, 10, writes),
        ),
      faster,
    );
    const single = await duel(
      () =>
        using(
          async () => oursPostgres(await db("ours")),
          (s) => appendTimed(s, singles, 200),
        ),
      () =>
        using(
          async () => emmettPostgres(await db("emmett")),
          (s) => appendTimed(s, singles, 200),
        ),
      steadier,
    );
    const [ours, theirs] = [single.ours, single.theirs];
    record(
      out,
      "postgres_concurrent_append_events_per_s",
      "events/s",
      many.ours.perSecond,
      many.theirs?.perSecond,
      true,
    );
    record(out, "postgres_single_append_p99_ms", "ms", ours.p99, theirs?.p99, false);
    record(out, "postgres_single_append_p50_ms", "ms", ours.p50, theirs?.p50, false);
  } finally {
    await server.stop();
  }
}

export const eventStoreSuite: BenchSuite = {
  async run() {
    const out: Out = { figures: {}, units: {} };
    const start = performance.now();
    const [load] = loadavg();
    say(
      `eventstore: ${availableParallelism()} cores, load average ${load?.toFixed(2)} (a busy machine lowers every figure)`,
    );
    await memory(out);
    await sqlite(out);
    await postgres(out);
    say(`eventstore: done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return out;
  },
};
