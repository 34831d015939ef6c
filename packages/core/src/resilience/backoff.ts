/**
 * Exponential backoff with jitter, and a seedable random source so tests can fix the jitter.
 *
 * Source: AWS Architecture Blog, "Exponential Backoff and Jitter" (full and equal jitter).
 * @module
 */
import type { RetryPolicy } from "./policy.ts";

/**
 * The delay before retry number `retry` (1 = the first retry), ms:
 * `d = min(maxIntervalMs, initialIntervalMs · multiplier^(retry − 1))`, then `full` jitter → U(0, d),
 * `equal` → d/2 + U(0, d/2), `none` → d.
 * @param random returns a number in [0, 1).
 */
export function backoffDelayMs(
  policy: Pick<RetryPolicy, "initialIntervalMs" | "maxIntervalMs" | "multiplier" | "jitter">,
  retry: number,
  random: () => number,
): number {
  const capped = Math.min(policy.maxIntervalMs, policy.initialIntervalMs * policy.multiplier ** (retry - 1));
  switch (policy.jitter) {
    case "full":
      return random() * capped;
    case "equal":
      return capped / 2 + (random() * capped) / 2;
    case "none":
      return capped;
  }
}

/**
 * A deterministic random source in [0, 1) (mulberry32): the same seed gives the same sequence.
 * For tests and reproducible simulations, not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
