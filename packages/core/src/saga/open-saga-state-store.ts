/**
 * Picks the saga state store from `DATABASE_URL`, the variable that also picks the event store, so a
 * generated saga-orchestrator keeps its sagas in the same database: memory in tests, a SQLite file in
 * `npm run dev`, PostgreSQL in production.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { sqlitePathFromUrl } from "../persistence/open-document-store.ts";
import { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
import { PostgresSagaStateStore } from "./postgres-saga-state-store.ts";
import type { SagaStateStore } from "./saga-state-store.ts";
import { SqliteSagaStateStore } from "./sqlite-saga-state-store.ts";

/** Options of {@link openSagaStateStore}. */
export interface OpenSagaStateStoreOptions {
  /** Variable named in error messages; default `"DATABASE_URL"`. */
  readonly envVar?: string;
  /** Table name for the durable stores; default `allframe_saga_instances`. */
  readonly table?: string;
}

/**
 * Opens the store `url` names:
 * - `undefined`, `""` or `memory:` → {@link InMemorySagaStateStore};
 * - `sqlite:<path>`, `sqlite://<path>`, `file:<path>`, `file:///abs/path` or `sqlite::memory:` →
 *   {@link SqliteSagaStateStore} (WAL; the parent folder is created);
 * - `postgres://...` or `postgresql://...` → {@link PostgresSagaStateStore} (table created on first use).
 *
 * @throws AllFrameError `"configuration"` for any other scheme or an empty SQLite path; the message
 *   names the variable and never echoes the URL (it may hold a password).
 * @example
 * const store = openSagaStateStore(process.env.DATABASE_URL);
 */
export function openSagaStateStore(url?: string, opts: OpenSagaStateStoreOptions = {}): SagaStateStore {
  const variable = opts.envVar ?? "DATABASE_URL";
  const table = opts.table === undefined ? {} : { table: opts.table };
  const value = url?.trim() ?? "";
  if (value === "" || value.toLowerCase() === "memory:") return new InMemorySagaStateStore();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql")
    return new PostgresSagaStateStore({ connectionString: value, ...table });
  const path = sqlitePathFromUrl(value);
  if (path === undefined) {
    const shown = scheme === undefined ? "has no scheme" : `has scheme "${scheme}:", which is not supported`;
    throw new AllFrameError(
      "configuration",
      `${variable} ${shown} for the saga state store; set it to memory:, sqlite:<path>, file:<path> or postgres://..., or unset it for the in-memory store`,
    );
  }
  if (path === "")
    throw new AllFrameError(
      "configuration",
      `${variable} names no SQLite file; use e.g. sqlite:./data/app.db`,
    );
  return new SqliteSagaStateStore({ path, ...table });
}
