/**
 * The hub's users: its open connections grouped by user id (for presence and for events addressed to
 * one user), and this instance's presence kept current on a backplane.
 * @module
 */
import { mergePresence, type PresenceEntry, type RealtimeBackplane } from "./backplane.ts";

/** What a connection must tell about itself. */
interface Connection {
  readonly userId: string;
  /** Connected at, epoch milliseconds. */
  readonly since: number;
}

/** A pino-compatible logger; only `warn` is used. */
interface Logger {
  warn(obj: object, msg?: string): void;
}

/** Construction options of {@link ConnectedUsers}. */
export interface ConnectedUsersOptions {
  /** Where this instance's presence is shared; absent, presence is this instance's only. */
  readonly backplane?: RealtimeBackplane;
  /** How long the shared presence lasts without a refresh, in milliseconds. */
  readonly presenceTtlMs: number;
  readonly logger?: Logger;
}

/**
 * Open connections by user. With a backplane, every change schedules a write of this instance's full
 * presence (`O(users)`); the writes of one turn of the event loop coalesce and at most one runs at a
 * time, so a burst of connections costs a few writes, and a failed write is logged and made good by
 * the next one.
 */
export class ConnectedUsers<C extends Connection> {
  readonly #byUser = new Map<string, Set<C>>();
  readonly #backplane: RealtimeBackplane | undefined;
  readonly #ttlMs: number;
  readonly #logger: Logger | undefined;
  #sharing = false;
  #dirty = false;
  #write: Promise<void> | undefined;

  constructor(opts: ConnectedUsersOptions) {
    this.#backplane = opts.backplane;
    this.#ttlMs = opts.presenceTtlMs;
    this.#logger = opts.logger;
  }

  /** The open connections of `userId`; empty when it has none. */
  of(userId: string): ReadonlySet<C> {
    return this.#byUser.get(userId) ?? new Set();
  }

  add(connection: C): void {
    const connections = this.#byUser.get(connection.userId);
    if (connections) connections.add(connection);
    else this.#byUser.set(connection.userId, new Set([connection]));
    this.share();
  }

  remove(connection: C): void {
    const connections = this.#byUser.get(connection.userId);
    if (!connections?.delete(connection)) return;
    if (connections.size === 0) this.#byUser.delete(connection.userId);
    this.share();
  }

  /** This instance's users: their connections and the earliest connection time. */
  local(): PresenceEntry[] {
    return [...this.#byUser].map(([userId, connections]) => {
      let since = Number.POSITIVE_INFINITY;
      for (const connection of connections) since = Math.min(since, connection.since);
      return { userId, connections: connections.size, since };
    });
  }

  /**
   * Every live instance's users, summed per user and sorted by user id.
   * @throws AllFrameError `"unavailable"` when the backplane cannot be read.
   */
  async all(): Promise<PresenceEntry[]> {
    const remote = this.#backplane ? await this.#backplane.remotePresence() : [];
    return mergePresence([...this.local(), ...remote]);
  }

  /** Starts sharing (writes now, and on every change and `share()` after). */
  startSharing(): void {
    this.#sharing = true;
    this.share();
  }

  /** Schedules a write of this instance's presence, which also renews its expiry; no-op unless sharing. */
  share(): void {
    if (this.#backplane === undefined || !this.#sharing) return;
    this.#dirty = true;
    this.#write ??= this.#writeLoop(this.#backplane);
  }

  /** Stops sharing and waits for the write in progress; the backplane's `close()` withdraws the presence. */
  async stopSharing(): Promise<void> {
    this.#sharing = false;
    await this.#write;
  }

  async #writeLoop(backplane: RealtimeBackplane): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#dirty && this.#sharing) {
      this.#dirty = false;
      try {
        await backplane.sharePresence(this.local(), this.#ttlMs);
      } catch (error) {
        this.#logger?.warn({ err: error }, "websocket presence not shared");
      }
    }
    this.#write = undefined;
  }
}
