/**
 * @module messaging/outbox: the Transactional Outbox (Chris Richardson, microservices.io): the outbox
 * store port on SQLite and PostgreSQL, the business-transaction helpers, the document store that writes
 * in the outbox's transaction (`openTransactionalOutbox`), and the relay. The contract
 * suite (`outbox-store.contract.ts`) imports `node:test` and is imported by path, not from here.
 */
export {
  type OpenTransactionalOutboxOptions,
  openTransactionalOutbox,
  type TransactionalOutbox,
} from "./open-transactional-outbox.ts";
export {
  type DocumentTransaction,
  OutboxDocumentStore,
  type OutboxDocumentStoreOptions,
} from "./outbox-document-store.ts";
export { OutboxRelay, type OutboxRelayOptions, type OutboxRelayStats } from "./outbox-relay.ts";
export {
  DEFAULT_MAX_ATTEMPTS,
  type FailureOutcome,
  OUTBOX_TABLES,
  type OutboxRecord,
  type OutboxStore,
  type OutboxStoreOptions,
} from "./outbox-store.ts";
export {
  OUTBOX_LOCKS,
  OUTBOX_MIGRATIONS,
  PostgresOutboxStore,
  type PostgresOutboxStoreOptions,
} from "./postgres-outbox-store.ts";
export { OUTBOX_CHANNEL, PostgresOutboxWake } from "./postgres-outbox-wake.ts";
export { SqlDeadLetterQueue } from "./sql-dead-letters.ts";
export {
  SQL_ENGINES,
  type SqlEngine,
  type SqlTransaction,
  type TransactionWork,
  withPostgresTransaction,
  withSqliteTransaction,
} from "./sql-transaction.ts";
export {
  SQLITE_OUTBOX_SCHEMA,
  SqliteOutboxStore,
  type SqliteOutboxStoreOptions,
} from "./sqlite-outbox-store.ts";
