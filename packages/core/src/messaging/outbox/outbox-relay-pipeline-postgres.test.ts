/**
 * Several batches in flight on real PostgreSQL: two relays, four batches each, against producers that
 * keep committing to the same keys. Every message goes out once, and each key in commit order.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import type { EventBus } from "../event-bus.ts";
import { silentLogger as logger } from "./outbox-relay.fixture.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { outboxEvent } from "./outbox-store.contract.ts";
import { PostgresOutboxStore } from "./postgres-outbox-store.ts";
import { RecordingBus } from "./recording-bus.fixture.ts";

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

const PRODUCERS = 4;
const KEYS_PER_PRODUCER = 4;
const TRANSACTIONS = 40;
const PER_TRANSACTION = 3;

describe("OutboxRelay with several batches in flight: PostgreSQL", { timeout: 60_000 }, () => {
  it("two relays × four batches publish every message once, each key in commit order", async () => {
    const store = new PostgresOutboxStore({ url: await server.createDatabase("pipeline") });
    const bus = new RecordingBus();
    // Acknowledges a millisecond later, as a broker on loopback would, so that batches overlap (the
    // outcome asserted below must hold however they interleave).
    const slow: EventBus = {
      kind: bus.kind,
      publish: async (event) => {
        await delay(1);
        await bus.publish(event);
      },
      subscribe: () => bus.subscribe(),
      close: () => bus.close(),
    };
    const relays = ["relay-a", "relay-b"].map(
      (workerId) =>
        new OutboxRelay({ store, bus: slow, logger, workerId, batchSize: 5, maxBatchesInFlight: 4 }),
    );
    for (const relay of relays) relay.start();
    // Each producer owns its keys, so a key's commit order is its producer's order.
    const committed = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: PRODUCERS }, async (_, p) => {
        for (let t = 0; t < TRANSACTIONS; t++) {
          const key = `k-${p * KEYS_PER_PRODUCER + (t % KEYS_PER_PRODUCER)}`;
          const ids = Array.from({ length: PER_TRANSACTION }, (_, i) => `p${p}-t${t}-${i}`);
          await store.transaction((tx) =>
            store.enqueue(
              tx,
              ids.map((id) => outboxEvent(id, key)),
            ),
          );
          committed.set(key, [...(committed.get(key) ?? []), ...ids]);
        }
      }),
    );
    const total = PRODUCERS * TRANSACTIONS * PER_TRANSACTION;
    for (let i = 0; bus.ids.length < total && i < 1500; i++) await delay(20);
    await Promise.all(relays.map((relay) => relay.stop()));
    assert.equal(bus.ids.length, total, "every committed message was published");
    assert.equal(new Set(bus.ids).size, total, "none twice");
    for (const [key, ids] of committed) {
      assert.deepEqual(
        bus.published.filter((e) => e.key === key).map((e) => e.id),
        ids,
        `${key} in commit order`,
      );
    }
    assert.equal(await store.backlog(), 0);
    await store.close();
  });
});
