/**
 * The port for saga state (embedded default in memory; PostgreSQL and SQLite later, per DESIGN.md's
 * "event store, outbox, saga state" row). Implementations run `saga-state-store.contract.ts`.
 * @module
 */
import type { SagaInstance, SagaStatus } from "./saga-instance.ts";

/** Filters of `SagaStateStore.list`. */
export interface SagaListOptions {
  readonly saga?: string;
  readonly status?: SagaStatus;
}

/**
 * Saves and loads saga instances by id. `save` replaces the stored instance; implementations store and
 * return copies, so a caller's later changes never leak in. `list` orders by `startedAt`, then `id`.
 */
export interface SagaStateStore {
  save(instance: SagaInstance): Promise<void>;
  load(id: string): Promise<SagaInstance | undefined>;
  list(opts?: SagaListOptions): Promise<SagaInstance[]>;
}
