/**
 * The server side of the `websocket` suite, run as a child process with `--expose-gc`:
 * `node --expose-gc server.ts <hub|ws> <heartbeat ms> <max connections> <jwt secret>`. `hub` is AllFrame's
 * `WebSocketHub` on a plain `node:http` server, every upgrade authorized by an HS256 JWT signed with
 * `<jwt secret>` (`jwtAuthorize`, as generated for `authorization = "jwt"`); `ws` is the peer, a bare `ws` WebSocketServer with the
 * heartbeat of the `ws` README ("How to detect and close broken connections") and a broadcast loop.
 * Both listen on 127.0.0.1 with a deep accept backlog. Commands (see `ipc.ts`): `port`, `memory`
 * (`process.memoryUsage()` after two full collections), `status` (open connections, reaped) and
 * `publish` (one event to every subscriber; when it started, Date.now() ms, and how long the call took).
 * @module
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { jwtAuthorize } from "../../../packages/core/src/realtime/jwt-authorize.ts";
import { WebSocketHub } from "../../../packages/core/src/realtime/websocket-hub.ts";
import { createJwtVerifier } from "../../../packages/core/src/security/jwt/jwt-verifier.ts";
import { type Command, serveCommands } from "./ipc.ts";

/** What the suite's two servers have in common. */
interface Target {
  connections(): number;
  publish(event: string, payload: unknown): number;
}

/** Log message of the hub's heartbeat when it terminates a connection that did not pong. */
const REAPED_MESSAGE = "websocket reaped: no pong";

const [mode, intervalArg, maxArg, jwtSecret] = process.argv.slice(2);
const heartbeatIntervalMs = Number(intervalArg);
const maxConnections = Number(maxArg);
if ((mode !== "hub" && mode !== "ws") || !(heartbeatIntervalMs > 0) || !(maxConnections > 0) || !jwtSecret) {
  throw new Error("usage: server.ts <hub|ws> <heartbeat ms> <max connections> <jwt secret>");
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("server.ts needs --expose-gc");

let reaped = 0;
const server = createServer((_req, res) => res.end("websocket bench\n"));

async function startHub(secret: string): Promise<Target> {
  const warn = (obj: object, msg?: string) => process.stderr.write(`${msg ?? ""} ${JSON.stringify(obj)}\n`);
  const hub = new WebSocketHub({
    heartbeatIntervalMs,
    maxConnections,
    authorize: jwtAuthorize(createJwtVerifier({ secret, algorithms: ["HS256"] })),
    logger: {
      info: (_obj, msg) => {
        if (msg === REAPED_MESSAGE) reaped++;
      },
      warn,
      error: warn,
    },
  });
  await hub.attach(server);
  return { connections: () => hub.connectionCount, publish: (event, payload) => hub.publish(event, payload) };
}

type Tracked = WebSocket & { isAlive?: boolean };

function heartbeat(this: Tracked): void {
  this.isAlive = true;
}

function startBareWs(): Target {
  const wss = new WebSocketServer({ server, path: "/ws" });
  wss.on("connection", (ws: Tracked) => {
    ws.isAlive = true;
    ws.on("error", () => ws.terminate());
    ws.on("pong", heartbeat);
  });
  setInterval(() => {
    for (const ws of wss.clients as Set<Tracked>) {
      if (ws.isAlive === false) {
        reaped++;
        ws.terminate();
        continue;
      }
      ws.isAlive = false;
      ws.ping();
    }
  }, heartbeatIntervalMs);
  return {
    connections: () => wss.clients.size,
    publish(event, payload) {
      const frame = JSON.stringify({ type: "event", event, payload });
      let sent = 0;
      for (const ws of wss.clients) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        ws.send(frame);
        sent++;
      }
      return sent;
    },
  };
}

const target = mode === "hub" ? await startHub(jwtSecret) : startBareWs();
// The kernel caps the backlog at net.core.somaxconn (4096 here); clients connect in bounded batches.
server.listen({ port: 0, host: "127.0.0.1", backlog: 65_535 });
await once(server, "listening");

serveCommands({
  port: () => (server.address() as AddressInfo).port,
  memory: () => {
    gc();
    gc();
    return process.memoryUsage();
  },
  status: () => ({ connections: target.connections(), reaped }),
  publish: (command: Command) => {
    const startedAt = Date.now();
    const t0 = performance.now();
    const sent = target.publish(String(command.event), command.payload);
    return { sent, startedAt, callMs: performance.now() - t0 };
  },
});
