/**
 * One capacity run of the `websocket` suite: a server child process (`server.ts`, hub or bare `ws`)
 * and client child processes (`clients.ts`) that open `connections` between them, hold them through
 * heartbeat rounds, take one broadcast, and the server's memory before and with the connections.
 * Against the hub every connection presents its own JWT (HS256, signed with `JWT_SECRET` below).
 * @module
 */
import { join } from "node:path";
import { say } from "../../suite.ts";
import { type Child, startChild } from "./ipc.ts";

/** How many connections, from how many processes, held for how long. */
export interface CapacityWorkload {
  readonly connections: number;
  readonly clientProcesses: number;
  /** Opening handshakes in flight per client process. */
  readonly inFlight: number;
  readonly heartbeatIntervalMs: number;
  /** Pings every connection must have received before the hold ends. */
  readonly heartbeatRounds: number;
}

/** What one run measured; memory in bytes, times in ms. */
export interface CapacityResult {
  readonly held: number;
  readonly closedByServer: number;
  readonly heartbeatRounds: number;
  readonly reaped: number;
  readonly broadcastSent: number;
  readonly broadcastDelivered: number;
  readonly broadcastMs: number;
  readonly publishCallMs: number;
  readonly connectMs: number;
  readonly rssBefore: number;
  readonly rssWith: number;
  readonly heapBefore: number;
  readonly heapWith: number;
}

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}
interface Status {
  connections: number;
  reaped: number;
}
interface Connected {
  ready: number;
  failed: number;
  failures: Record<string, number>;
}
interface Stats {
  open: number;
  closed: number;
  minPings: number;
  delivered: number;
  lastDeliveryAt: number;
}

const EVENT = "PriceChanged";
/** HS256 secret the hub verifies the clients' tokens with (a bench value, at least 32 bytes). */
const JWT_SECRET = "websocket-bench-secret-of-32-bytes!";
const POLL_MS = 200;

/** Asks every client for its stats, until `done` holds for their list or `timeoutMs` passes. */
async function pollClients(
  clients: readonly Child[],
  timeoutMs: number,
  done: (stats: Stats[]) => boolean,
): Promise<Stats[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await Promise.all(clients.map((c) => c.ask<Stats>({ cmd: "stats" })));
    if (done(stats) || performance.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const sum = (stats: readonly Stats[], key: "open" | "closed" | "delivered"): number =>
  stats.reduce((total, s) => total + s[key], 0);

/** Runs the workload against the `mode` server (`"hub"` or `"ws"`); stops every child it started. */
export async function runCapacity(mode: "hub" | "ws", load: CapacityWorkload): Promise<CapacityResult> {
  const children: Child[] = [];
  try {
    const server = await startChild(
      join(import.meta.dirname, "server.ts"),
      [mode, String(load.heartbeatIntervalMs), String(load.connections), JWT_SECRET],
      ["--expose-gc"],
    );
    children.push(server);
    const port = await server.ask<number>({ cmd: "port" });
    const before = await server.ask<Memory>({ cmd: "memory" });
    const clients = await Promise.all(
      Array.from({ length: load.clientProcesses }, async () => {
        const client = await startChild(join(import.meta.dirname, "clients.ts"), []);
        children.push(client);
        return client;
      }),
    );

    const share = Math.ceil(load.connections / load.clientProcesses);
    const countOf = (i: number) => Math.min(share, load.connections - i * share);
    if (mode === "hub") {
      await Promise.all(
        clients.map((client, i) => client.ask({ cmd: "sign", count: countOf(i), jwtSecret: JWT_SECRET })),
      );
    }
    const t0 = performance.now();
    const connected = await Promise.all(
      clients.map((client, i) =>
        client.ask<Connected>({
          cmd: "connect",
          url: `ws://127.0.0.1:${port}/ws`,
          count: countOf(i),
          inFlight: load.inFlight,
          event: EVENT,
          ack: mode === "hub",
        }),
      ),
    );
    const connectMs = performance.now() - t0;
    const failedToConnect = connected.reduce((total, c) => total + c.failed, 0);
    say(`  ${mode}: ${connected.reduce((t, c) => t + c.ready, 0)} connected in ${connectMs.toFixed(0)} ms`);
    if (failedToConnect > 0) {
      const reasons = JSON.stringify(connected.map((c) => c.failures));
      throw new Error(`websocket ${mode}: ${failedToConnect} connections failed to open: ${reasons}`);
    }

    const holdTimeoutMs = (load.heartbeatRounds + 2) * load.heartbeatIntervalMs + 20_000;
    // Ends early when a connection drops: the hold has failed, and the result says so.
    const held = await pollClients(
      clients,
      holdTimeoutMs,
      (stats) => stats.every((s) => s.minPings >= load.heartbeatRounds) || sum(stats, "closed") > 0,
    );
    const status = await server.ask<Status>({ cmd: "status" });
    const heartbeatRounds = Math.min(...held.map((s) => s.minPings));
    say(
      `  ${mode}: after ${heartbeatRounds} heartbeat rounds, server holds ${status.connections}, clients see ${sum(held, "open")} open, ${status.reaped} reaped`,
    );
    const withConnections = await server.ask<Memory>({ cmd: "memory" });

    const publish = await server.ask<{ sent: number; startedAt: number; callMs: number }>({
      cmd: "publish",
      event: EVENT,
      payload: { sku: "sku-1", price: 1999, currency: "EUR" },
    });
    const received = await pollClients(clients, 15_000, (stats) => sum(stats, "delivered") >= publish.sent);
    const broadcastMs = Math.max(...received.map((s) => s.lastDeliveryAt)) - publish.startedAt;
    return {
      held: status.connections,
      closedByServer: sum(received, "closed"),
      heartbeatRounds,
      reaped: status.reaped,
      broadcastSent: publish.sent,
      broadcastDelivered: sum(received, "delivered"),
      broadcastMs,
      publishCallMs: publish.callMs,
      connectMs,
      rssBefore: before.rss,
      rssWith: withConnections.rss,
      heapBefore: before.heapUsed,
      heapWith: withConnections.heapUsed,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}
