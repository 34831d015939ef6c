/**
 * @module cqrs: the event store over memory, SQLite and PostgreSQL backends; command handling with
 * deciders, snapshots and a command bus; inline and async projections; upcasting.
 */
export type { CatchUpOptions, EventStoreSubscription, Sleep } from "./catch-up-subscription.ts";
export {
  CommandBus,
  type CommandBusHandler,
  type CommandContext,
  type CommandShape,
  type RegisterOptions,
} from "./command-bus.ts";
export {
  CommandHandler,
  type CommandHandlerOptions,
  type HandledCommand,
  type HandleOptions,
  type LoadedState,
  type SnapshotCodec,
} from "./command-handler.ts";
export { type CommandSchema, type CommandSchemas, validateCommand } from "./command-validation.ts";
export { ConcurrencyError, isConcurrencyError } from "./concurrency-error.ts";
export type { Decider } from "./decider.ts";
export {
  DEFAULT_SCHEMA_VERSION,
  type EventMetadata,
  type EventShape,
  type ExpectedVersion,
  METADATA_KEYS,
  type MetadataKey,
  type NewEvent,
  NO_STREAM_VERSION,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./event.ts";
export type { AppendMetadata } from "./event-drafts.ts";
export {
  type AppendEventsOptions,
  type AppendResult,
  EventStore,
  type EventStoreOptions,
  type EventStoreRuntimeStats,
  type EventSubscriber,
  type InlineHandler,
  type InlineTransaction,
  type SnapshotInput,
} from "./event-store.ts";
export {
  type AppendOptions,
  assertExpectedVersion,
  type BackendTransaction,
  type EventStoreBackend,
  type EventStoreBackendKind,
  type EventStoreStats,
  type Snapshot,
} from "./event-store-backend.ts";
export type { NewEventOf, RecordedEventOf } from "./event-types.ts";
export { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
export { openEventStoreBackend } from "./open-event-store-backend.ts";
export {
  PostgresEventStoreBackend,
  type PostgresEventStoreBackendOptions,
} from "./postgres-event-store-backend.ts";
export { applyPostgresMigrations, type PostgresMigration } from "./postgres-migrations.ts";
export { ProjectionRegistry, type ProjectionRegistryOptions } from "./projection-registry.ts";
export { InMemoryReadModel, type RollbackScope } from "./projections/in-memory-read-model.ts";
export {
  PROJECTION_KINDS,
  PROJECTION_STATES,
  type Projection,
  type ProjectionKind,
  type ProjectionState,
  type ProjectionStatus,
  type ProjectionTransaction,
} from "./projections/projection.ts";
export {
  SqliteEventStoreBackend,
  type SqliteEventStoreBackendOptions,
} from "./sqlite-event-store-backend.ts";
export { defineUpcaster, type Upcaster } from "./upcasting/upcaster.ts";
export { UpcasterRegistry } from "./upcasting/upcaster-registry.ts";
