/**
 * A WebSocket hub on `ws`, attached to an existing `node:http` server: authorised upgrades, per-type
 * subscriptions, fan-out of published events, presence, heartbeats (seed 000's `websocket-gateway`
 * service type; heartbeat after the `ws` README's "How to detect and close broken connections").
 * @module
 */
import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import { MAX_SUBSCRIPTIONS, parseClientFrame, type ServerFrame } from "./frames.ts";
import { SubscriptionIndex } from "./subscription-index.ts";

/** A pino-compatible logger; only these three methods are used. */
interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Who an upgrade request is; `undefined` rejects it. */
export type Authorize = (
  req: IncomingMessage,
) => Promise<{ userId: string } | undefined> | { userId: string } | undefined;

/** Construction options of `WebSocketHub`. */
export interface WebSocketHubOptions {
  /** URL path that upgrades are accepted on; default `"/ws"`. */
  readonly path?: string;
  /** Milliseconds between pings; a connection that has not ponged since the last ping is terminated. */
  readonly heartbeatIntervalMs: number;
  /** Open connections allowed at once; the next is closed with 1013 (see `WebSocketHub`). */
  readonly maxConnections: number;
  /** Decides who a request is; resolve `undefined` to refuse with HTTP 401. Default: everyone, as `"anonymous"`. */
  readonly authorize?: Authorize;
  readonly logger?: Logger;
  /** Stamps presence `since`; default the wall clock. */
  readonly clock?: Clock;
  /** Makes connection ids; default random UUIDs. */
  readonly ids?: IdGenerator;
  /** Largest frame a client may send, in bytes; default 65536. Bigger frames close the connection (1009). */
  readonly maxPayloadBytes?: number;
}

/** One open connection; its subscriptions live in the hub's `SubscriptionIndex`. */
interface Client {
  readonly id: string;
  readonly ws: WebSocket;
  readonly userId: string;
  /** Connected at, epoch milliseconds (a number, not an ISO string: 10,000 of them are held). */
  readonly since: number;
  alive: boolean;
}

/** Listeners every socket shares; `this` is the socket that emitted. */
interface SocketListeners {
  pong(this: WebSocket): void;
  close(this: WebSocket): void;
  error(this: WebSocket, error: Error): void;
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
}

/** Milliseconds `close()` waits for a client's closing handshake before terminating it. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Accepts WebSocket connections on one path of an http server and pushes published events to the
 * clients subscribed to them. Protocol: see `frames.ts`.
 *
 * Over `maxConnections` the upgrade is accepted and the socket closed at once with code 1013 ("try
 * again later") and reason "max connections reached": a browser cannot read the status of a refused
 * HTTP upgrade (it only sees a 1006 close), but it can read a close code, so clients can tell "full"
 * from "down" and back off.
 *
 * @example
 * const hub = new WebSocketHub({ heartbeatIntervalMs: 30_000, maxConnections: 10_000 });
 * hub.attach(server);
 * hub.publish("OrderStatusChanged", { orderId: "o-1", status: "shipped" });
 */
export class WebSocketHub {
  readonly #path: string;
  readonly #heartbeatIntervalMs: number;
  readonly #maxConnections: number;
  readonly #authorize: Authorize;
  readonly #logger: Logger | undefined;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #wss: WebSocketServer;
  readonly #clients = new Map<WebSocket, Client>();
  readonly #subscriptions = new SubscriptionIndex<Client>(MAX_SUBSCRIPTIONS);
  readonly #socketListeners: SocketListeners;
  #server: Server | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing = false;

  /** @throws AllFrameError `"validation"` for a non-positive interval, limit or payload size. */
  constructor(opts: WebSocketHubOptions) {
    for (const [key, value] of Object.entries({
      heartbeatIntervalMs: opts.heartbeatIntervalMs,
      maxConnections: opts.maxConnections,
      maxPayloadBytes: opts.maxPayloadBytes ?? 65_536,
    })) {
      if (!(Number.isInteger(value) && value > 0)) {
        throw new AllFrameError("validation", `${key} must be a positive integer, got ${value}`);
      }
    }
    this.#path = opts.path ?? "/ws";
    this.#heartbeatIntervalMs = opts.heartbeatIntervalMs;
    this.#maxConnections = opts.maxConnections;
    this.#authorize = opts.authorize ?? (() => ({ userId: "anonymous" }));
    this.#logger = opts.logger;
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: opts.maxPayloadBytes ?? 65_536,
    });
    // One set of listeners for all sockets, finding the client by socket, instead of four closures
    // and their context per connection: ~270 bytes of heap less per connection (heap snapshots).
    const hub = this;
    this.#socketListeners = {
      pong() {
        const client = hub.#clients.get(this);
        if (client) client.alive = true;
      },
      close() {
        const client = hub.#clients.get(this);
        if (client) hub.#forget(client);
      },
      error(error) {
        hub.#logger?.warn({ err: error, connectionId: hub.#clients.get(this)?.id }, "websocket error");
      },
      message(data, isBinary) {
        const client = hub.#clients.get(this);
        if (client) send(this, hub.#apply(client, parseClientFrame(data, isBinary)));
      },
    };
  }

  /** Open connections counted against `maxConnections`. */
  get connectionCount(): number {
    return this.#clients.size;
  }

  /**
   * Handles `server`'s `upgrade` events for the hub's path and starts the heartbeat. Upgrades for
   * other paths are left to other listeners, or refused with 404 when the hub is the only one.
   * @throws AllFrameError `"conflict"` when already attached; `"unavailable"` after `close()`.
   */
  attach(server: Server): void {
    if (this.#closing) throw new AllFrameError("unavailable", "the hub is closed");
    if (this.#server) throw new AllFrameError("conflict", "the hub is already attached to a server");
    this.#server = server;
    server.on("upgrade", this.#onUpgrade);
    this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatIntervalMs);
    this.#heartbeat.unref();
  }

  /**
   * Sends `{"type":"event","event":eventType,"payload":payload}` to every open connection subscribed to
   * `eventType` or `"*"`, once each; visits only those subscribers, not every connection.
   * @returns how many connections it was sent to.
   * @throws AllFrameError `"validation"` when the payload cannot be encoded as JSON.
   */
  publish(eventType: string, payload: unknown): number {
    let frame: string;
    try {
      frame = JSON.stringify({ type: "event", event: eventType, payload } satisfies ServerFrame);
    } catch (cause) {
      throw new AllFrameError("validation", `payload of "${eventType}" cannot be encoded as JSON`, { cause });
    }
    let sent = 0;
    for (const client of this.#subscriptions.matching(eventType)) {
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      client.ws.send(frame);
      sent++;
    }
    return sent;
  }

  /** Connected users, by user id: how many connections each has and since when (ISO 8601, earliest). */
  presence(): { userId: string; connections: number; since: string }[] {
    const users = new Map<string, { userId: string; connections: number; since: number }>();
    for (const client of this.#clients.values()) {
      const user = users.get(client.userId);
      if (!user) users.set(client.userId, { userId: client.userId, connections: 1, since: client.since });
      else {
        user.connections++;
        if (client.since < user.since) user.since = client.since;
      }
    }
    return [...users.values()]
      .sort((a, b) => a.userId.localeCompare(b.userId))
      .map((user) => ({ ...user, since: new Date(user.since).toISOString() }));
  }

  /**
   * Stops accepting upgrades and the heartbeat, closes every connection with 1001 ("going away"), and
   * resolves when all have closed (a client that does not finish the closing handshake within a second
   * is terminated).
   */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    this.#server?.off("upgrade", this.#onUpgrade);
    await Promise.all([...this.#clients.values()].map((c) => this.#closeClient(c)));
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname !== this.#path) {
      if (this.#server?.listenerCount("upgrade") === 1) refuse(socket, 404);
      return;
    }
    const onEarlyError = () => socket.destroy();
    socket.on("error", onEarlyError);
    void (async () => {
      try {
        const user = this.#closing ? undefined : await this.#authorize(req);
        socket.off("error", onEarlyError);
        if (this.#closing) return refuse(socket, 503);
        if (!user) return refuse(socket, 401);
        this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, user.userId));
      } catch (error) {
        socket.off("error", onEarlyError);
        this.#logger?.error({ err: error }, "websocket authorize failed");
        refuse(socket, 500);
      }
    })();
  };

  #onConnection(ws: WebSocket, userId: string): void {
    if (this.#closing) {
      ws.close(1001, "server shutting down");
      return;
    }
    if (this.#clients.size >= this.#maxConnections) {
      ws.close(1013, "max connections reached");
      this.#logger?.warn({ userId, max: this.#maxConnections }, "websocket refused: max connections reached");
      return;
    }
    const client: Client = { id: this.#ids(), ws, userId, since: this.#clock.now().getTime(), alive: true };
    this.#clients.set(ws, client);
    const listeners = this.#socketListeners;
    ws.on("pong", listeners.pong);
    ws.on("close", listeners.close);
    ws.on("error", listeners.error);
    ws.on("message", listeners.message);
    send(ws, { type: "welcome", connectionId: client.id });
  }

  /** Drops a closed or reaped connection and its subscriptions. */
  #forget(client: Client): void {
    this.#clients.delete(client.ws);
    this.#subscriptions.remove(client);
  }

  /** Applies a client frame to the connection's subscriptions; returns the answer to send. */
  #apply(client: Client, frame: ReturnType<typeof parseClientFrame>): ServerFrame {
    if (typeof frame === "string") return { type: "error", message: frame };
    if (frame.type === "unsubscribe") {
      return { type: "subscribed", events: this.#subscriptions.unsubscribe(client, frame.events) };
    }
    const events = this.#subscriptions.subscribe(client, frame.events);
    if (events === undefined) {
      return { type: "error", message: `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection` };
    }
    return { type: "subscribed", events };
  }

  #beat(): void {
    for (const client of this.#clients.values()) {
      if (!client.alive) {
        this.#forget(client);
        client.ws.terminate();
        this.#logger?.info({ connectionId: client.id, userId: client.userId }, "websocket reaped: no pong");
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  #closeClient(client: Client): Promise<void> {
    return new Promise((resolve) => {
      if (client.ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => client.ws.terminate(), CLOSE_GRACE_MS);
      client.ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      client.ws.close(1001, "server shutting down");
    });
  }
}

function send(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

/** Answers an upgrade request with a plain HTTP error and drops the socket. */
function refuse(socket: Duplex, status: number): void {
  if (!socket.writable) return void socket.destroy();
  const body = STATUS_CODES[status] ?? "Error";
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
