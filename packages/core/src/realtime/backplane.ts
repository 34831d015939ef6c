/**
 * The backplane port: how the hubs of several instances of one service share published events and
 * presence (the "backplane" of SignalR's scale-out; Socket.IO calls it an adapter). Every instance
 * delivers to its own connections; the backplane carries each published event to the other instances
 * and keeps each instance's presence under an expiry, so the users of an instance that died disappear.
 * Implementation: `RedisBackplane` (Redis pub/sub and keys with expiry).
 * @module
 */

/** One user's open connections, on one instance or summed over several. */
export interface PresenceEntry {
  /** The connection's user: the `sub` of its token, or `"anonymous"`. */
  readonly userId: string;
  /** Open connections of the user. */
  readonly connections: number;
  /** When the earliest of them connected, epoch milliseconds. */
  readonly since: number;
}

/** An event on its way from the instance that published it to the others. */
export interface BackplaneEvent {
  /** The event type clients subscribe to, e.g. `"OrderStatusChanged"`. */
  readonly eventType: string;
  /** The `event` frame as clients receive it (JSON text), encoded once by the publishing instance. */
  readonly frame: string;
  /** Only this user's connections receive it; absent, every subscriber of the type does. */
  readonly userId?: string;
}

/**
 * Carries events and presence between the instances of one service. Each instance has its own
 * backplane object; they meet on a shared medium (Redis).
 */
export interface RealtimeBackplane {
  /**
   * Starts receiving: `deliver` runs for each event another instance publishes (never for this
   * instance's own, which it has already delivered).
   * @throws AllFrameError `"unavailable"` when the medium cannot be reached.
   */
  start(deliver: (event: BackplaneEvent) => void): Promise<void>;
  /**
   * Sends `event` to every other instance.
   * @throws AllFrameError `"unavailable"` when the medium cannot be reached.
   */
  publish(event: BackplaneEvent): Promise<void>;
  /**
   * Replaces this instance's presence with `users`; other instances see it until `ttlMs`
   * milliseconds pass without another call (the instance is then taken for dead).
   * @throws AllFrameError `"unavailable"` when the medium cannot be reached.
   */
  sharePresence(users: readonly PresenceEntry[], ttlMs: number): Promise<void>;
  /**
   * Presence on the other live instances, one entry per user and instance.
   * @throws AllFrameError `"unavailable"` when the medium cannot be reached.
   */
  remotePresence(): Promise<PresenceEntry[]>;
  /** Stops receiving, withdraws this instance's presence and releases connections; idempotent. */
  close(): Promise<void>;
}

/** Sums the entries of each user (connections add up, `since` is the earliest), sorted by user id. */
export function mergePresence(entries: Iterable<PresenceEntry>): PresenceEntry[] {
  const users = new Map<string, PresenceEntry>();
  for (const entry of entries) {
    const seen = users.get(entry.userId);
    users.set(
      entry.userId,
      seen === undefined
        ? entry
        : {
            userId: entry.userId,
            connections: seen.connections + entry.connections,
            since: Math.min(seen.since, entry.since),
          },
    );
  }
  return [...users.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}
