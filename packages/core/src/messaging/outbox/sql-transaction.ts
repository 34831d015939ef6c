/**
 * One business transaction on SQLite or PostgreSQL, handed to application code so its own writes and
 * the outbox row (or the inbox record) commit together: the heart of the Transactional Outbox
 * (Chris Richardson, microservices.io, "Pattern: Transactional outbox").
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type pg from "pg";
import type { SerialQueue } from "../../cqrs/serial-queue.ts";
import { AllFrameError, isAllFrameError } from "../../errors/allframe-error.ts";

/** The engines a {@link SqlTransaction} can run on. */
export const SQL_ENGINES = ["sqlite", "postgres"] as const;
export type SqlEngine = (typeof SQL_ENGINES)[number];

/**
 * An open transaction. `query` runs one statement in it: SQLite takes `?` or `?1` placeholders,
 * PostgreSQL `$1`. Valid only until the callback that received it settles.
 */
export interface SqlTransaction {
  readonly kind: SqlEngine;
  /**
   * Runs one SQL statement and resolves with its rows (`[]` for a statement without results).
   * @throws AllFrameError `"unsupported"` after the transaction has ended; the driver's error otherwise.
   */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** Work done inside a transaction; its result becomes the result of the transaction helper. */
export type TransactionWork<T> = (tx: SqlTransaction) => Promise<T>;

function endedError(): AllFrameError {
  return new AllFrameError(
    "unsupported",
    "this transaction has ended; use the handle only inside the callback that received it",
  );
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * Converts a PostgreSQL driver failure: connection loss, a server shutting down or out of connections
 * (SQLSTATE classes 08, 53, 57P) → `"unavailable"`; anything else → `"internal"`. AllFrameErrors pass
 * through unchanged.
 */
export function postgresFailure(what: string, error: unknown): AllFrameError {
  if (isAllFrameError(error)) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const lost =
    (typeof code === "string" && (NETWORK_CODES.has(code) || /^(08|53|57P)/.test(code))) ||
    /Connection terminated|connection timeout|connection error|not queryable/i.test(message);
  return new AllFrameError(lost ? "unavailable" : "internal", `PostgreSQL ${what}: ${message}`, {
    cause: error,
  });
}

/** Converts a SQLite failure (busy, I/O, constraint) to `"unavailable"`; AllFrameErrors pass through. */
export function sqliteFailure(what: string, error: unknown): AllFrameError {
  if (isAllFrameError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AllFrameError("unavailable", `SQLite ${what}: ${message}`, { cause: error });
}

/**
 * Runs `work` in `BEGIN … COMMIT` on one connection of `pool`; rolls back and rethrows when `work`
 * throws. A connection that failed mid-transaction is destroyed rather than returned to the pool.
 *
 * @throws whatever `work` throws; AllFrameError `"unavailable"` when the server cannot be reached.
 * @example
 * await withPostgresTransaction(pool, async (tx) => {
 *   await tx.query("UPDATE orders SET status = $1 WHERE id = $2", ["paid", id]);
 *   await outbox.enqueue(tx, [event]);
 * });
 */
export async function withPostgresTransaction<T>(pool: pg.Pool, work: TransactionWork<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw postgresFailure("connect", error);
  }
  let open = true;
  let broken: unknown;
  // A checked-out client that loses its server emits 'error' between queries; without a listener that
  // would crash the process. The next query then fails, and the client is destroyed on release.
  const onLost = (error: unknown) => {
    broken = error;
  };
  client.on("error", onLost);
  const tx: SqlTransaction = Object.freeze({
    kind: "postgres" as const,
    query: async <R>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
      if (!open) throw endedError();
      return (await client.query(sql, params as unknown[])).rows as R[];
    },
  });
  try {
    await client.query("BEGIN");
    const result = await work(tx);
    open = false;
    await client.query("COMMIT");
    return result;
  } catch (error) {
    open = false;
    await client.query("ROLLBACK").catch((rollbackError: unknown) => {
      broken = rollbackError;
    });
    throw isAllFrameError(error) || !isDriverError(error) ? error : postgresFailure("transaction", error);
  } finally {
    client.off("error", onLost);
    client.release(broken === undefined ? undefined : (broken as Error));
  }
}

function isDriverError(error: unknown): boolean {
  return typeof error === "object" && error !== null && ("code" in error || "severity" in error);
}

/**
 * Runs `work` in `BEGIN IMMEDIATE … COMMIT` on `db`, in turn with every other writer of the same file in
 * this process (`queue`), so an awaiting callback never lets another write slip into its transaction.
 * `BEGIN IMMEDIATE` takes SQLite's write lock at once, serialising writers in other processes too.
 *
 * @throws whatever `work` throws (after `ROLLBACK`); AllFrameError `"unavailable"` when the lock is
 *   not granted within the connection's busy timeout.
 */
export function withSqliteTransaction<T>(
  db: DatabaseSync,
  queue: SerialQueue,
  work: TransactionWork<T>,
): Promise<T> {
  return queue.run(async () => {
    let open = true;
    const tx: SqlTransaction = Object.freeze({
      kind: "sqlite" as const,
      query: async <R>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
        if (!open) throw endedError();
        // node:sqlite rows have a null prototype; hand out plain objects like pg does.
        return db
          .prepare(sql)
          .all(...(params as SQLInputValue[]))
          .map((row) => ({ ...row })) as R[];
      },
    });
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      throw sqliteFailure("begin", error);
    }
    try {
      const result = await work(tx);
      open = false;
      db.exec("COMMIT");
      return result;
    } catch (error) {
      open = false;
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  });
}
