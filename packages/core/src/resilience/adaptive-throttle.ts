/**
 * Adaptive retry: client-side throttling of retries. While the dependency accepts what it is sent,
 * retries pass; as its accept rate falls, retries are dropped with a rising probability, so a
 * struggling dependency is not hit by a retry storm. First attempts are never dropped here (the
 * circuit breaker decides those).
 *
 * Source: Google SRE book, "Handling Overload", client-side throttling:
 * `p = max(0, (requests − K·accepts) / (requests + 1))`. The AWS SDKs' "adaptive" retry mode reaches
 * the same end with a token bucket refilled by successes.
 * @module
 */
import type { AdaptiveRetryPolicy } from "./policy.ts";
import { WindowedCounter } from "./windowed-counter.ts";

/** One throttle, shared by every call of a policy. */
export class AdaptiveThrottle {
  readonly #k: number;
  readonly #requests: WindowedCounter;
  readonly #accepts: WindowedCounter;

  constructor(policy: AdaptiveRetryPolicy) {
    this.#k = policy.k;
    this.#requests = new WindowedCounter(policy.windowMs);
    this.#accepts = new WindowedCounter(policy.windowMs);
  }

  /** Records one attempt sent to the dependency; `accepted` = it did not fail as a dependency failure. */
  record(nowMs: number, accepted: boolean): void {
    this.#requests.add(nowMs);
    if (accepted) this.#accepts.add(nowMs);
  }

  /** The probability (0..1) that a retry is dropped now. */
  rejectionProbability(nowMs: number): number {
    const requests = this.#requests.total(nowMs);
    return Math.max(0, (requests - this.#k * this.#accepts.total(nowMs)) / (requests + 1));
  }

  /** Decides one retry; `random` returns a number in [0, 1). */
  allowRetry(nowMs: number, random: () => number): boolean {
    return random() >= this.rejectionProbability(nowMs);
  }
}
