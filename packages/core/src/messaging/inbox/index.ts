/**
 * @module messaging/inbox: the Idempotent Consumer (Chris Richardson, microservices.io) on memory,
 * SQLite and PostgreSQL. The contract suite (`inbox.contract.ts`) is imported by path, not from here.
 */
export {
  INBOX_TABLE,
  type Inbox,
  type InboxResult,
  type InboxTransaction,
  idempotentHandler,
  type MemoryInboxTransaction,
} from "./inbox.ts";
export { MemoryInbox } from "./memory-inbox.ts";
export { INBOX_MIGRATIONS, PostgresInbox, type PostgresInboxOptions } from "./postgres-inbox.ts";
export { SQLITE_INBOX_SCHEMA, SqliteInbox, type SqliteInboxOptions } from "./sqlite-inbox.ts";
