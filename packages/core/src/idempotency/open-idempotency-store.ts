/**
 * Picks the idempotency store from a URL (config `idempotency.storage`, env `IDEMPOTENCY_STORE_URL`),
 * so one service runs on memory in tests, SQLite in `npm run dev`, and Redis or PostgreSQL in
 * production.
 * @module
 */
import { AllFrameError } from "../errors/allframe-error.ts";
import { sqlitePathFromUrl } from "../persistence/open-document-store.ts";
import type { Clock, IdGenerator } from "../runtime/clock.ts";
import type { IdempotencyStore } from "./idempotency-store.ts";
import { MemoryIdempotencyStore } from "./memory-idempotency-store.ts";
import { PostgresIdempotencyStore } from "./postgres-idempotency-store.ts";
import { RedisIdempotencyStore } from "./redis-idempotency-store.ts";
import { SqliteIdempotencyStore } from "./sqlite-idempotency-store.ts";

/** The variable named in configuration errors unless `envVar` says otherwise. */
export const IDEMPOTENCY_STORE_ENV = "IDEMPOTENCY_STORE_URL";

/** Options for {@link openIdempotencyStore}. */
export interface OpenIdempotencyStoreOptions {
  /** Variable named in error messages; default `"IDEMPOTENCY_STORE_URL"`. */
  envVar?: string;
  /** Time source for expiry; default the system clock. */
  clock?: Clock;
  /** Lock tokens; default random UUIDs. */
  ids?: IdGenerator;
  /** SQL table (SQLite, PostgreSQL); default `allframe_idempotency_keys`. */
  table?: string;
  /** Redis key prefix; default `"allframe:idempotency"`. */
  keyPrefix?: string;
}

/**
 * Opens the store `url` names:
 * - `undefined`, `""` or `memory:` → {@link MemoryIdempotencyStore};
 * - `sqlite:<path>`, `file:<path>`, `sqlite::memory:` → {@link SqliteIdempotencyStore};
 * - `postgres://` / `postgresql://` → {@link PostgresIdempotencyStore} (connects on first use);
 * - `redis://` / `rediss://` → {@link RedisIdempotencyStore} (connects on first use).
 *
 * @throws AllFrameError `configuration` for any other scheme or an empty SQLite path; the message
 *   names the variable and never echoes the URL (it may hold a password).
 * @example
 * const store = openIdempotencyStore(process.env.IDEMPOTENCY_STORE_URL);
 */
export function openIdempotencyStore(
  url: string | undefined,
  opts: OpenIdempotencyStoreOptions = {},
): IdempotencyStore {
  const variable = opts.envVar ?? IDEMPOTENCY_STORE_ENV;
  const { clock, ids, table, keyPrefix } = opts;
  const trimmed = url?.trim() ?? "";
  if (trimmed === "" || trimmed.toLowerCase() === "memory:")
    return new MemoryIdempotencyStore({ clock, ids });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    return new PostgresIdempotencyStore({ url: trimmed, clock, ids, table });
  }
  if (scheme === "redis" || scheme === "rediss") {
    return new RedisIdempotencyStore({ url: trimmed, clock, ids, keyPrefix });
  }
  const path = sqlitePathFromUrl(trimmed);
  if (path === undefined) {
    const shown = scheme === undefined ? "has no scheme" : `has scheme "${scheme}:", which is not supported`;
    throw new AllFrameError(
      "configuration",
      `${variable} ${shown}; set it to memory:, sqlite:<path>, postgres://..., redis://... or unset it for the in-memory store`,
    );
  }
  if (path === "") {
    throw new AllFrameError(
      "configuration",
      `${variable} names no SQLite file; use e.g. sqlite:./data/idempotency.db`,
    );
  }
  return new SqliteIdempotencyStore({ path, clock, ids, table });
}
