/**
 * @module saga: orchestrated sagas with compensations, crash recovery, the saga log, and the state store
 * port with its memory, SQLite and PostgreSQL stores. The contract suite (`saga-state-store.contract.ts`)
 * imports `node:test` and is imported by path, not from here.
 */
export { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
export { type OpenSagaStateStoreOptions, openSagaStateStore } from "./open-saga-state-store.ts";
export {
  SAGA_HEADERS,
  type SagaCommandContext,
  type SagaCommandHandler,
  SagaCommandSender,
  type SagaCommandSenderOptions,
  type SagaCommandService,
  type SagaReply,
  type ServeSagaCommandsOptions,
  sagaReplyTopic,
  serveSagaCommands,
} from "./participants/index.ts";
export { PostgresSagaStateStore, type PostgresSagaStateStoreOptions } from "./postgres-saga-state-store.ts";
export { applySagaLogEntry, replaySagaLog } from "./replay-saga-log.ts";
export type { SagaCompensation, SagaDefinition, SagaStep, SagaStepInfo } from "./saga-definition.ts";
export type {
  SagaActionOutcome,
  SagaCompensationLogEntry,
  SagaInstance,
  SagaLifecycleEntry,
  SagaLogEntry,
  SagaStatus,
  SagaStepLogEntry,
} from "./saga-instance.ts";
export {
  SagaOrchestrator,
  type SagaOrchestratorOptions,
  type SagaRecoverOptions,
  type SagaRecoveryReport,
} from "./saga-orchestrator.ts";
export type { SagaLogger, SagaStatusListener } from "./saga-runner.ts";
export { DEFAULT_SAGA_TABLE, type SagaListOptions, type SagaStateStore } from "./saga-state-store.ts";
export { SqliteSagaStateStore, type SqliteSagaStateStoreOptions } from "./sqlite-saga-state-store.ts";
