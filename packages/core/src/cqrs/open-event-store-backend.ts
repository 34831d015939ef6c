/**
 * Picks the event store backend from `DATABASE_URL`, so one generated service runs on memory in unit
 * tests, on a SQLite file in `npm run dev`, and on PostgreSQL in production.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { sqlitePathFromUrl } from "../persistence/open-document-store.ts";
import type { EventStoreBackend } from "./event-store-backend.ts";
import { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
import { PostgresEventStoreBackend } from "./postgres-event-store-backend.ts";
import { SqliteEventStoreBackend } from "./sqlite-event-store-backend.ts";

/**
 * Opens the backend `url` names:
 * - `undefined`, `""` or `memory:` → {@link InMemoryEventStoreBackend};
 * - `sqlite:<path>` or `file:<path>` (also `sqlite:///abs/path`, `file:///abs/path`) →
 *   {@link SqliteEventStoreBackend}, creating the folder; `?synchronous=normal` trades durability on
 *   power loss for ~10× faster single appends (default `full`, see the backend);
 * - `postgres://` or `postgresql://` → {@link PostgresEventStoreBackend}, creating its tables if
 *   absent (idempotent, under an advisory lock).
 *
 * @throws AllFrameError `"configuration"` for any other scheme, an empty or in-memory SQLite path, or
 *   a SQLite file that cannot be opened (messages name `DATABASE_URL` and never echo the URL, which may
 *   hold a password); `"unavailable"` when PostgreSQL cannot be reached.
 * @example
 * const backend = await openEventStoreBackend(process.env.DATABASE_URL);
 * const store = new EventStore({ backend });
 */
export async function openEventStoreBackend(url?: string): Promise<EventStoreBackend> {
  const trimmed = url?.trim() ?? "";
  if (trimmed === "" || trimmed.toLowerCase() === "memory:") return new InMemoryEventStoreBackend();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    const backend = new PostgresEventStoreBackend({ url: trimmed });
    try {
      await backend.migrate();
    } catch (error) {
      await backend.close();
      throw error;
    }
    return backend;
  }
  const path = sqlitePathFromUrl(trimmed);
  if (path === undefined) {
    const shown = scheme === undefined ? "has no scheme" : `has scheme "${scheme}:", which is not supported`;
    throw new AllFrameError(
      "configuration",
      `DATABASE_URL ${shown}; set it to memory:, sqlite:<path>, file:<path> or postgres://…, or unset it for the in-memory event store`,
    );
  }
  if (path === "" || path === ":memory:") {
    throw new AllFrameError(
      "configuration",
      "DATABASE_URL names no SQLite file; use e.g. sqlite:./data/events.db, or memory: for an in-memory store",
    );
  }
  const synchronous = new URLSearchParams(trimmed.split("?")[1] ?? "").get("synchronous")?.toLowerCase();
  if (synchronous !== undefined && synchronous !== "full" && synchronous !== "normal") {
    throw new AllFrameError("configuration", "DATABASE_URL: synchronous must be full or normal");
  }
  return new SqliteEventStoreBackend({ path, ...(synchronous === undefined ? {} : { synchronous }) });
}
