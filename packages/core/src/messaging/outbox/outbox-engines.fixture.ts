/**
 * Opens an outbox store and an inbox on the database a URL names (`sqlite:<path>` or `postgres://`),
 * for the crash tests and their child process.
 * @module
 */
import { sqlitePathFromUrl } from "../../persistence/open-document-store.ts";
import type { Clock } from "../../runtime/clock.ts";
import type { Inbox } from "../inbox/inbox.ts";
import { PostgresInbox } from "../inbox/postgres-inbox.ts";
import { SqliteInbox } from "../inbox/sqlite-inbox.ts";
import type { OutboxStore } from "./outbox-store.ts";
import { PostgresOutboxStore } from "./postgres-outbox-store.ts";
import { SqliteOutboxStore } from "./sqlite-outbox-store.ts";

/** The outbox and the consumer's inbox on one database. */
export function openEngines(url: string, clock?: Clock): { store: OutboxStore; inbox: Inbox } {
  const opts = clock === undefined ? {} : { clock };
  if (url.startsWith("postgres")) {
    return { store: new PostgresOutboxStore({ url, ...opts }), inbox: new PostgresInbox({ url, ...opts }) };
  }
  const path = sqlitePathFromUrl(url);
  if (path === undefined || path === "") throw new Error(`not a database URL: ${url}`);
  return { store: new SqliteOutboxStore({ path, ...opts }), inbox: new SqliteInbox({ path, ...opts }) };
}
