/**
 * The PostgreSQL migration session: one dedicated connection holding a session advisory lock for the
 * whole command, each migration in its own transaction (PostgreSQL's DDL is transactional).
 * @module
 */
import pg from "pg";
import { AllFrameError } from "../../errors/allframe-error.ts";
import type { MigrationSession } from "./migration-session.ts";

/** The advisory lock every AllFrame migration runner on a database takes (a fixed text, hashed by the server). */
const LOCK = "SELECT pg_advisory_lock(hashtext('allframe.migrations'))";
const UNLOCK = "SELECT pg_advisory_unlock(hashtext('allframe.migrations'))";

/**
 * Connects to `url`.
 * @throws AllFrameError `unavailable` when the server cannot be reached; the message never echoes the
 *   URL (it may hold a password).
 */
export async function openPostgresMigrationSession(url: string): Promise<MigrationSession> {
  const client = new pg.Client({ connectionString: url });
  // A connection lost while idle is reported by the next query; without a listener it would crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => undefined);
    throw new AllFrameError(
      "unavailable",
      `cannot connect to PostgreSQL to migrate it: ${(cause as Error).message}`,
      { cause },
    );
  }
  return {
    db: {
      dialect: "postgres",
      async exec(sql) {
        await client.query(sql);
      },
      async query(sql, params = []) {
        return (await client.query(sql, params as unknown[])).rows;
      },
    },
    async locked(fn) {
      await client.query(LOCK);
      try {
        return await fn();
      } finally {
        await client.query(UNLOCK).catch(() => undefined);
      }
    },
    async atomically(fn) {
      await client.query("BEGIN");
      try {
        const result = await fn();
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
