/**
 * Opens a consumer's dead-letter queue from `DATABASE_URL`, so parked events survive a restart: in
 * memory for tests, a SQLite file in `npm run dev`, PostgreSQL in production (seed: consumer
 * `dead_letter_queue`; issue 4, "a dead-letter queue holding the original message, the error and the
 * attempt count").
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";
import { parseStoreUrl } from "../../persistence/store-url.ts";
import type { OutboxStore } from "../outbox/outbox-store.ts";
import { PostgresOutboxStore } from "../outbox/postgres-outbox-store.ts";
import { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.ts";
import {
  assertDeadLetterConsumer,
  type DeadLetter,
  type DeadLetterQueue,
  InMemoryDeadLetterQueue,
} from "./dead-letter-queue.ts";

/** Options of {@link openDeadLetterQueue}. */
export interface OpenDeadLetterQueueOptions {
  /**
   * Limits the queue to this consumer's entries (it lists, counts and removes only those, and refuses
   * to add another consumer's), so services sharing a database keep their dead letters apart.
   * Default: every entry in the table.
   */
  readonly consumer?: string;
  /** Variable named in configuration errors; default `"DATABASE_URL"`. */
  readonly envVar?: string;
}

/** A dead-letter queue this process opened, and must close. */
export interface OpenedDeadLetterQueue extends DeadLetterQueue {
  readonly kind: "memory" | "sqlite" | "postgres";
  /** Releases the connection; later calls fail with AllFrameError `unavailable`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Delegates to `queue` until `close()`, which also closes `owner` (the store holding the table).
 * Refuses entries of a consumer other than `consumer` (the SQL queue's view does too; the in-memory
 * queue is private to this opener, so this check is what limits it).
 */
class ClosableDeadLetterQueue implements OpenedDeadLetterQueue {
  readonly kind: OpenedDeadLetterQueue["kind"];
  readonly #queue: DeadLetterQueue;
  readonly #consumer: string | undefined;
  readonly #owner: OutboxStore | undefined;
  #closed = false;

  constructor(
    kind: OpenedDeadLetterQueue["kind"],
    queue: DeadLetterQueue,
    consumer: string | undefined,
    owner?: OutboxStore,
  ) {
    this.kind = kind;
    this.#queue = queue;
    this.#consumer = consumer;
    this.#owner = owner;
  }

  #open(): DeadLetterQueue {
    if (this.#closed) throw new AllFrameError("unavailable", `the ${this.kind} dead-letter queue is closed`);
    return this.#queue;
  }

  /** @throws AllFrameError `conflict` for an id in use; `validation` for another consumer's entry. */
  async add(entry: DeadLetter): Promise<void> {
    const queue = this.#open();
    assertDeadLetterConsumer(entry, this.#consumer);
    await queue.add(entry);
  }

  async list(): Promise<DeadLetter[]> {
    return this.#open().list();
  }

  async remove(id: string): Promise<DeadLetter | undefined> {
    return this.#open().remove(id);
  }

  async size(): Promise<number> {
    return this.#open().size();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#owner?.close();
  }
}

/**
 * Opens the dead-letter queue `url` names (the spellings of `parseStoreUrl`):
 * - `undefined`, `""` or `memory:` → an {@link InMemoryDeadLetterQueue} (lost on restart);
 * - `sqlite:<path>` / `file:<path>` → table `allframe_outbox_dead` in that file (folder and tables
 *   created; WAL, so a parked event survives a crash once `add` resolved);
 * - `postgres://…` → the same table on PostgreSQL (created by the outbox migrations on first use).
 *
 * The table is the Transactional Outbox's dead-letter table (`SqlDeadLetterQueue`): a service's relay
 * and its consumers park messages in one place, each entry naming its `consumer`; the outbox table
 * itself is created alongside and stays empty unless the service also uses an outbox.
 *
 * @throws AllFrameError `configuration` for another scheme, an empty SQLite path or a file that cannot
 *   be opened (messages name the variable, never the URL); later `unavailable` when the database fails.
 * @example
 * const dlq = openDeadLetterQueue(config.DATABASE_URL, { consumer: "notification-service" });
 * const consumer = new Consumer(bus, { name: "notification-service", events, deadLetterQueue: dlq }, handle);
 * host.onShutdown("dead-letter-queue", () => dlq.close());
 */
export function openDeadLetterQueue(
  url: string | undefined,
  opts: OpenDeadLetterQueueOptions = {},
): OpenedDeadLetterQueue {
  const location = parseStoreUrl(url, opts.envVar ?? "DATABASE_URL");
  const { consumer } = opts;
  if (location.engine === "memory")
    return new ClosableDeadLetterQueue("memory", new InMemoryDeadLetterQueue(), consumer);
  const store =
    location.engine === "postgres"
      ? new PostgresOutboxStore({ url: location.url })
      : new SqliteOutboxStore({ path: location.path });
  const queue = consumer === undefined ? store.deadLetters : store.deadLetters.forConsumer(consumer);
  return new ClosableDeadLetterQueue(location.engine, queue, consumer, store);
}
