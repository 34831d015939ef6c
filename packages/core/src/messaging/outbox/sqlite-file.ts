/**
 * Opening the SQLite file an outbox or inbox lives in: the caller's open database, or a file (its folder
 * created), in WAL mode with the store's schema applied, plus this process's write-turn queue for that
 * file, shared with every other store on it (the event store too), so their transactions take turns.
 * @module
 */
import { mkdirSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { leaseSerialQueue, SerialQueue } from "../../cqrs/serial-queue.ts";
import { AllFrameError } from "../../errors/allframe-error.ts";

/** An open store file; `close()` releases the queue and closes the database if this opened it. */
export interface SqliteFile {
  readonly db: DatabaseSync;
  readonly queue: SerialQueue;
  close(): void;
}

/**
 * Opens `opts.database` or `opts.path` and applies `schema` (idempotent DDL).
 * @param what names the store in errors, e.g. "outbox".
 * @throws AllFrameError `configuration` naming the file when it cannot be opened or the schema fails.
 */
export function openSqliteFile(
  opts: { readonly path?: string; readonly database?: DatabaseSync; readonly busyTimeoutMs?: number },
  schema: string,
  what: string,
): SqliteFile {
  const path = opts.path ?? opts.database?.location() ?? undefined;
  let db: DatabaseSync;
  let owned: boolean;
  try {
    if (opts.database !== undefined) {
      db = opts.database;
      owned = false;
    } else if (opts.path !== undefined && opts.path !== "") {
      if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
      db = new DatabaseSync(opts.path, { timeout: opts.busyTimeoutMs ?? 5000 });
      owned = true;
    } else {
      throw new Error("give a path or an open database");
    }
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(schema);
  } catch (cause) {
    throw new AllFrameError("configuration", `cannot open the SQLite ${what} at ${path ?? "?"}`, { cause });
  }
  const lease =
    path === undefined || path === null || path === ":memory:"
      ? { queue: new SerialQueue(), release: () => {} }
      : leaseSerialQueue(realpathSync(path));
  return {
    db,
    queue: lease.queue,
    close() {
      lease.release();
      if (owned) db.close();
    },
  };
}
