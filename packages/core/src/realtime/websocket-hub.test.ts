import assert from "node:assert/strict";
import { once } from "node:events";
import { after, describe, test } from "node:test";
import { WebSocket } from "ws";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock } from "../runtime/clock.ts";
import { closeAll, connect, refused, startHub as setup } from "./hub.fixture.ts";
import { WebSocketHub } from "./websocket-hub.ts";

after(closeAll);

describe("WebSocketHub", () => {
  test("welcomes, subscribes and fans out published events to matching subscribers", async () => {
    const { hub, base } = await setup();
    const orders = await connect(`${base}/ws`);
    const everything = await connect(`${base}/ws`);
    const idle = await connect(`${base}/ws`);
    assert.deepEqual(await orders.next(), { type: "welcome", connectionId: "conn-1" });
    await everything.next();
    await idle.next();
    orders.sendJson({ type: "subscribe", events: ["OrderStatusChanged", "OrderPlaced"] });
    assert.deepEqual(await orders.next(), {
      type: "subscribed",
      events: ["OrderStatusChanged", "OrderPlaced"],
    });
    orders.sendJson({ type: "unsubscribe", events: ["OrderPlaced"] });
    assert.deepEqual(await orders.next(), { type: "subscribed", events: ["OrderStatusChanged"] });
    everything.sendJson({ type: "subscribe", events: ["*"] });
    await everything.next();

    assert.equal(hub.publish("OrderStatusChanged", { orderId: "o-1", status: "shipped" }), 2);
    assert.equal(hub.publish("OrderPlaced", { orderId: "o-2" }), 1);
    const expected = {
      type: "event",
      event: "OrderStatusChanged",
      payload: { orderId: "o-1", status: "shipped" },
    };
    assert.deepEqual(await orders.next(), expected);
    assert.deepEqual(await everything.next(), expected);
    assert.deepEqual(await everything.next(), {
      type: "event",
      event: "OrderPlaced",
      payload: { orderId: "o-2" },
    });
    assert.throws(
      () => hub.publish("X", { n: 1n }),
      (e) => hasErrorCode(e, "validation"),
    );
    await hub.close();
  });

  test("answers bad frames with an error frame and keeps the connection", async () => {
    const { hub, base } = await setup();
    const client = await connect(`${base}/ws`);
    await client.next();
    client.ws.send("{nope");
    assert.deepEqual(await client.next(), { type: "error", message: "frame is not valid JSON" });
    client.sendJson({ type: "subscribe", events: [] });
    assert.match(((await client.next()) as { message: string }).message, /^invalid frame: events: /);
    client.sendJson({ type: "subscribe", events: Array.from({ length: 257 }, (_, i) => `E${i}`) });
    assert.match(((await client.next()) as { message: string }).message, /^invalid frame: events: Too big/);
    client.sendJson({ type: "dance" });
    assert.match(((await client.next()) as { message: string }).message, /^invalid frame: type: /);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.deepEqual(await client.next(), { type: "error", message: "frames must be JSON text, not binary" });
    assert.equal(hub.connectionCount, 1);
    await hub.close();
  });

  test("authorizes upgrades: 401 when refused, 500 when authorize throws, 404 off path; presence per user", async () => {
    const { hub, base } = await setup({
      authorize: (req) => {
        const token = new URL(req.url ?? "", "http://x").searchParams.get("token");
        if (token === "throw") throw new Error("auth backend down");
        return token ? { userId: token } : undefined;
      },
    });
    assert.equal((await refused(`${base}/ws`)).status, 401);
    assert.deepEqual(await refused(`${base}/ws?token=throw`), { status: 500, body: "Internal Server Error" });
    assert.equal((await refused(`${base}/elsewhere?token=alice`)).status, 404);
    const a1 = await connect(`${base}/ws?token=alice`);
    await connect(`${base}/ws?token=alice`);
    await connect(`${base}/ws?token=bob`);
    assert.deepEqual(await hub.presence(), [
      { userId: "alice", connections: 2, since: "2025-01-01T00:00:00.000Z" },
      { userId: "bob", connections: 1, since: "2025-01-01T00:00:00.000Z" },
    ]);
    a1.ws.close();
    await a1.closed;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      (await hub.presence()).map((p) => [p.userId, p.connections]),
      [
        ["alice", 1],
        ["bob", 1],
      ],
    );
    await hub.close();
  });

  test("over maxConnections, accepts then closes with 1013", async () => {
    const { hub, base } = await setup({ maxConnections: 1 });
    const first = await connect(`${base}/ws`);
    const second = await connect(`${base}/ws`);
    assert.deepEqual(await second.closed, { code: 1013, reason: "max connections reached" });
    assert.equal(hub.connectionCount, 1);
    assert.equal(first.ws.readyState, WebSocket.OPEN);
    await hub.close();
  });

  test("heartbeat terminates a client that stops answering pings and removes it from presence", async (t) => {
    // Beats run on mocked setInterval, so the test decides when each beat happens; all I/O is real.
    t.mock.timers.enable({ apis: ["setInterval"] });
    const { hub, base } = await setup({
      heartbeatIntervalMs: 30,
      authorize: (req) => ({ userId: String(req.url).slice(4) }),
    });
    const healthy = await connect(`${base}/ws?healthy`);
    const silent = await connect(`${base}/ws?silent`, { autoPong: false });
    await healthy.next();
    await silent.next();
    const pinged = (c: { ws: WebSocket }) => once(c.ws, "ping");
    /** Resolves once the server has read everything the healthy client sent before, its pong included. */
    const roundTrip = async () => {
      healthy.sendJson({ type: "subscribe", events: ["Beat"] });
      assert.equal(((await healthy.next()) as { type: string }).type, "subscribed");
    };

    const firstPings = [pinged(healthy), pinged(silent)];
    t.mock.timers.tick(30);
    await Promise.all(firstPings);
    await roundTrip();
    assert.equal(hub.connectionCount, 2, "one unanswered ping is not yet a dead client");

    const secondPing = pinged(healthy);
    t.mock.timers.tick(30);
    assert.deepEqual(
      (await hub.presence()).map((p) => p.userId),
      ["healthy"],
    );
    assert.equal((await silent.closed).code, 1006, "terminated, not closed politely");
    await secondPing;
    await roundTrip();
    t.mock.timers.tick(30);
    assert.equal(hub.connectionCount, 1);
    assert.equal(healthy.ws.readyState, WebSocket.OPEN);
    await hub.close();
  });

  test("closes a connection at its token's expiresAt, even beyond setTimeout's 24.8-day range", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const lifetime = 30 * 24 * 3_600_000;
    const { hub, base } = await setup({
      clock,
      authorize: () => ({ userId: "u", expiresAt: clock.now().getTime() + lifetime }),
    });
    const client = await connect(`${base}/ws`);
    await client.next();
    const longestTimer = 2 ** 31 - 1;
    clock.advance(longestTimer);
    t.mock.timers.tick(longestTimer);
    assert.equal(hub.connectionCount, 1, "the timer fired early and was re-armed");
    clock.advance(lifetime - longestTimer);
    t.mock.timers.tick(lifetime - longestTimer);
    assert.deepEqual(await client.closed, { code: 1008, reason: "token expired" });
    assert.equal(hub.connectionCount, 0);
  });

  test("close() closes every connection with 1001 and stops accepting", async () => {
    const { hub, base, server } = await setup();
    const a = await connect(`${base}/ws`);
    const b = await connect(`${base}/ws`);
    await hub.close();
    assert.equal((await a.closed).code, 1001);
    assert.equal((await b.closed).code, 1001);
    assert.equal(hub.connectionCount, 0);
    assert.equal(server.listenerCount("upgrade"), 0);
    await assert.rejects(hub.attach(server), (e) => hasErrorCode(e, "unavailable"));
  });

  test("rejects invalid options", () => {
    assert.throws(
      () => new WebSocketHub({ heartbeatIntervalMs: 0, maxConnections: 1 }),
      (e) => hasErrorCode(e, "validation"),
    );
    assert.throws(
      () => new WebSocketHub({ heartbeatIntervalMs: 10, maxConnections: -1 }),
      (e) => hasErrorCode(e, "validation"),
    );
  });
});
