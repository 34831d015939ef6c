import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, test } from "node:test";
import { WebSocket } from "ws";
import { hasErrorCode } from "../errors/allframe-error.ts";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import { WebSocketHub, type WebSocketHubOptions } from "./websocket-hub.ts";

const servers: Server[] = [];
const hubs: WebSocketHub[] = [];
const clients: WebSocket[] = [];
after(async () => {
  for (const c of clients) c.terminate();
  await Promise.all(hubs.map((h) => h.close()));
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function setup(opts: Partial<WebSocketHubOptions> = {}) {
  const server = createServer((_req, res) => res.end("ok"));
  servers.push(server);
  const hub = new WebSocketHub({
    heartbeatIntervalMs: 60_000,
    maxConnections: 10,
    clock: new ManualClock(Date.UTC(2025, 0, 1)),
    ids: sequentialIds("conn"),
    ...opts,
  });
  hubs.push(hub);
  hub.attach(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { hub, server, base };
}

/** A real `ws` client whose received frames queue up for `next()`. */
async function connect(url: string, opts: { autoPong?: boolean } = {}) {
  const ws = new WebSocket(url, opts);
  clients.push(ws);
  const frames: unknown[] = [];
  const waiters: ((f: unknown) => void)[] = [];
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data));
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await once(ws, "open");
  const next = () =>
    frames.length > 0 ? Promise.resolve(frames.shift()) : new Promise((r) => waiters.push(r));
  const sendJson = (frame: unknown) => ws.send(JSON.stringify(frame));
  return { ws, next, closed, sendJson };
}

/** The HTTP status a refused upgrade answers with. */
function refusedStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode);
      ws.terminate();
    });
    ws.on("error", () => resolve(undefined));
  });
}

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
    assert.equal(await refusedStatus(`${base}/ws`), 401);
    assert.equal(await refusedStatus(`${base}/ws?token=throw`), 500);
    assert.equal(await refusedStatus(`${base}/elsewhere?token=alice`), 404);
    const a1 = await connect(`${base}/ws?token=alice`);
    await connect(`${base}/ws?token=alice`);
    await connect(`${base}/ws?token=bob`);
    assert.deepEqual(hub.presence(), [
      { userId: "alice", connections: 2, since: "2025-01-01T00:00:00.000Z" },
      { userId: "bob", connections: 1, since: "2025-01-01T00:00:00.000Z" },
    ]);
    a1.ws.close();
    await a1.closed;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      hub.presence().map((p) => [p.userId, p.connections]),
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
      hub.presence().map((p) => p.userId),
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

  test("close() closes every connection with 1001 and stops accepting", async () => {
    const { hub, base, server } = await setup();
    const a = await connect(`${base}/ws`);
    const b = await connect(`${base}/ws`);
    await hub.close();
    assert.equal((await a.closed).code, 1001);
    assert.equal((await b.closed).code, 1001);
    assert.equal(hub.connectionCount, 0);
    assert.equal(server.listenerCount("upgrade"), 0);
    assert.throws(
      () => hub.attach(server),
      (e) => hasErrorCode(e, "unavailable"),
    );
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
