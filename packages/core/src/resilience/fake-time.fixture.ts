/**
 * Fake time for the resilience tests: `mock.timers` drives `setTimeout` and `Date`, and the
 * policies read `Date.now()` through their injected time source, so timers and clock move together.
 * @module
 */
import { mock } from "node:test";
import type { NowMs } from "./time-source.ts";

/** Turns fake `setTimeout` and `Date` on, starting at `startMs`. Pair with `mock.timers.reset()`. */
export function useFakeTime(startMs = 0): void {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: startMs });
}

/** The fake clock, for `new ResilienceOrchestrator({ now: fakeNow })`. */
export const fakeNow: NowMs = () => Date.now();

/** Lets every pending promise chain run (setImmediate is not faked, and runs after the microtasks). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Settles, moves fake time forward by `ms` (firing due timers), and settles again. */
export async function advance(ms: number): Promise<void> {
  await settle();
  mock.timers.tick(ms);
  await settle();
}

/** Tracks a promise's outcome without awaiting it, so a test can assert it is still pending. */
export function track<T>(promise: Promise<T>): {
  readonly promise: Promise<T>;
  readonly state: () => "pending" | "fulfilled" | "rejected";
} {
  let state: "pending" | "fulfilled" | "rejected" = "pending";
  promise.then(
    () => {
      state = "fulfilled";
    },
    () => {
      state = "rejected";
    },
  );
  return { promise, state: () => state };
}
