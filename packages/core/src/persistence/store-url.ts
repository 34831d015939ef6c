/**
 * Reading a store URL (`DATABASE_URL` and friends) into the engine it names, so every opener in the
 * runtime accepts the same spellings and reports a bad value the same way.
 * @module
 */
import { fileURLToPath } from "node:url";
import { AllFrameError } from "../errors/allframe-error.ts";

/**
 * Resolves a store URL to a SQLite path: `sqlite:./data/app.db`, `sqlite://./data/app.db`,
 * `sqlite:///abs/app.db`, `file:./data/app.db`, `file:///abs/app.db`, `sqlite::memory:`.
 * Query strings are ignored. Returns undefined when the URL is not a SQLite URL.
 */
export function sqlitePathFromUrl(url: string): string | undefined {
  const lower = url.toLowerCase();
  if (lower.startsWith("file://")) return fileURLToPath(url.split("?")[0] ?? url);
  let rest: string;
  if (lower.startsWith("sqlite:")) rest = url.slice("sqlite:".length);
  else if (lower.startsWith("file:")) rest = url.slice("file:".length);
  else return undefined;
  rest = rest.split("?")[0] ?? "";
  if (rest.startsWith("//")) rest = rest.slice(2);
  return rest;
}

/** Where a store lives, as {@link parseStoreUrl} read it. */
export type StoreLocation =
  | { readonly engine: "memory" }
  /** `path` is a file path or `":memory:"` (a private in-memory SQLite database). */
  | { readonly engine: "sqlite"; readonly path: string }
  /** `url` is the trimmed `postgres://` / `postgresql://` connection string. */
  | { readonly engine: "postgres"; readonly url: string };

/**
 * Reads a store URL:
 * - `undefined`, `""` or `memory:` → `{ engine: "memory" }`;
 * - `sqlite:<path>`, `file:<path>` (see {@link sqlitePathFromUrl}), `sqlite::memory:` → `sqlite`;
 * - `postgres://…` / `postgresql://…` → `postgres`.
 *
 * @param variable the variable named in errors, e.g. `"DATABASE_URL"`.
 * @throws AllFrameError `configuration` for any other scheme or an empty SQLite path. The message names
 *   `variable` and never echoes the URL (it may hold a password).
 * @example parseStoreUrl(process.env.DATABASE_URL, "DATABASE_URL") // { engine: "sqlite", path: ".data/app.sqlite" }
 */
export function parseStoreUrl(url: string | undefined, variable: string): StoreLocation {
  const value = url?.trim() ?? "";
  if (value === "" || value.toLowerCase() === "memory:") return { engine: "memory" };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") return { engine: "postgres", url: value };
  const path = sqlitePathFromUrl(value);
  if (path === undefined) {
    const shown = scheme === undefined ? "has no scheme" : `has scheme "${scheme}:", which is not supported`;
    throw new AllFrameError(
      "configuration",
      `${variable} ${shown}; set it to memory:, sqlite:<path>, file:<path> or postgres://…, or unset it for the in-memory store`,
    );
  }
  if (path === "") {
    throw new AllFrameError(
      "configuration",
      `${variable} names no SQLite file; use e.g. sqlite:./data/app.db`,
    );
  }
  return { engine: "sqlite", path };
}
