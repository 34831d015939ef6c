/**
 * Retry decisions: whether a failed attempt is tried again and after how long. The orchestrator
 * runs the attempts; this class owns the rules, so each rule is stated once:
 * attempts left → the call is idempotent (when `idempotentOnly`) → the error is retryable → a
 * `retryAfterMs` hint fits within `maxIntervalMs` → adaptive throttling lets it through → the retry
 * budget has room. The delay is the jittered backoff, raised to the hint when there is one.
 *
 * Source: seed 001 "Resilience" (RetryExecutor, AdaptiveRetry, RetryBudget).
 * @module
 */
import { AdaptiveThrottle } from "./adaptive-throttle.ts";
import { backoffDelayMs } from "./backoff.ts";
import { retryAfterMsOf } from "./error-classes.ts";
import type { RetryBudgetPolicy, RetryPolicy } from "./policy.ts";
import { RetryBudget } from "./retry-budget.ts";
import type { NowMs } from "./time-source.ts";

/** What a {@link Retry} needs besides its policy. */
export interface RetryOptions {
  readonly now: NowMs;
  /** Returns a number in [0, 1); drives jitter and adaptive throttling. */
  readonly random: () => number;
  /** Whether an error may succeed on a second try (default rules: `isRetryableError`). */
  readonly isRetryable: (error: unknown) => boolean;
  /** Whether an error counts against the dependency (default rules: `isDependencyFailure`). */
  readonly isFailure: (error: unknown) => boolean;
}

/** The retry rules of one policy, with its shared budget and throttle state. */
export class Retry {
  readonly policy: RetryPolicy;
  readonly #options: RetryOptions;
  readonly #budget: RetryBudget | undefined;
  readonly #throttle: AdaptiveThrottle | undefined;

  constructor(policy: RetryPolicy, budget: RetryBudgetPolicy | undefined, options: RetryOptions) {
    this.policy = policy;
    this.#options = options;
    this.#budget = budget === undefined ? undefined : new RetryBudget(budget);
    this.#throttle = policy.adaptive === undefined ? undefined : new AdaptiveThrottle(policy.adaptive);
  }

  /** Call before a call's first attempt: it earns the budget its share of retries. */
  beginCall(): void {
    this.#budget?.deposit(this.#options.now());
  }

  /** Call after an attempt succeeded. */
  attemptSucceeded(): void {
    this.#throttle?.record(this.#options.now(), true);
  }

  /**
   * Call after attempt number `attempt` (1 = the first) failed with `error`.
   * @returns the delay before the next attempt, ms (≥ 0), or -1 when the error must be rethrown.
   */
  delayAfter(attempt: number, error: unknown, idempotent: boolean): number {
    const { policy } = this;
    const { now, random, isRetryable, isFailure } = this.#options;
    const throttle = this.#throttle;
    if (throttle !== undefined) throttle.record(now(), !isFailure(error));
    if (attempt >= policy.maxAttempts) return -1;
    if (policy.idempotentOnly && !idempotent) return -1;
    if (!isRetryable(error)) return -1;
    let delay = backoffDelayMs(policy, attempt, random);
    const hint = retryAfterMsOf(error);
    if (hint !== undefined) {
      if (hint > policy.maxIntervalMs) return -1;
      if (hint > delay) delay = hint;
    }
    if (throttle !== undefined && !throttle.allowRetry(now(), random)) return -1;
    if (this.#budget !== undefined && !this.#budget.tryWithdraw(now())) return -1;
    return delay;
  }
}

/**
 * Resolves after `ms` (via the global `setTimeout`, so `mock.timers` controls it); rejects with
 * `signal.reason` as soon as `signal` aborts.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
