/**
 * `@allframe/core`: the runtime every generated service runs on.
 *
 * Named re-exports only (no `export *`), grouped by folder. Contract suites (`*.contract.ts`) import
 * `node:test` and are imported by path, never from here.
 * @module
 */

// schema and HTTP types generated services use, so they depend on @allframe/core alone (one copy of each)
export type { Context, Hono } from "hono";
export { z } from "zod";
// cache
export { TtlCache, type TtlCacheOptions, type TtlCacheStats } from "./cache/index.ts";
// cqrs: event store, deciders and command handling, projections
export {
  type AppendResult,
  assertExpectedVersion,
  CommandHandler,
  type CommandHandlerOptions,
  ConcurrencyError,
  type Decider,
  type EventShape,
  EventStore,
  type EventStoreBackend,
  type EventStoreOptions,
  type EventSubscriber,
  type ExpectedVersion,
  type HandledCommand,
  type InlineHandler,
  InMemoryEventStoreBackend,
  isConcurrencyError,
  type NewEvent,
  NO_STREAM_VERSION,
  type Projection,
  ProjectionRegistry,
  type ProjectionStatus,
  type RecordedEvent,
  type RecordedEventDraft,
} from "./cqrs/index.ts";
// errors
export {
  AllFrameError,
  type AllFrameErrorOptions,
  ERROR_CODE_MAPPING,
  ERROR_CODES,
  type ErrorCode,
  type ErrorIssue,
  hasErrorCode,
  isAllFrameError,
  type ProtocolMapping,
  toAllFrameError,
} from "./errors/index.ts";
// messaging: envelope, bus port + in-process bus + adapter registry, consumer runtime
export {
  assertEventType,
  BACKOFF_STRATEGIES,
  type BackoffOptions,
  type BackoffStrategy,
  backoffDelay,
  ConcurrencyLimiter,
  Consumer,
  type ConsumerOptions,
  type ConsumerStats,
  type CreateEventOptions,
  createEvent,
  createEventBus,
  type DeadLetter,
  type DeadLetterQueue,
  type DeliveryErrorHandler,
  type EventBus,
  type EventBusAdapterOptions,
  type EventBusFactory,
  type EventEnvelope,
  type EventHandler,
  eventBusSchemes,
  InMemoryDeadLetterQueue,
  InProcessEventBus,
  type InProcessEventBusOptions,
  registerEventBusAdapter,
  type SubscribeOptions,
  type Subscription,
} from "./messaging/index.ts";
// observability
export {
  createLogger,
  createMemoryLogDestination,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type MemoryLogDestination,
} from "./observability/index.ts";
// persistence: document store port, memory and SQLite
export {
  assertCollectionName,
  COLLECTION_NAME_PATTERN,
  closedStoreError,
  type Document,
  type DocumentStore,
  type ListOptions,
  MemoryDocumentStore,
  type OpenDocumentStoreOptions,
  openDocumentStore,
  resolveListOptions,
  SqliteDocumentStore,
  type SqliteDocumentStoreOptions,
  serialiseDocument,
  sqlitePathFromUrl,
} from "./persistence/index.ts";
// realtime: WebSocket hub
export {
  type Authorize,
  type ClientFrame,
  clientFrameSchema,
  MAX_SUBSCRIPTIONS,
  type ServerFrame,
  WebSocketHub,
  type WebSocketHubOptions,
} from "./realtime/index.ts";
// runtime: service host, configuration, validation, clock and ids
export {
  type Clock,
  createServiceHost,
  type EnvIssue,
  type ErrorBody,
  envBoolean,
  envInteger,
  envPort,
  errorResponse,
  formatIssuePath,
  formatIssues,
  type HookOutcome,
  type IdGenerator,
  INTERNAL_ERROR_BODY,
  type ListeningAddress,
  loadEnvConfig,
  ManualClock,
  notFoundResponse,
  parseParams,
  parseQuery,
  type ReadinessCheck,
  ReadinessChecks,
  raceDeadline,
  readJson,
  type ServiceHost,
  type ServiceHostOptions,
  SHUTDOWN_PHASES,
  type ShutdownHook,
  ShutdownHooks,
  type ShutdownPhase,
  type ShutdownReport,
  sequentialIds,
  systemClock,
  toErrorIssues,
  uuidGenerator,
} from "./runtime/index.ts";
// saga: orchestrator with compensations, crash recovery, saga log; memory/SQLite/PostgreSQL state stores
export {
  applySagaLogEntry,
  DEFAULT_SAGA_TABLE,
  InMemorySagaStateStore,
  type OpenSagaStateStoreOptions,
  openSagaStateStore,
  PostgresSagaStateStore,
  type PostgresSagaStateStoreOptions,
  replaySagaLog,
  type SagaActionOutcome,
  type SagaCompensation,
  type SagaCompensationLogEntry,
  type SagaDefinition,
  type SagaInstance,
  type SagaLifecycleEntry,
  type SagaListOptions,
  type SagaLogEntry,
  type SagaLogger,
  SagaOrchestrator,
  type SagaOrchestratorOptions,
  type SagaRecoverOptions,
  type SagaRecoveryReport,
  type SagaStateStore,
  type SagaStatus,
  type SagaStep,
  type SagaStepInfo,
  type SagaStepLogEntry,
  SqliteSagaStateStore,
  type SqliteSagaStateStoreOptions,
} from "./saga/index.ts";
// scheduling: cron jobs
export {
  type JobDefinition,
  type JobInfo,
  type JobRun,
  type JobRunStatus,
  OVERLAP_POLICIES,
  type OverlapPolicy,
  Scheduler,
  type SchedulerOptions,
} from "./scheduling/index.ts";
// streaming: tumbling windows with watermarks
export {
  TumblingWindowAggregator,
  type TumblingWindowOptions,
  type TumblingWindowSnapshot,
  type WindowResult,
} from "./streaming/index.ts";
// testing: a harness for services built on this runtime
export {
  type CreateServiceFn,
  type HarnessResponse,
  type ServiceHarness,
  startService,
} from "./testing/index.ts";
