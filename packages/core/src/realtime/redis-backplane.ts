/**
 * The Redis backplane: events travel on one pub/sub channel, presence lives in one hash per instance
 * with an expiry, and a sorted set lists the instances by the time their presence expires (the
 * layout of SignalR's and Socket.IO's Redis scale-out, with presence added). Uses the official client
 * (node-redis): one connection for commands, a duplicate for the subscription.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { type RedisClient, RedisConnection } from "../persistence/redis-connection.ts";
import { type Clock, systemClock, uuidGenerator } from "../runtime/clock.ts";
import type { BackplaneEvent, PresenceEntry, RealtimeBackplane } from "./backplane.ts";

/** Options of {@link RedisBackplane}. */
export interface RedisBackplaneOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`; never echoed in errors. */
  readonly url: string;
  /** Names the channel and keys; instances of one service share it. Default `"allframe:realtime"`. */
  readonly prefix?: string;
  /** This instance's id in channel messages and presence keys; default a random UUID. */
  readonly instanceId?: string;
  /** Decides which instances are alive (their presence has not expired); default the wall clock. */
  readonly clock?: Clock;
  /** Upper bound for connecting, in milliseconds; default 5000. */
  readonly connectTimeoutMs?: number;
}

/** Header of a channel message: origin instance, event type, addressed user. A newline, then the frame. */
interface Envelope {
  readonly o: string;
  readonly t: string;
  readonly u?: string;
}

/**
 * A {@link RealtimeBackplane} on Redis. Channel `<prefix>:events`; messages are a JSON envelope line
 * (`{"o":instanceId,"t":eventType,"u"?:userId}`) then the frame, so the frame is encoded once.
 * Presence: hash `<prefix>:presence:<instanceId>` (user id → `"<connections> <since ms>"`, `PEXPIRE`
 * ttl, so Redis frees a dead instance's hash) and sorted set `<prefix>:instances` (instance id, scored
 * by the clock time its presence expires; readers skip, and writers prune, expired ones). Instances
 * compare their own clocks, so their skew must stay well under the ttl.
 *
 * @throws AllFrameError `"unavailable"` from every method when Redis cannot be reached, and after `close()`.
 * @example
 * const hub = new WebSocketHub({ heartbeatIntervalMs: 30_000, maxConnections: 10_000,
 *   backplane: new RedisBackplane({ url: process.env.REDIS_URL, prefix: "realtime-gateway" }) });
 */
export class RedisBackplane implements RealtimeBackplane {
  readonly instanceId: string;
  readonly #redis: RedisConnection;
  readonly #subscriber: RedisClient;
  readonly #channel: string;
  readonly #instances: string;
  readonly #presenceKey: string;
  readonly #prefix: string;
  readonly #clock: Clock;

  constructor(opts: RedisBackplaneOptions) {
    this.#prefix = opts.prefix ?? "allframe:realtime";
    this.instanceId = opts.instanceId ?? uuidGenerator();
    this.#clock = opts.clock ?? systemClock;
    this.#channel = `${this.#prefix}:events`;
    this.#instances = `${this.#prefix}:instances`;
    this.#presenceKey = this.#presenceKeyOf(this.instanceId);
    // A first connection that fails rejects start(); once connected, a dropped connection is
    // retried in the background (the subscriber resubscribes) while commands fail fast.
    this.#redis = new RedisConnection({
      url: opts.url,
      connectTimeoutMs: opts.connectTimeoutMs,
      closedError: (operation) => new AllFrameError("unavailable", `Redis backplane ${operation}: closed`),
      failure: (operation, cause) => {
        const why = cause instanceof Error ? cause.message : String(cause);
        return new AllFrameError(
          "unavailable",
          `Redis backplane ${operation} failed (${why}); check that the Redis server is reachable`,
          { cause },
        );
      },
    });
    this.#subscriber = this.#redis.duplicate();
  }

  async start(deliver: (event: BackplaneEvent) => void): Promise<void> {
    await this.#redis.run("start", async () => {
      await this.#subscriber.subscribe(this.#channel, (message: string) => {
        const event = this.#decode(message);
        if (event !== undefined) deliver(event);
      });
    });
  }

  async publish(event: BackplaneEvent): Promise<void> {
    const envelope: Envelope =
      event.userId === undefined
        ? { o: this.instanceId, t: event.eventType }
        : { o: this.instanceId, t: event.eventType, u: event.userId };
    await this.#redis.run("publish", (client) =>
      client.publish(this.#channel, `${JSON.stringify(envelope)}\n${event.frame}`),
    );
  }

  async sharePresence(users: readonly PresenceEntry[], ttlMs: number): Promise<void> {
    const now = this.#clock.now().getTime();
    const fields = Object.fromEntries(users.map((u) => [u.userId, `${u.connections} ${u.since}`]));
    await this.#redis.run("sharePresence", (client) => {
      const tx = client.multi().del(this.#presenceKey);
      if (users.length > 0) tx.hSet(this.#presenceKey, fields).pExpire(this.#presenceKey, Math.ceil(ttlMs));
      return tx
        .zAdd(this.#instances, { score: now + ttlMs, value: this.instanceId })
        .zRemRangeByScore(this.#instances, "-inf", now)
        .exec();
    });
  }

  async remotePresence(): Promise<PresenceEntry[]> {
    return this.#redis.run("remotePresence", async (client) => {
      const now = this.#clock.now().getTime();
      const alive = await client.zRangeByScore(this.#instances, `(${now}`, "+inf");
      const others = alive.filter((id) => id !== this.instanceId);
      const hashes = await Promise.all(others.map((id) => client.hGetAll(this.#presenceKeyOf(id))));
      return hashes.flatMap((hash) =>
        Object.entries(hash).map(([userId, value]) => {
          const [connections, since] = String(value).split(" ").map(Number);
          return { userId, connections: connections ?? 0, since: since ?? now };
        }),
      );
    });
  }

  close(): Promise<void> {
    // Best effort: when Redis is unreachable the presence expires on its own after its ttl.
    return this.#redis.close((client) =>
      client.multi().del(this.#presenceKey).zRem(this.#instances, this.instanceId).exec(),
    );
  }

  #presenceKeyOf(instanceId: string): string {
    return `${this.#prefix}:presence:${instanceId}`;
  }

  /** The event of a channel message, or `undefined` for this instance's own and for foreign messages. */
  #decode(message: string): BackplaneEvent | undefined {
    const newline = message.indexOf("\n");
    if (newline < 0) return undefined;
    try {
      const envelope = JSON.parse(message.slice(0, newline)) as Envelope;
      if (envelope.o === this.instanceId || typeof envelope.t !== "string") return undefined;
      const frame = message.slice(newline + 1);
      return typeof envelope.u === "string"
        ? { eventType: envelope.t, frame, userId: envelope.u }
        : { eventType: envelope.t, frame };
    } catch {
      return undefined;
    }
  }
}
