/**
 * A WebSocket hub on `ws`, attached to an existing `node:http` server: authorised upgrades, per-type
 * subscriptions, fan-out of published events to all subscribers or to one user's, presence, heartbeats,
 * connections that end when their token expires, and an optional backplane that shares events and
 * presence with the service's other instances (seed 000's `websocket-gateway` service type; heartbeat
 * after the `ws` README's "How to detect and close broken connections").
 * @module
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { AllFrameError } from "../errors/allframe-error.ts";
import { type Clock, type IdGenerator, systemClock, uuidGenerator } from "../runtime/clock.ts";
import type { BackplaneEvent, RealtimeBackplane } from "./backplane.ts";
import { ConnectedUsers } from "./connected-users.ts";
import { MAX_SUBSCRIPTIONS, parseClientFrame, type ServerFrame } from "./frames.ts";
import type { Authorize, Authorized, Logger, PublishOptions, WebSocketHubOptions } from "./hub-options.ts";
import { SubscriptionIndex } from "./subscription-index.ts";
import { refusalFor, refuse } from "./upgrade-refusal.ts";

/** One open connection; its subscriptions live in the hub's `SubscriptionIndex`. */
interface Client {
  readonly id: string;
  readonly ws: WebSocket;
  readonly userId: string;
  /** Connected at, epoch milliseconds (a number, not an ISO string: 10,000 of them are held). */
  readonly since: number;
  /** When the token expires, epoch milliseconds; `Infinity` when it does not. */
  readonly expiresAt: number;
  /** Wakes the hub to close the connection at `expiresAt`. */
  expiry: NodeJS.Timeout | undefined;
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
/** Longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;
/** Heartbeats an instance may miss before the other instances drop its presence. */
const PRESENCE_TTL_BEATS = 3;

/**
 * Accepts WebSocket connections on one path of an http server and pushes published events to the
 * clients subscribed to them. Protocol: see `frames.ts`.
 *
 * Over `maxConnections` the upgrade is accepted and the socket closed at once with code 1013 ("try
 * again later") and reason "max connections reached": a browser cannot read the status of a refused
 * HTTP upgrade (it only sees a 1006 close), but it can read a close code, so clients can tell "full"
 * from "down" and back off.
 *
 * An upgrade that `authorize` refuses never becomes a WebSocket: it is answered 401 (with
 * `WWW-Authenticate` and the reason in the body) before the handshake completes, so an unauthenticated
 * client costs no connection slot and can receive nothing. A connection whose token expires later is
 * closed with 1008 ("policy violation") and reason "token expired"; the client reconnects with a fresh
 * token.
 *
 * With a `backplane`, `publish` also sends the event to the other instances, which deliver it to their
 * own connections (the publishing instance delivers locally, once), and `presence()` sums every live
 * instance. The instance's presence is written on each change (coalesced) and each heartbeat, and
 * expires after three missed heartbeats.
 *
 * @example
 * const hub = new WebSocketHub({ heartbeatIntervalMs: 30_000, maxConnections: 10_000 });
 * await hub.attach(server);
 * hub.publish("OrderStatusChanged", { orderId: "o-1", status: "shipped" });
 */
export class WebSocketHub {
  readonly #path: string;
  readonly #heartbeatIntervalMs: number;
  readonly #maxConnections: number;
  readonly #authorize: Authorize;
  readonly #backplane: RealtimeBackplane | undefined;
  readonly #logger: Logger | undefined;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #wss: WebSocketServer;
  readonly #clients = new Map<WebSocket, Client>();
  readonly #users: ConnectedUsers<Client>;
  readonly #subscriptions = new SubscriptionIndex<Client>(MAX_SUBSCRIPTIONS);
  /** Backplane sends not yet settled; `close()` waits for them. */
  readonly #forwarding = new Set<Promise<void>>();
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
    this.#backplane = opts.backplane;
    this.#logger = opts.logger;
    this.#clock = opts.clock ?? systemClock;
    this.#ids = opts.ids ?? uuidGenerator;
    this.#users = new ConnectedUsers({
      ...(opts.backplane && { backplane: opts.backplane }),
      ...(opts.logger && { logger: opts.logger }),
      presenceTtlMs: PRESENCE_TTL_BEATS * opts.heartbeatIntervalMs,
    });
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
   * Starts the backplane when there is one, then handles `server`'s `upgrade` events for the hub's
   * path and starts the heartbeat. Upgrades for other paths are left to other listeners, or refused
   * with 404 when the hub is the only one.
   * @throws AllFrameError `"conflict"` when already attached; `"unavailable"` after `close()` or when
   *   the backplane cannot start.
   */
  async attach(server: Server): Promise<void> {
    if (this.#closing) throw new AllFrameError("unavailable", "the hub is closed");
    if (this.#server) throw new AllFrameError("conflict", "the hub is already attached to a server");
    this.#server = server;
    try {
      await this.#backplane?.start(this.#deliverRemote);
    } catch (error) {
      this.#server = undefined;
      throw error;
    }
    server.on("upgrade", this.#onUpgrade);
    this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatIntervalMs);
    this.#heartbeat.unref();
    this.#users.startSharing();
  }

  /**
   * Sends `{"type":"event","event":eventType,"payload":payload}` to every open connection subscribed to
   * `eventType` or `"*"` (only those of `options.userId` when given), once each, visiting only those
   * connections. With a backplane the event also goes to the other instances, in the background; a
   * failed send is logged (warn) and not retried: pushes are best-effort, like the connections.
   * @returns how many connections of this instance it was sent to.
   * @throws AllFrameError `"validation"` when the payload cannot be encoded as JSON.
   */
  publish(eventType: string, payload: unknown, options: PublishOptions = {}): number {
    let frame: string;
    try {
      frame = JSON.stringify({ type: "event", event: eventType, payload } satisfies ServerFrame);
    } catch (cause) {
      throw new AllFrameError("validation", `payload of "${eventType}" cannot be encoded as JSON`, { cause });
    }
    const event: BackplaneEvent =
      options.userId === undefined ? { eventType, frame } : { eventType, frame, userId: options.userId };
    if (this.#backplane) this.#forward(this.#backplane, event);
    return this.#deliver(event);
  }

  /**
   * Connected users, by user id (sorted): how many connections each has and since when (ISO 8601, the
   * earliest), summed over every live instance when there is a backplane.
   * @throws AllFrameError `"unavailable"` when the backplane cannot be read.
   */
  async presence(): Promise<{ userId: string; connections: number; since: string }[]> {
    return (await this.#users.all()).map((user) => ({
      ...user,
      since: new Date(user.since).toISOString(),
    }));
  }

  /**
   * Stops accepting upgrades and the heartbeat, closes every connection with 1001 ("going away"),
   * resolves when all have closed (a client that does not finish the closing handshake within a second
   * is terminated), then closes the backplane, withdrawing this instance's presence.
   */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    this.#server?.off("upgrade", this.#onUpgrade);
    // No presence writes while connections close: the backplane's close() withdraws it all.
    const sharingStopped = this.#users.stopSharing();
    await Promise.all([...this.#clients.values()].map((c) => this.#closeClient(c)));
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await Promise.all([sharingStopped, ...this.#forwarding]);
    await this.#backplane?.close();
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
        this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, user));
      } catch (error) {
        socket.off("error", onEarlyError);
        const { status, reason } = refusalFor(error);
        if (status >= 500) this.#logger?.error({ err: error }, "websocket authorize failed");
        refuse(socket, status, reason);
      }
    })();
  };

  #onConnection(ws: WebSocket, { userId, expiresAt = Number.POSITIVE_INFINITY }: Authorized): void {
    if (this.#closing) {
      ws.close(1001, "server shutting down");
      return;
    }
    if (this.#clients.size >= this.#maxConnections) {
      ws.close(1013, "max connections reached");
      this.#logger?.warn({ userId, max: this.#maxConnections }, "websocket refused: max connections reached");
      return;
    }
    const since = this.#clock.now().getTime();
    const client: Client = { id: this.#ids(), ws, userId, since, expiresAt, expiry: undefined, alive: true };
    this.#clients.set(ws, client);
    this.#users.add(client);
    this.#armExpiry(client);
    const listeners = this.#socketListeners;
    ws.on("pong", listeners.pong);
    ws.on("close", listeners.close);
    ws.on("error", listeners.error);
    ws.on("message", listeners.message);
    send(ws, { type: "welcome", connectionId: client.id });
  }

  /** Drops a closed, reaped or expired connection, its subscriptions and its expiry timer. */
  #forget(client: Client): void {
    if (!this.#clients.delete(client.ws)) return;
    this.#subscriptions.remove(client);
    clearTimeout(client.expiry);
    this.#users.remove(client);
  }

  /** Sends an event's frame to the matching open connections of this instance; @returns how many. */
  #deliver({ eventType, frame, userId }: BackplaneEvent): number {
    const candidates =
      userId === undefined
        ? this.#subscriptions.matching(eventType)
        : [...this.#users.of(userId)].filter((c) => this.#subscriptions.has(c, eventType));
    let sent = 0;
    for (const client of candidates) {
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      client.ws.send(frame);
      sent++;
    }
    return sent;
  }

  readonly #deliverRemote = (event: BackplaneEvent): void => {
    this.#deliver(event);
  };

  #forward(backplane: RealtimeBackplane, event: BackplaneEvent): void {
    const sending = backplane
      .publish(event)
      .catch((error: unknown) => {
        this.#logger?.warn({ err: error, event: event.eventType }, "websocket backplane publish failed");
      })
      .finally(() => this.#forwarding.delete(sending));
    this.#forwarding.add(sending);
  }

  /** Arms the timer that closes the connection when its token expires (re-armed for far expiries). */
  #armExpiry(client: Client): void {
    if (client.expiresAt === Number.POSITIVE_INFINITY) return;
    const left = Math.max(0, client.expiresAt - this.#clock.now().getTime());
    client.expiry = setTimeout(this.#onExpiry, Math.min(left, MAX_TIMER_MS), client);
    client.expiry.unref();
  }

  readonly #onExpiry = (client: Client): void => {
    // The clock is the truth; the timer only wakes the hub (it fires early for far expiries).
    if (client.expiresAt > this.#clock.now().getTime()) {
      this.#armExpiry(client);
      return;
    }
    this.#forget(client);
    client.ws.close(1008, "token expired");
    this.#logger?.info({ connectionId: client.id, userId: client.userId }, "websocket closed: token expired");
  };

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
    this.#users.share();
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
