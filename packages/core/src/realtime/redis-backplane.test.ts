import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { createClient } from "redis";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";
import { closeAll, startHub, subscribed, type TestClient } from "./hub.fixture.ts";
import { RedisBackplane } from "./redis-backplane.ts";
import { WebSocketHub } from "./websocket-hub.ts";

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await closeAll();
  await redis.stop();
});

const T0 = Date.UTC(2025, 0, 1);
/** Heartbeat of the test hubs: the clock, not a real beat, decides when presence expires. */
const HOUR_MS = 3_600_000;
const byQuery = (req: { url?: string }) => ({
  userId: new URL(req.url ?? "", "http://x").searchParams.get("user") ?? "",
});

/** Two hubs of one service ("instances" a and b) sharing a Redis backplane, on one manual clock. */
async function twoInstances() {
  const clock = new ManualClock(T0);
  const prefix = `test:${randomUUID()}`;
  const instance = (id: string) =>
    startHub({
      clock,
      heartbeatIntervalMs: HOUR_MS,
      authorize: byQuery,
      backplane: new RedisBackplane({ url: redis.url, prefix, instanceId: id, clock }),
    });
  return { clock, prefix, a: await instance("a"), b: await instance("b") };
}

/** Polls `read` until it returns `expected` (deep-equal), for at most 5 s; the last value fails the test. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    try {
      return assert.deepEqual(value, expected);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const event = (payload: unknown) => ({ type: "event", event: "OrderStatusChanged", payload });

/** The next frame of each client, so a duplicate would show instead of the marker that follows. */
const nextOf = (...clients: TestClient[]) => Promise.all(clients.map((c) => c.next()));

describe("RedisBackplane", () => {
  test("an event published on one instance reaches the clients of both, once each", async () => {
    const { a, b } = await twoInstances();
    const onA = await subscribed(`${a.base}/ws?user=alice`, ["OrderStatusChanged"]);
    const onB = await subscribed(`${b.base}/ws?user=bob`, ["OrderStatusChanged"]);
    assert.equal(a.hub.publish("OrderStatusChanged", { n: 1 }), 1, "delivered locally once");
    assert.deepEqual(await nextOf(onA, onB), [event({ n: 1 }), event({ n: 1 })]);
    b.hub.publish("OrderStatusChanged", { n: 2 });
    assert.deepEqual(await nextOf(onA, onB), [event({ n: 2 }), event({ n: 2 })], "no second copy of n: 1");
  });

  test("an event naming a user reaches that user on whichever instance holds it", async () => {
    const { a, b } = await twoInstances();
    const alice = await subscribed(`${a.base}/ws?user=alice`, ["OrderStatusChanged"]);
    const bob = await subscribed(`${b.base}/ws?user=bob`, ["OrderStatusChanged"]);
    assert.equal(a.hub.publish("OrderStatusChanged", { to: "bob" }, { userId: "bob" }), 0);
    assert.deepEqual(await bob.next(), event({ to: "bob" }));
    a.hub.publish("OrderStatusChanged", { to: "everyone" });
    assert.deepEqual(await nextOf(alice, bob), [event({ to: "everyone" }), event({ to: "everyone" })]);
  });

  test("presence sums every live instance; an instance that misses its heartbeats drops out", async () => {
    const { a, b, clock, prefix } = await twoInstances();
    await subscribed(`${a.base}/ws?user=alice`, ["X"]);
    await subscribed(`${b.base}/ws?user=alice`, ["X"]);
    await subscribed(`${b.base}/ws?user=bob`, ["X"]);
    const users = async () => (await a.hub.presence()).map((p) => [p.userId, p.connections]);
    await eventually(users, [
      ["alice", 2],
      ["bob", 1],
    ]);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const ttl = await raw.pTTL(`${prefix}:presence:b`);
      assert.ok(ttl > 0 && ttl <= 3 * HOUR_MS, `b's presence expires in Redis too (PTTL ${ttl})`);
      // Three heartbeats without a write from b: a takes b for dead.
      clock.advance(3 * HOUR_MS);
      assert.deepEqual(await users(), [["alice", 1]]);
      await b.hub.close();
      assert.equal(await raw.exists(`${prefix}:presence:b`), 0, "a closed instance withdraws its presence");
      assert.deepEqual(await raw.zRange(`${prefix}:instances`, 0, -1), ["a"]);
    } finally {
      await raw.close();
    }
  });

  test("attach fails as unavailable when Redis cannot be reached, without echoing the password", async () => {
    const backplane = new RedisBackplane({ url: "redis://u:hunter2@127.0.0.1:1", connectTimeoutMs: 500 });
    const hub = new WebSocketHub({ heartbeatIntervalMs: 1000, maxConnections: 1, backplane });
    await assert.rejects(
      hub.attach(createServer()),
      (e) =>
        hasErrorCode(e, "unavailable") &&
        /Redis backplane start failed/.test(e.message) &&
        !e.message.includes("hunter2"),
    );
    await hub.close();
  });
});
