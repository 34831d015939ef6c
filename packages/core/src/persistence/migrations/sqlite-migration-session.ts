/**
 * The SQLite migration session on `node:sqlite`: the whole command runs in one `BEGIN IMMEDIATE`
 * write transaction (SQLite's only cross-process lock), each migration in a savepoint inside it.
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { MigrationSession } from "./migration-session.ts";

/**
 * Runners in this process queue per file before taking SQLite's lock: `node:sqlite` waits for a busy
 * lock synchronously, so a second runner in the same process would block the thread the first one
 * needs to finish (as under `allframe dev`, where every service shares one process).
 */
const queues = new Map<string, Promise<unknown>>();

/**
 * Opens `path` (creating its parent folder), waiting up to `busyTimeoutMs` for another process's lock.
 * @throws AllFrameError `configuration` when the file cannot be opened.
 */
export function openSqliteMigrationSession(path: string, busyTimeoutMs = 5000): MigrationSession {
  let sqlite: DatabaseSync;
  try {
    mkdirSync(dirname(path), { recursive: true });
    sqlite = new DatabaseSync(path, { timeout: busyTimeoutMs });
  } catch (cause) {
    throw new AllFrameError(
      "configuration",
      `cannot open SQLite database "${path}" to migrate it: ${(cause as Error).message}`,
      { cause },
    );
  }
  return {
    db: {
      dialect: "sqlite",
      async exec(sql) {
        sqlite.exec(sql);
      },
      async query(sql, params = []) {
        // Plain objects, as from PostgreSQL (node:sqlite answers null-prototype rows).
        return sqlite
          .prepare(sql)
          .all(...(params as SQLInputValue[]))
          .map((row) => ({ ...row }));
      },
    },
    locked(fn) {
      const key = resolve(path);
      const run = async () => {
        sqlite.exec("BEGIN IMMEDIATE");
        try {
          return await fn();
        } finally {
          if (sqlite.isTransaction) sqlite.exec("COMMIT");
        }
      };
      const result = (queues.get(key) ?? Promise.resolve()).then(run);
      const settled = result.then(
        () => undefined,
        () => undefined,
      );
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return result;
    },
    async atomically(fn) {
      sqlite.exec("SAVEPOINT allframe_migration");
      try {
        const result = await fn();
        sqlite.exec("RELEASE allframe_migration");
        return result;
      } catch (error) {
        sqlite.exec("ROLLBACK TO allframe_migration");
        sqlite.exec("RELEASE allframe_migration");
        throw error;
      }
    },
    async close() {
      if (sqlite.isOpen) sqlite.close();
    },
  };
}
