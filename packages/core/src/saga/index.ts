/** @module saga: orchestrated sagas with compensations, and the saga state store port. */
export { InMemorySagaStateStore } from "./in-memory-saga-state-store.ts";
export type { SagaCompensation, SagaDefinition, SagaStep } from "./saga-definition.ts";
export type { SagaInstance, SagaLogEntry, SagaStatus } from "./saga-instance.ts";
export { SagaOrchestrator, type SagaOrchestratorOptions } from "./saga-orchestrator.ts";
export type { SagaListOptions, SagaStateStore } from "./saga-state-store.ts";
