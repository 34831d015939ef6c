/**
 * Delays between retries. Exponential backoff with a cap and jitter follows the AWS Architecture
 * Blog, "Exponential Backoff And Jitter" (2015); the seed's consumer `retry` block names the same
 * three strategies.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";

/** `exponential`: base·2^(n−1). `linear`: base·n. `fixed`: base. */
export type BackoffStrategy = "exponential" | "linear" | "fixed";

/** Every {@link BackoffStrategy}. */
export const BACKOFF_STRATEGIES: readonly BackoffStrategy[] = ["exponential", "linear", "fixed"];

/** Options for {@link backoffDelay}. */
export interface BackoffOptions {
  /** Base delay in milliseconds (≥ 0). */
  baseMs: number;
  /** Upper bound in milliseconds, applied before jitter (≥ 0). */
  maxMs: number;
  /**
   * Fraction 0..1 of the delay that is randomised: the result lies in [d·(1−jitter), d]. Default 0.
   * Jitter only shortens, so the cap holds.
   */
  jitter?: number;
  /** Random source in [0, 1); default `Math.random`. */
  random?: () => number;
}

function invalid(message: string): AllFrameError {
  return new AllFrameError("configuration", `backoff: ${message}`);
}

/**
 * The delay before retry number `attempt`, in whole milliseconds.
 *
 * @param attempt 1 for the first retry, 2 for the second, ...
 * @throws AllFrameError `configuration` for an unknown strategy, `attempt` < 1 or not an integer,
 *   negative `baseMs`/`maxMs`, or `jitter` outside 0..1.
 * @example backoffDelay("exponential", 3, { baseMs: 100, maxMs: 10_000 }) // 400
 */
export function backoffDelay(strategy: BackoffStrategy, attempt: number, opts: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw invalid(`attempt must be an integer ≥ 1, got ${attempt}`);
  if (!(opts.baseMs >= 0) || !(opts.maxMs >= 0)) throw invalid("baseMs and maxMs must be ≥ 0");
  const jitter = opts.jitter ?? 0;
  if (!(jitter >= 0 && jitter <= 1)) throw invalid(`jitter must be between 0 and 1, got ${jitter}`);
  let raw: number;
  switch (strategy) {
    case "exponential":
      raw = opts.baseMs * 2 ** (attempt - 1);
      break;
    case "linear":
      raw = opts.baseMs * attempt;
      break;
    case "fixed":
      raw = opts.baseMs;
      break;
    default:
      throw invalid(`unknown strategy "${String(strategy)}"; use ${BACKOFF_STRATEGIES.join(", ")}`);
  }
  const capped = Math.min(raw, opts.maxMs);
  if (jitter === 0) return Math.round(capped);
  const random = (opts.random ?? Math.random)();
  return Math.round(capped * (1 - jitter * random));
}
