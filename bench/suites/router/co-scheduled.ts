/**
 * Co-scheduled A/B measurement of two servers: both pinned to one CPU, the load generator (this
 * process) pinned to another, and both loaded at the same time, window after window. The figure is
 * the median over windows of B ÷ A.
 *
 * Why: this VM's speed drifts within seconds (the same server measured 19,500-31,000 req/s in
 * consecutive 1.5 s windows), which is more than the effects the router suite measures. Measured one
 * after the other, even 30 alternating pairs of windows put the tracing ratio anywhere from 0.82 to
 * 0.96 between runs. Loaded together on one CPU, both servers see the same drift at the same instant,
 * so it cancels in their ratio: two identical servers gave medians of 1.01 and 1.02, most windows
 * within 3% of 1. With both saturated and sharing the CPU, requests per second of each one's own CPU
 * time is the inverse of its cost per request, which is what decides its throughput on a core of its
 * own; req/s is reported too (the kernel shares the CPU evenly, so the two agree within 1-3%).
 *
 * Two processes of one server can still differ by a few percent for their whole life (memory layout,
 * JIT choices): the windows of one process pair mostly stay within 3% of each other, while fresh
 * pairs of AllFrame and node:http measured medians of 0.95, 0.97 and 0.97. So a figure is taken over
 * several fresh process pairs ({@link measureFreshPairs}).
 *
 * Pinning uses `taskset` (Debian `util-linux`) and needs two CPUs available to this process.
 * @module
 */
import { execFileSync } from "node:child_process";
import { AllFrameError } from "../../../packages/core/src/errors/allframe-error.ts";
import { median } from "../../suite.ts";
import type { LoadResult } from "./load.ts";
import type { ServerProcess } from "./server-process.ts";

/**
 * Loads one server for one window of `seconds` and says what it did (autocannon for HTTP, h2load for
 * gRPC). Called for both servers of a pair at once; must reject when any request failed.
 */
export type WindowLoad = (server: ServerProcess, seconds: number) => Promise<LoadResult>;

/** How to load the pair. */
export interface CoScheduledOptions {
  readonly load: WindowLoad;
  /** Length of one window, in seconds. */
  readonly windowSeconds: number;
  /** Windows run first and not counted (JIT warm-up). */
  readonly warmupWindows: number;
  readonly windows: number;
}

/** One window: what each server did while both were loaded. */
export interface CoScheduledWindow {
  readonly a: LoadResult;
  readonly b: LoadResult;
}

function taskset(args: readonly string[]): string {
  try {
    return execFileSync("taskset", args, { encoding: "utf8" });
  } catch (error) {
    throw new AllFrameError(
      "unavailable",
      `taskset ${args.join(" ")} failed: co-scheduled measurement pins processes to CPUs with taskset (install Debian util-linux)`,
      { cause: error },
    );
  }
}

/** The CPUs `pid` may run on, as taskset lists them ("0,1" or "0-3"). */
function affinityOf(pid: number): string {
  const list = /affinity list:\s*(\S+)/.exec(taskset(["-c", "-p", String(pid)]))?.[1];
  if (list === undefined)
    throw new AllFrameError("unavailable", `taskset printed no affinity list for ${pid}`);
  return list;
}

/** Expands a taskset CPU list ("0,2-3") into CPU numbers. */
function cpusOf(list: string): number[] {
  return list.split(",").flatMap((part) => {
    const [from = 0, to = from] = part.split("-").map(Number);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/** Pins every thread of `pid` to `cpus`. */
function pin(pid: number, cpus: string): void {
  taskset(["-a", "-c", "-p", cpus, String(pid)]);
}

/**
 * Runs the pair's windows (see the module doc) and returns the counted ones, in order. This process
 * gets its CPUs back afterwards; the servers stay pinned.
 * @throws AllFrameError `unavailable` when fewer than two CPUs are available or taskset fails; what
 *   `opts.load` throws when a request fails under load.
 */
export async function measureCoScheduled(
  a: ServerProcess,
  b: ServerProcess,
  opts: CoScheduledOptions,
): Promise<CoScheduledWindow[]> {
  const own = affinityOf(process.pid);
  const [loadCpu, serverCpu] = cpusOf(own);
  if (loadCpu === undefined || serverCpu === undefined) {
    throw new AllFrameError(
      "unavailable",
      `co-scheduled measurement needs two CPUs; this process may use ${own}`,
    );
  }
  pin(process.pid, String(loadCpu));
  try {
    pin(a.pid, String(serverCpu));
    pin(b.pid, String(serverCpu));
    const windows: CoScheduledWindow[] = [];
    for (let i = 0; i < opts.warmupWindows + opts.windows; i++) {
      const [onA, onB] = await Promise.all([
        opts.load(a, opts.windowSeconds),
        opts.load(b, opts.windowSeconds),
      ]);
      if (i >= opts.warmupWindows) windows.push({ a: onA, b: onB });
    }
    return windows;
  } finally {
    pin(process.pid, own);
  }
}

/**
 * Runs {@link measureCoScheduled} on `processPairs` fresh pairs of processes, started by `startA` and
 * `startB` (in alternating order) and stopped after their windows, since two identical processes can
 * differ by several percent for their whole life.
 * @returns the counted windows of each process pair, in order.
 */
export async function measureFreshPairs(
  startA: () => Promise<ServerProcess>,
  startB: () => Promise<ServerProcess>,
  processPairs: number,
  opts: CoScheduledOptions,
): Promise<CoScheduledWindow[][]> {
  const byProcessPair: CoScheduledWindow[][] = [];
  for (let p = 0; p < processPairs; p++) {
    const servers: ServerProcess[] = [];
    try {
      for (const start of p % 2 === 0 ? [startA, startB] : [startB, startA]) servers.push(await start());
      const [a, b] = (p % 2 === 0 ? servers : [...servers].reverse()) as [ServerProcess, ServerProcess];
      byProcessPair.push(await measureCoScheduled(a, b, opts));
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }
  return byProcessPair;
}

/** The median over `windows` of B's `field` ÷ A's. */
export function coScheduledRatio(windows: readonly CoScheduledWindow[], field: keyof LoadResult): number {
  return median(windows.map(({ a, b }) => b[field] / a[field]));
}

/** B ÷ A per own CPU second, window by window, as `0.97 1.01 …`, for progress lines. */
export function describeWindows(windows: readonly CoScheduledWindow[]): string {
  return windows.map(({ a, b }) => (b.requestsPerCpuSecond / a.requestsPerCpuSecond).toFixed(2)).join(" ");
}
