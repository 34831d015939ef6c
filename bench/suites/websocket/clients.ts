/**
 * The client side of the `websocket` suite, run as a child process: holds many `ws` client
 * connections (compression off, automatic pong on, as browsers answer pings) to one server. Commands
 * (see `ipc.ts`): `connect` opens `count` connections to `url` with at most `inFlight` handshakes at
 * once (so the server's accept backlog never overflows), each subscribing to `event` once open; with
 * `ack` a connection is ready when the server confirms the subscription, else when open. `sign`
 * prepares `count` HS256 tokens with `jwtSecret` (`sub` `<process id>-<index>`, valid for an hour)
 * ahead of `connect`, so signing stays out of the connect time; connection `index` then sends
 * `Authorization: Bearer` with token `index`. `stats`
 * reports open and closed connections, pings received per connection (min, max) and events received.
 * @module
 */
import { SignJWT } from "jose";
import { WebSocket } from "ws";
import { type Command, serveCommands } from "./ipc.ts";

/** The longest one opening handshake may take before it counts as failed, in ms. */
const HANDSHAKE_TIMEOUT_MS = 15_000;

const sockets: WebSocket[] = [];
/** Connection index of each entry of `sockets`, to read its ping count. */
const readyIndexes: number[] = [];
let pings = new Uint32Array(0);
let failed = 0;
let closed = 0;
let delivered = 0;
let lastDeliveryAt = 0;
const failures = new Map<string, number>();

function fail(reason: string): void {
  failed++;
  failures.set(reason, (failures.get(reason) ?? 0) + 1);
}

/** Tokens prepared by `sign`, by connection index; empty: connections send none. */
let tokens: string[] = [];

/** Opens connection `index`; resolves when it is ready or has failed. Never rejects. */
function open(index: number, url: string, event: string, ack: boolean): Promise<void> {
  const token = tokens[index];
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      headers,
    });
    let ready = false;
    let failure: string | undefined;
    const becomeReady = () => {
      ready = true;
      sockets.push(ws);
      readyIndexes.push(index);
      resolve();
    };
    ws.on("open", () => {
      ws.send(JSON.stringify({ type: "subscribe", events: [event] }));
      if (!ack) becomeReady();
    });
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === "event") {
        delivered++;
        lastDeliveryAt = Date.now();
      } else if (frame.type === "subscribed" && !ready) becomeReady();
    });
    ws.on("ping", () => {
      pings[index] = (pings[index] ?? 0) + 1;
    });
    ws.on("error", (error) => {
      if (!ready) failure ??= error.message;
    });
    ws.on("close", (code) => {
      if (ready) closed++;
      else {
        fail(failure ?? `closed ${code} before ready`);
        resolve();
      }
    });
  });
}

serveCommands({
  async connect(command: Command) {
    const { url, count, inFlight, event, ack } = command as unknown as {
      url: string;
      count: number;
      inFlight: number;
      event: string;
      ack: boolean;
    };
    pings = new Uint32Array(count);
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < count) await open(next++, url, event, ack);
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
    return {
      ready: sockets.length,
      failed,
      failures: Object.fromEntries(failures),
      ms: performance.now() - started,
    };
  },
  async sign(command: Command) {
    const { count, jwtSecret } = command as unknown as { count: number; jwtSecret: string };
    const secret = new TextEncoder().encode(jwtSecret);
    tokens = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        new SignJWT({})
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(`${process.pid}-${index}`)
          .setExpirationTime("1h")
          .sign(secret),
      ),
    );
    return tokens.length;
  },
  stats() {
    let minPings = Number.POSITIVE_INFINITY;
    let maxPings = 0;
    for (const index of readyIndexes) {
      const n = pings[index] ?? 0;
      minPings = Math.min(minPings, n);
      maxPings = Math.max(maxPings, n);
    }
    const open = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
    return {
      open,
      closed,
      minPings: readyIndexes.length === 0 ? 0 : minPings,
      maxPings,
      delivered,
      lastDeliveryAt,
    };
  },
});
