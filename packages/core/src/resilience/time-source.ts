/**
 * The time the resilience policies read: plain milliseconds from a monotonic origin, so a breaker's
 * open period or a bucket's refill never jumps with the wall clock, and reading it allocates nothing
 * (a `Clock` returns a `Date`). Tests inject a fake (house style rule 5).
 * @module
 */
import type { Clock } from "../runtime/clock.ts";

/** Milliseconds since some fixed origin; never decreases. Only differences are meaningful. */
export type NowMs = () => number;

/** `performance.now()`: monotonic, sub-millisecond. The default time source. */
export const monotonicNow: NowMs = () => performance.now();

/**
 * Reads a {@link Clock} as milliseconds, so a `ManualClock` drives the policies in tests.
 * @example const clock = new ManualClock(); new ResilienceOrchestrator({ now: nowFromClock(clock) });
 */
export function nowFromClock(clock: Clock): NowMs {
  return () => clock.now().getTime();
}
