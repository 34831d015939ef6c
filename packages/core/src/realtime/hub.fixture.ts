/**
 * Test kit for the realtime tests: hubs on throwaway loopback servers, real `ws` clients whose frames
 * queue up, and the answer to a refused upgrade. Everything started is closed by `closeAll()`.
 * @module
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import { ManualClock, sequentialIds } from "../runtime/clock.ts";
import type { WebSocketHubOptions } from "./hub-options.ts";
import { WebSocketHub } from "./websocket-hub.ts";

const servers: Server[] = [];
const hubs: WebSocketHub[] = [];
const clients: WebSocket[] = [];

/** Terminates every client, closes every hub and server started through this kit. */
export async function closeAll(): Promise<void> {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(hubs.splice(0).map((h) => h.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
}

/**
 * A hub attached to a fresh server on 127.0.0.1: heartbeat 60 s, 10 connections, a manual clock at
 * 2025-01-01 and ids `conn-1`, `conn-2`, ... unless `opts` says otherwise. `base` is `ws://127.0.0.1:<port>`.
 */
export async function startHub(opts: Partial<WebSocketHubOptions> = {}) {
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
  await hub.attach(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { hub, server, base };
}

/** A real `ws` client whose received frames queue up for `next()`; resolves once open. */
export async function connect(
  url: string,
  opts: { autoPong?: boolean; headers?: Record<string, string> } = {},
) {
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

/** A connected kit client. */
export type TestClient = Awaited<ReturnType<typeof connect>>;

/** Connects, reads the welcome, subscribes to `events` and reads the confirmation. */
export async function subscribed(url: string, events: string[], headers?: Record<string, string>) {
  const client = await connect(url, headers === undefined ? {} : { headers });
  await client.next();
  client.sendJson({ type: "subscribe", events });
  await client.next();
  return client;
}

/** The HTTP answer to an upgrade the server refuses: status, `WWW-Authenticate` and body. */
export function refused(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number | undefined; challenge?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => reject(new Error(`${url} was accepted`)));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => {
        const challenge = res.headers["www-authenticate"];
        resolve({ status: res.statusCode, body, ...(challenge === undefined ? {} : { challenge }) });
        ws.terminate();
      });
    });
    ws.on("error", () => resolve({ status: undefined, body: "" }));
  });
}
