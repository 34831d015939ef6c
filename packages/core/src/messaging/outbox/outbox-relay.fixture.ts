/**
 * The relay tests' set-up: an in-memory SQLite outbox on a manual clock, a recording bus, fake sleeps
 * and a relay over them; and a wait that lets queued callbacks run without timers.
 * @module
 */
import { FakeSleep } from "../../cqrs/fake-sleep.fixture.ts";
import { createLogger } from "../../observability/logger.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { OutboxRelay, type OutboxRelayOptions } from "./outbox-relay.ts";
import { outboxEvent } from "./outbox-store.contract.ts";
import { RecordingBus } from "./recording-bus.fixture.ts";
import { SqliteOutboxStore } from "./sqlite-outbox-store.ts";

/** A silent logger for relay tests. */
export const silentLogger = createLogger({ service: "test", level: "silent" });

/**
 * A relay (`relay-1`, batches of 10, 100 ms base backoff, no jitter, unless `overrides` say otherwise)
 * over a fresh store with `maxAttempts`; `enqueue` commits `[id, key?]` messages in one transaction.
 */
export function relaySetup(maxAttempts = 5, overrides: Partial<OutboxRelayOptions> = {}) {
  const clock = new ManualClock(Date.parse("2025-01-01T00:00:00Z"));
  const store = new SqliteOutboxStore({ path: ":memory:", clock, maxAttempts });
  const bus = new RecordingBus();
  const sleep = new FakeSleep();
  const relay = new OutboxRelay({
    store,
    bus,
    logger: silentLogger,
    sleep: sleep.sleep,
    workerId: "relay-1",
    batchSize: 10,
    baseDelayMs: 100,
    jitter: 0,
    ...overrides,
  });
  const enqueue = (...ids: [string, string?][]) =>
    store.transaction((tx) =>
      store.enqueue(
        tx,
        ids.map(([id, key]) => outboxEvent(id, key)),
      ),
    );
  return { clock, store, bus, sleep, relay, enqueue };
}

/** Lets queued callbacks run until `done()` holds (no timers involved). @throws Error after 10,000 turns. */
export async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (await done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition never held");
}
