/**
 * The case wrapper the store contracts share (document, cache and idempotency stores): each case
 * gets a fresh store and closes it whatever the case does.
 * @module
 */
import { ManualClock } from "../runtime/clock.ts";

/**
 * Wraps a contract case `fn(store, clock)` as a test function: it opens a fresh store with `open`
 * on a new {@link ManualClock} at `startMs` (epoch ms; for stores whose expiry follows the clock),
 * runs the case, and closes the store afterwards, also when the case fails.
 * @example
 * const withStore = storeCases((clock) => new MemoryCacheStore({ clock }), Date.UTC(2026, 0, 1));
 * it("expires entries", withStore(async (store, clock) => { ... }));
 */
export function storeCases<S extends { close(): Promise<void> }>(
  open: (clock: ManualClock) => S | Promise<S>,
  startMs: number,
): (fn: (store: S, clock: ManualClock) => Promise<void>) => () => Promise<void> {
  return (fn) => async () => {
    const clock = new ManualClock(startMs);
    const store = await open(clock);
    try {
      await fn(store, clock);
    } finally {
      await store.close();
    }
  };
}
