/**
 * @module messaging: the event envelope, the event bus port with its in-process implementation and
 * adapter registry, and the consumer runtime. Contract suites (`event-bus.contract.ts`,
 * `consumer/dead-letter-queue.contract.ts`) import `node:test` and are imported by path, not from here.
 */

export { type BrokerBusOptions, resolveBrokerOptions } from "./broker-delivery.ts";
export {
  assertDeadLetterConsumer,
  BACKOFF_STRATEGIES,
  type BackoffOptions,
  type BackoffStrategy,
  backoffDelay,
  ConcurrencyLimiter,
  Consumer,
  type ConsumerOptions,
  type ConsumerStats,
  type DeadLetter,
  type DeadLetterQueue,
  InMemoryDeadLetterQueue,
  type OpenDeadLetterQueueOptions,
  type OpenedDeadLetterQueue,
  openDeadLetterQueue,
} from "./consumer/index.ts";
export type {
  DeliveryErrorHandler,
  EventBus,
  EventHandler,
  SubscribeOptions,
  Subscription,
} from "./event-bus.ts";
export {
  createEventBus,
  type EventBusAdapterOptions,
  type EventBusFactory,
  eventBusSchemes,
  openEventBus,
  registerEventBusAdapter,
} from "./event-bus-registry.ts";
export {
  assertEventType,
  type CreateEventOptions,
  createEvent,
  type EventEnvelope,
} from "./event-envelope.ts";
export { EventBridgeEventBus, type EventBridgeEventBusOptions } from "./eventbridge/eventbridge-event-bus.ts";
export { InProcessEventBus, type InProcessEventBusOptions } from "./in-process-event-bus.ts";
export {
  INBOX_MIGRATIONS,
  INBOX_TABLE,
  type Inbox,
  type InboxResult,
  type InboxTransaction,
  idempotentHandler,
  MemoryInbox,
  type MemoryInboxTransaction,
  PostgresInbox,
  type PostgresInboxOptions,
  SqliteInbox,
  type SqliteInboxOptions,
} from "./inbox/index.ts";
export { KafkaEventBus, type KafkaEventBusOptions } from "./kafka/kafka-event-bus.ts";
export { NatsJetStreamEventBus, type NatsJetStreamEventBusOptions } from "./nats/nats-jetstream-event-bus.ts";
export {
  DEFAULT_MAX_ATTEMPTS,
  type DocumentTransaction,
  type FailureOutcome,
  type OpenTransactionalOutboxOptions,
  OUTBOX_MIGRATIONS,
  OUTBOX_TABLES,
  OutboxDocumentStore,
  type OutboxDocumentStoreOptions,
  type OutboxRecord,
  OutboxRelay,
  type OutboxRelayOptions,
  type OutboxRelayStats,
  type OutboxStore,
  type OutboxStoreOptions,
  openTransactionalOutbox,
  PostgresOutboxStore,
  type PostgresOutboxStoreOptions,
  SqlDeadLetterQueue,
  type SqlEngine,
  SqliteOutboxStore,
  type SqliteOutboxStoreOptions,
  type SqlTransaction,
  type TransactionalOutbox,
  type TransactionWork,
  withPostgresTransaction,
  withSqliteTransaction,
} from "./outbox/index.ts";
export { PubSubEventBus, type PubSubEventBusOptions } from "./pubsub/pubsub-event-bus.ts";
export { RabbitMqEventBus, type RabbitMqEventBusOptions } from "./rabbitmq/rabbitmq-event-bus.ts";
export { SqsSnsEventBus, type SqsSnsEventBusOptions } from "./sqs/sqs-sns-event-bus.ts";
