/**
 * Opens the Transactional Outbox a service's `DATABASE_URL` names: the outbox store (for the relay)
 * and document stores whose writes commit in the outbox's transactions, all on one database.
 * @module
 */
import type { Document } from "../../persistence/document-store.ts";
import { leasePool, type PoolLease } from "../../persistence/postgres-pool.ts";
import { parseStoreUrl } from "../../persistence/store-url.ts";
import type { Clock, IdGenerator } from "../../runtime/clock.ts";
import { OutboxDocumentStore } from "./outbox-document-store.ts";
import type { OutboxStore, OutboxStoreOptions } from "./outbox-store.ts";
import { PostgresOutboxStore } from "./postgres-outbox-store.ts";
import type { RunSql } from "./sql-dead-letters.ts";
import { SqliteOutboxStore } from "./sqlite-outbox-store.ts";

/** Options of {@link openTransactionalOutbox}. */
export interface OpenTransactionalOutboxOptions extends OutboxStoreOptions {
  /** Variable named in configuration errors; default `"DATABASE_URL"`. */
  readonly envVar?: string;
  /** Time for leases, retry delays and timestamps; default the system clock. */
  readonly clock?: Clock;
  /** Dead-letter ids; default random UUIDs. */
  readonly ids?: IdGenerator;
}

/** An open outbox database: hand `store` to an `OutboxRelay`, write through `documents(...)`. */
export interface TransactionalOutbox {
  /** `"memory"` (a private in-memory SQLite database), `"sqlite"` or `"postgres"`. */
  readonly kind: "memory" | "sqlite" | "postgres";
  /** The outbox itself: the relay drains it; its `deadLetters` hold what could not be published. */
  readonly store: OutboxStore;
  /**
   * A document store for `collection` on this database whose writes can enqueue events in the same
   * transaction. @throws AllFrameError `configuration` for a bad collection name.
   */
  documents<T extends Document>(collection: string): OutboxDocumentStore<T>;
  /** Closes the outbox store and the connection; document stores from it fail afterwards. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the outbox `url` names (the spellings of `parseStoreUrl`):
 * - `undefined`, `""` or `memory:` → a `SqliteOutboxStore` on a private in-memory SQLite database: the
 *   same transactions and relay as on a file, for tests; what is not yet relayed is lost at `close()`;
 * - `sqlite:<path>` / `file:<path>` → a `SqliteOutboxStore` on that file (folder created), the
 *   documents' tables beside the outbox's;
 * - `postgres://…` → a `PostgresOutboxStore` on the pool shared per URL; document reads use the pool
 *   outside transactions.
 *
 * @throws AllFrameError `configuration` for another scheme, an empty SQLite path or a file that cannot
 *   be opened (messages name the variable, never the URL); `unavailable` later, when PostgreSQL cannot
 *   be reached.
 * @example
 * const outbox = openTransactionalOutbox(config.DATABASE_URL);
 * const users = outbox.documents<User>("user");
 * const relay = new OutboxRelay({ store: outbox.store, bus });
 * await users.put(user, [createEvent("UserCreated", user, { source: "users", key: user.id })]);
 */
export function openTransactionalOutbox(
  url: string | undefined,
  opts: OpenTransactionalOutboxOptions = {},
): TransactionalOutbox {
  const { envVar, ...storeOptions } = opts;
  const location = parseStoreUrl(url, envVar ?? "DATABASE_URL");
  let store: OutboxStore;
  let lease: PoolLease | undefined;
  let read: RunSql | undefined;
  if (location.engine === "postgres") {
    store = new PostgresOutboxStore({ url: location.url, ...storeOptions });
    const pool = leasePool(location.url);
    lease = pool;
    read = async (sql, params) => (await pool.pool.query(sql, params as unknown[])).rows;
  } else {
    store = new SqliteOutboxStore({
      path: location.engine === "memory" ? ":memory:" : location.path,
      ...storeOptions,
    });
  }
  const kind = location.engine;
  let closing: Promise<void> | undefined;
  return {
    kind,
    store,
    documents: <T extends Document>(collection: string) =>
      new OutboxDocumentStore<T>({
        outbox: store,
        collection,
        kind,
        ...(read === undefined ? {} : { read }),
      }),
    close: () => {
      closing ??= (async () => {
        await store.close();
        await lease?.release();
      })();
      return closing;
    },
  };
}
