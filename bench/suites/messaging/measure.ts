/**
 * Small measuring helpers for the `messaging` suite: percentiles, a silent-enough logger, deadlines.
 * @module
 */
import { createLogger, type Logger } from "../../../packages/core/src/observability/logger.ts";

/** The `p`-th percentile (0..100, nearest rank) of a non-empty list; 0 for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Warnings and errors of the code under test go to stderr, so stdout keeps only the JSON line. */
export function benchLogger(service: string): Logger {
  return createLogger({ service, level: "warn", destination: process.stderr });
}

/**
 * Resolves with `promise`, or rejects naming `what` after `ms`: a stuck workload ends the suite
 * with a message instead of hanging it.
 */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable inside one process. */
export const nowMs = (): number => performance.timeOrigin + performance.now();
