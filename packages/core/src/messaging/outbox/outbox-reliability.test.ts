/**
 * Issue 4's outbox reliability tests on real PostgreSQL (and SQLite where it applies): a database
 * outage in the middle of the stream, and a poison message. (The rolled-back transaction case is in
 * the store contract; the relay crash in `outbox-relay-crash.test.ts`.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { createLogger } from "../../observability/logger.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { type PostgresServer, startPostgres } from "../../testing/postgres-server.ts";
import { OutboxRelay } from "./outbox-relay.ts";
import { outboxEvent } from "./outbox-store.contract.ts";
import type { OutboxStore } from "./outbox-store.ts";
import { PostgresOutboxStore } from "./postgres-outbox-store.ts";
import { RecordingBus } from "./recording-bus.fixture.ts";
import { SqliteOutboxStore } from "./sqlite-outbox-store.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

async function eventually(what: string, done: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

describe("outbox reliability: PostgreSQL", { timeout: 60_000 }, () => {
  test("PostgreSQL stopped for 3 s mid-stream, restarted → every committed message delivered", async () => {
    // Durable settings, as in production: the outage must not be the reason a commit goes missing.
    const outage = await startPostgres({ durable: true });
    let cleanup = async () => {};
    try {
      const store = new PostgresOutboxStore({ url: await outage.createDatabase("outage") });
      const bus = new RecordingBus();
      const relay = new OutboxRelay({
        store,
        bus,
        logger,
        batchSize: 20,
        pollIntervalMs: 20,
        baseDelayMs: 20,
        maxDelayMs: 250,
        leaseMs: 2000,
      });
      relay.start();
      const committed: string[] = [];
      const attempted: string[] = [];
      let producing = true;
      cleanup = async () => {
        producing = false;
        await relay.stop();
        await store.close();
      };
      const producer = (async () => {
        for (let i = 0; producing; i++) {
          const id = `m-${i}`;
          attempted.push(id);
          try {
            await store.transaction((tx) => store.enqueue(tx, [outboxEvent(id, `k-${i % 5}`)]));
            committed.push(id);
          } catch {
            // The database is down: this message was never committed (or its outcome is unknown).
          }
          await delay(5);
        }
      })();
      await eventually("the stream to flow", () => bus.ids.length >= 20);
      await outage.pause();
      const committedBefore = committed.length;
      await delay(3000);
      await outage.resume();
      await eventually("commits after the restart", () => committed.length >= committedBefore + 20);
      producing = false;
      await producer;
      await eventually("every committed message", () => committed.every((id) => bus.ids.includes(id))).catch(
        (error: unknown) => {
          const missing = committed.filter((id) => !bus.ids.includes(id));
          throw new Error(`${String(error)}; missing ${missing.join(", ")}`);
        },
      );
      assert.ok(
        bus.ids.every((id) => attempted.includes(id)),
        "nothing delivered that was never written",
      );
      const stats = await relay.stats();
      assert.ok(stats.storeErrors > 0, "the relay saw the outage and kept retrying");
      for (let k = 0; k < 5; k++) {
        const ofKey = bus.published.filter((e) => e.key === `k-${k}`).map((e) => Number(e.id.slice(2)));
        assert.deepEqual(
          ofKey,
          [...ofKey].sort((a, b) => a - b),
          `key k-${k} in order`,
        );
      }
    } finally {
      await cleanup();
      await outage.stop();
    }
  });
});

const engines: { name: string; open: (clock: ManualClock) => Promise<OutboxStore> }[] = [
  {
    name: "postgres",
    open: async (clock) =>
      new PostgresOutboxStore({ url: await server.createDatabase("poison"), clock, maxAttempts: 4 }),
  },
  {
    name: "sqlite",
    open: async (clock) => new SqliteOutboxStore({ path: ":memory:", clock, maxAttempts: 4 }),
  },
];

for (const engine of engines) {
  describe(`outbox reliability: ${engine.name}`, () => {
    test("a poison message → dead letters after maxAttempts; the rest keep flowing", async () => {
      const clock = new ManualClock(Date.parse("2025-01-01T00:00:00Z"));
      const store = await engine.open(clock);
      const bus = new RecordingBus();
      bus.poison.add("m-3");
      const relay = new OutboxRelay({ store, bus, logger, batchSize: 5, baseDelayMs: 100, jitter: 0 });
      const ids = Array.from({ length: 12 }, (_, i) => `m-${i}`);
      await store.transaction((tx) =>
        store.enqueue(
          tx,
          ids.map((id, i) => outboxEvent(id, `k-${i % 3}`)),
        ),
      );
      for (let cycle = 0; cycle < 40 && (await store.backlog()) > 0; cycle++) {
        await relay.runOnce();
        clock.advance(1000);
      }
      assert.deepEqual([...bus.ids].sort(), ids.filter((id) => id !== "m-3").sort());
      const dead = await store.deadLetters.list();
      assert.deepEqual(
        dead.map((d) => [d.event.id, d.attempts, d.error.message]),
        [["m-3", 4, "cannot publish m-3"]],
      );
      const stats = await relay.stats();
      assert.deepEqual([stats.failed, stats.deadLettered, stats.backlog], [4, 1, 0]);
      const keyZero = bus.published.filter((e) => e.key === "k-0").map((e) => e.id);
      assert.deepEqual(keyZero, ["m-0", "m-6", "m-9"], "m-3's key resumed in order after it was parked");
      await store.close();
    });
  });
}
