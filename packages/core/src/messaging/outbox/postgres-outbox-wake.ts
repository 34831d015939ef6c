/**
 * The PostgreSQL outbox's wake-up across processes (LISTEN/NOTIFY), so a relay in one process starts
 * on a commit made in another at once instead of at its next poll.
 * @module
 */
import pg from "pg";

/** The channel every PostgreSQL outbox store of a database notifies and listens on. */
export const OUTBOX_CHANNEL = "allframe_outbox";

/** How long a lost LISTEN connection waits before it connects again, in ms; polling covers the gap. */
const RELISTEN_MS = 1000;

/**
 * Both halves of the cross-process wake-up of one store:
 *
 * - `notify()` sends `NOTIFY allframe_outbox` after a commit that enqueued, on its own short
 *   transaction: a NOTIFY inside the business transaction would serialise every notifying commit
 *   (PostgreSQL takes one database-wide lock from pre-commit to the end of the commit, fsync
 *   included) and undo group commit. At most one is in flight per store; commits meanwhile are folded
 *   into one more after it. A failed NOTIFY is dropped: relays also poll.
 * - `listen(true)` keeps one connection of its own (not the pool's) listening, and calls `onWake` on
 *   every notification; `listen(false)` ends it. A lost connection reconnects after a second.
 */
export class PostgresOutboxWake {
  readonly #pool: pg.Pool;
  readonly #onWake: () => void;
  #notifying = false;
  #again = false;
  #listening = false;
  #client: pg.Client | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(pool: pg.Pool, onWake: () => void) {
    this.#pool = pool;
    this.#onWake = onWake;
  }

  /** Sends one NOTIFY soon (or folds this call into the one in flight). Never throws. */
  notify(): void {
    if (this.#closed) return;
    if (this.#notifying) {
      this.#again = true;
      return;
    }
    this.#notifying = true;
    this.#pool
      .query("SELECT pg_notify($1, '')", [OUTBOX_CHANNEL])
      .catch(() => undefined)
      .finally(() => {
        this.#notifying = false;
        if (!this.#again) return;
        this.#again = false;
        this.notify();
      });
  }

  /** Starts (`true`) or stops (`false`) listening; idempotent. */
  listen(on: boolean): void {
    if (on === this.#listening || this.#closed) return;
    this.#listening = on;
    if (on) this.#connect();
    else this.#disconnect();
  }

  /** Stops listening and notifying for good. */
  close(): void {
    this.#closed = true;
    this.#listening = false;
    this.#disconnect();
  }

  #connect(): void {
    if (!this.#listening || this.#client !== undefined) return;
    const client = new pg.Client(this.#pool.options);
    this.#client = client;
    const lost = (): void => {
      if (this.#client !== client) return;
      this.#client = undefined;
      void client.end().catch(() => undefined);
      if (!this.#listening) return;
      this.#retry = setTimeout(() => this.#connect(), RELISTEN_MS);
      this.#retry.unref?.();
    };
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", () => this.#onWake());
    client
      .connect()
      .then(() => client.query(`LISTEN ${OUTBOX_CHANNEL}`))
      .catch(lost);
  }

  #disconnect(): void {
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    void client?.end().catch(() => undefined);
  }
}
