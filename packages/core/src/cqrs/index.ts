/** @module cqrs: event store and its backends, command handling with deciders, inline projections. */
export { CommandHandler, type CommandHandlerOptions, type HandledCommand } from "./command-handler.ts";
export { ConcurrencyError, isConcurrencyError } from "./concurrency-error.ts";
export type { Decider } from "./decider.ts";
export {
  type EventShape,
  type ExpectedVersion,
  type NewEvent,
  NO_STREAM_VERSION,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./event.ts";
export {
  type AppendResult,
  EventStore,
  type EventStoreOptions,
  type EventSubscriber,
  type InlineHandler,
} from "./event-store.ts";
export { assertExpectedVersion, type EventStoreBackend } from "./event-store-backend.ts";
export { InMemoryEventStoreBackend } from "./in-memory-event-store-backend.ts";
export { type Projection, ProjectionRegistry, type ProjectionStatus } from "./projection-registry.ts";
