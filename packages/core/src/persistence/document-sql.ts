/**
 * The SQL of one document collection on SQLite and on PostgreSQL, in one place: the SQL document
 * stores run it on their own connections, and the outbox's document store runs it inside the business
 * transaction, so every store keeps documents in the same table layout.
 * @module
 */
import { assertCollectionName } from "./document-store.ts";

/** The SQL engines a collection can live on. */
export type DocumentEngine = "sqlite" | "postgres";

/**
 * The statements of one collection. Parameters are positional (`?1` on SQLite, `$1` on PostgreSQL):
 * `get` and `delete` take `[id]`; `put` takes `[id, json]`; `list` takes `listParams(limit, offset)`;
 * `count` takes none and answers a row with `n`; `get` and `list` answer rows with `doc`;
 * `delete` answers one row per deleted document.
 */
export interface DocumentSql {
  /** Idempotent DDL, to run in order inside one transaction. */
  readonly create: readonly string[];
  readonly get: string;
  readonly list: string;
  readonly put: string;
  readonly delete: string;
  readonly count: string;
  /** `list`'s parameters; `limit` may be `Infinity` (no limit). */
  listParams(limit: number, offset: number): unknown[];
}

/**
 * The statements for `collection` on `engine`. Table `<collection>(seq, id UNIQUE, doc)`: `seq` keeps
 * insertion order across upserts; `doc` is JSON text on SQLite, `jsonb` on PostgreSQL. PostgreSQL's DDL
 * takes a transaction-scoped advisory lock first, so two instances creating the table do not race.
 * @throws AllFrameError `configuration` for a collection name `assertCollectionName` refuses.
 */
export function documentSql(engine: DocumentEngine, collection: string): DocumentSql {
  assertCollectionName(collection);
  const t = `"${collection}"`;
  if (engine === "sqlite") {
    return {
      create: [
        `CREATE TABLE IF NOT EXISTS ${t} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL) STRICT`,
      ],
      get: `SELECT doc FROM ${t} WHERE id = ?1`,
      list: `SELECT doc FROM ${t} ORDER BY seq LIMIT ?1 OFFSET ?2`,
      put: `INSERT INTO ${t} (id, doc) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`,
      delete: `DELETE FROM ${t} WHERE id = ?1 RETURNING id`,
      count: `SELECT COUNT(*) AS n FROM ${t}`,
      // SQLite reads a negative LIMIT as "no limit".
      listParams: (limit, offset) => [Number.isFinite(limit) ? limit : -1, offset],
    };
  }
  return {
    create: [
      // The collection name is a checked identifier, so it is safe inside the literal.
      `SELECT pg_advisory_xact_lock(hashtext('allframe.document-store.${collection}'))`,
      `CREATE TABLE IF NOT EXISTS ${t} (seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, doc jsonb NOT NULL)`,
    ],
    get: `SELECT doc FROM ${t} WHERE id = $1`,
    list: `SELECT doc FROM ${t} ORDER BY seq LIMIT $1 OFFSET $2`,
    put: `INSERT INTO ${t} (id, doc) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
    delete: `DELETE FROM ${t} WHERE id = $1 RETURNING id`,
    count: `SELECT count(*)::int AS n FROM ${t}`,
    listParams: (limit, offset) => [Number.isFinite(limit) ? limit : null, offset],
  };
}

/** A `doc` column as both engines return it (JSON text on SQLite, parsed `jsonb` on PostgreSQL). */
export function documentFromColumn<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
