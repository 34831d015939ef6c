/**
 * The e-commerce flow of issue 7 on a running reference system, step by step, as a user sees it: over
 * HTTP, GraphQL and WebSocket against the services' manifest ports, with the event bus watched by an
 * observer consumer group. The same steps run under `allframe dev` with embedded defaults and with
 * real PostgreSQL, NATS and Redis (reference-flow.e2e.test.ts).
 * @module
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import type { EventBus, EventEnvelope } from "@allframe/core";
import { DEV_JWT_SECRET } from "@allframe/forge";
import { SignJWT } from "jose";

/** The reference services' manifest ports. */
export const PORTS = {
  user: 8080,
  bff: 8081,
  order: 8082,
  payment: 8083,
  notification: 8085,
  realtime: 8086,
  analytics: 8089,
} as const;

const url = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;

/** Polls `probe` every 50 ms until it returns a value; fails after `ms` with `what()`. */
export async function eventually<T>(
  what: () => string,
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(what());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until notification-service lists a notification for the bus event `eventId` (its
 * `/notifications` items carry the event's id); fails after `ms` with `what`.
 */
export function notified(eventId: string, what: string, ms = 10_000): Promise<true> {
  return eventually(
    () => what,
    ms,
    async () => {
      const { body } = await call<{ items: Array<{ eventId: string }> }>(
        PORTS.notification,
        "/notifications",
      );
      return body.items.some((n) => n.eventId === eventId) ? true : undefined;
    },
  );
}

/** JSON over HTTP: the status and the parsed body. */
export async function call<T = Record<string, unknown>>(
  port: number,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url(port, path), {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * Every event of `types` the bus delivers to the `e2e-observer` group, in arrival order; resolves once
 * a broker holds every subscription, so nothing published afterwards is missed.
 */
export async function observe(bus: EventBus, types: readonly string[]): Promise<EventEnvelope[]> {
  const seen: EventEnvelope[] = [];
  const subscriptions = types.map((type) =>
    bus.subscribe(
      type,
      async (event) => {
        seen.push(event);
      },
      { group: "e2e-observer" },
    ),
  );
  await Promise.all(subscriptions.map((s) => s.ready));
  return seen;
}

/** Waits until `seen` has an event matching `match`, and returns it. */
export function seenEvent(
  seen: readonly EventEnvelope[],
  what: string,
  match: (event: EventEnvelope) => boolean,
  ms = 10_000,
): Promise<EventEnvelope> {
  return eventually(
    () => `${what} never seen; seen: ${seen.map((e) => e.type).join(", ")}`,
    ms,
    async () => seen.find(match),
  );
}

type Saga = { id: string; status: string; completedSteps: string[]; compensatedSteps: string[] };

/** Places an order (starts CreateOrderSaga on order-service) and waits until the saga has ended. */
export async function placeOrder(userId: string): Promise<Saga> {
  const started = await call<Saga>(PORTS.order, "/sagas", {
    userId,
    items: [{ sku: "sku-1", quantity: 2 }],
    total: 42,
  });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  return eventually(
    () => `saga ${started.body.id} never ended`,
    20_000,
    async () => {
      const { body } = await call<Saga>(PORTS.order, `/sagas/${started.body.id}`);
      return ["completed", "compensated", "failed"].includes(body.status) ? body : undefined;
    },
  );
}

/** A JWT for `userId`, signed with the development secret `allframe dev` gives the services. */
export function devToken(userId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(DEV_JWT_SECRET));
}

/** A frame realtime-gateway sends; an `event` frame carries the bus event's id, time and data. */
export interface Frame {
  readonly type: string;
  readonly event?: string;
  readonly payload?: { readonly id: string; readonly data: Record<string, unknown> };
}

/** A WebSocket client of realtime-gateway subscribed to `events`; `frames` collects what it receives. */
export async function realtimeClient(
  token: string,
  events: readonly string[],
): Promise<{ frames: Frame[]; close: () => void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${PORTS.realtime}/ws?token=${encodeURIComponent(token)}`);
  const frames: Frame[] = [];
  socket.addEventListener("message", (message) => frames.push(JSON.parse(String(message.data))));
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error("the realtime gateway refused a valid token")), {
      once: true,
    });
  });
  socket.send(JSON.stringify({ type: "subscribe", events }));
  await eventually(
    () => "no subscribed frame",
    5_000,
    async () => frames.find((f) => f.type === "subscribed"),
  );
  return { frames, close: () => socket.close() };
}

/** The HTTP status realtime-gateway answers a WebSocket upgrade without a token, or 101 if it upgraded. */
export function upgradeWithoutToken(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url(PORTS.realtime, "/ws"), {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Feeds two events into analytics-processor's `orders` topic, the second two windows later so the
 * watermark (minus the lateness tolerance) passes the first window, which it then emits.
 */
export async function closeAnalyticsWindow(): Promise<number> {
  const start = Date.UTC(2030, 0, 1, 12, 0, 0);
  const first = await call(PORTS.analytics, "/topics/orders/events", {
    type: "OrderCreated",
    time: new Date(start + 1_000).toISOString(),
  });
  assert.equal(first.status, 202, JSON.stringify(first.body));
  await call(PORTS.analytics, "/topics/orders/events", {
    type: "OrderCreated",
    time: new Date(start + 180_000).toISOString(),
  });
  return start;
}
